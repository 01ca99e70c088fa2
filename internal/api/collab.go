package api

import (
	"net/http"

	"atelier/internal/lists"
	"atelier/internal/network"
	"atelier/internal/orders/sharing"
	"atelier/internal/page"
)

type shareOrderIn struct {
	UserID string `json:"user_id"`
}

type commentIn struct {
	Body    string `json:"body"`
	ReplyTo string `json:"reply_to,omitempty"` // a comment of the order: the reply joins its thread
}

type listIn struct {
	Name string `json:"name"`
}

type listShareIn struct {
	AccountID string `json:"account_id"`
}

type internalReviewIn struct {
	Rating int    `json:"rating"`
	Text   string `json:"text"`
}

type saveIn struct {
	FreelancerID string `json:"freelancer_id"`
}

type rehireIn struct {
	Message string `json:"message"`
}

type sharesOut struct {
	Items []sharing.Share `json:"items"`
}

type commentsOut struct {
	Items []sharing.Comment `json:"items"`
}

type listSharesOut struct {
	Items []lists.Share `json:"items"`
}

// collabRoutes are team collaboration (API.md "Collaboration" and the
// orders' shares and internal comments): every route here answers 404 to
// anyone outside the account (and, for an order's internal layer, to the
// freelancer's side).
func (s *Server) collabRoutes() []route {
	return []route{
		// Orders: internal sharing and comments.
		{Method: "POST", Path: "/orders/{order}/shares", Tag: "collaboration", Status: http.StatusCreated, In: shareOrderIn{}, Out: sharesOut{},
			Summary: "Share an order with another member of its account (client side); they are told and may then read it",
			Handle: body(func(c *call, in shareOrderIn) (any, error) {
				l, err := s.Sharing.ShareOrder(c.r.Context(), c.user, c.param("order"), in.UserID)
				return sharesOut{Items: l}, err
			})},
		{Method: "GET", Path: "/orders/{order}/shares", Tag: "collaboration", Out: sharesOut{},
			Summary: "The members an order is shared with (client side)",
			Handle: func(c *call) (any, error) {
				l, err := s.Sharing.Shares(c.r.Context(), c.user, c.param("order"))
				return sharesOut{Items: l}, err
			}},
		{Method: "DELETE", Path: "/orders/{order}/shares/{user}", Tag: "collaboration", Status: http.StatusNoContent,
			Summary: "Stop sharing an order with a member (client side)",
			Handle: func(c *call) (any, error) {
				return nil, s.Sharing.UnshareOrder(c.r.Context(), c.user, c.param("order"), c.param("user"))
			}},
		{Method: "POST", Path: "/orders/{order}/internal-comments", Tag: "collaboration", Status: http.StatusCreated, In: commentIn{}, Out: sharing.Comment{},
			Summary: "Write an internal comment (reply_to: answer in a comment's thread): read by the account's members who see the order, never by the freelancer; @Name notifies a member",
			Handle: body(func(c *call, in commentIn) (any, error) {
				return s.Sharing.AddComment(c.r.Context(), c.user, c.param("order"), in.Body, in.ReplyTo)
			})},
		{Method: "GET", Path: "/orders/{order}/internal-comments", Tag: "collaboration", Out: commentsOut{},
			Summary: "An order's internal comments, oldest first (client side only; 404 to the freelancer)",
			Handle: func(c *call) (any, error) {
				l, err := s.Sharing.Comments(c.r.Context(), c.user, c.param("order"))
				return commentsOut{Items: l}, err
			}},

		// Lists.
		{Method: "POST", Path: "/accounts/{account}/lists", Tag: "collaboration", Status: http.StatusCreated, In: listIn{}, Out: lists.List{},
			Summary: "Create a list of freelancers and services (any member)",
			Handle: body(func(c *call, in listIn) (any, error) {
				return s.Lists.Create(c.r.Context(), c.user, c.param("account"), in.Name)
			})},
		{Method: "GET", Path: "/accounts/{account}/lists", Tag: "collaboration", Out: page.Page[lists.List]{},
			Summary: "The account's own lists, newest first",
			Handle: paged(func(c *call, p page.Request) (any, error) {
				return s.Lists.AccountLists(c.r.Context(), c.user, c.param("account"), p)
			})},
		{Method: "GET", Path: "/accounts/{account}/shared-lists", Tag: "collaboration", Out: page.Page[lists.List]{},
			Summary: "Lists other accounts share with this account (read-only)",
			Handle: paged(func(c *call, p page.Request) (any, error) {
				return s.Lists.SharedWith(c.r.Context(), c.user, c.param("account"), p)
			})},
		{Method: "GET", Path: "/lists/{list}", Tag: "collaboration", Out: lists.List{},
			Summary: "A list with its items (its account's members; members of an account it is shared with read it)",
			Handle:  func(c *call) (any, error) { return s.Lists.Get(c.r.Context(), c.user, c.param("list")) }},
		{Method: "PATCH", Path: "/lists/{list}", Tag: "collaboration", In: listIn{}, Out: lists.List{},
			Summary: "Rename a list",
			Handle: body(func(c *call, in listIn) (any, error) {
				return s.Lists.Rename(c.r.Context(), c.user, c.param("list"), in.Name)
			})},
		{Method: "DELETE", Path: "/lists/{list}", Tag: "collaboration", Status: http.StatusNoContent,
			Summary: "Delete a list with its items and shares",
			Handle:  func(c *call) (any, error) { return nil, s.Lists.Delete(c.r.Context(), c.user, c.param("list")) }},
		{Method: "POST", Path: "/lists/{list}/items", Tag: "collaboration", Status: http.StatusCreated, In: lists.NewItem{}, Out: lists.Item{},
			Summary: "Add a freelancer (freelancer_id) or a service (service_id) to a list, with a note",
			Handle: body(func(c *call, in lists.NewItem) (any, error) {
				return s.Lists.AddItem(c.r.Context(), c.user, c.param("list"), in)
			})},
		{Method: "DELETE", Path: "/lists/{list}/items/{item}", Tag: "collaboration", Status: http.StatusNoContent,
			Summary: "Remove an item from a list",
			Handle: func(c *call) (any, error) {
				return nil, s.Lists.RemoveItem(c.r.Context(), c.user, c.param("list"), c.param("item"))
			}},
		{Method: "GET", Path: "/lists/{list}/shares", Tag: "collaboration", Out: listSharesOut{},
			Summary: "The accounts a list is shared with (its own account)",
			Handle: func(c *call) (any, error) {
				l, err := s.Lists.Shares(c.r.Context(), c.user, c.param("list"))
				return listSharesOut{Items: l}, err
			}},
		{Method: "POST", Path: "/lists/{list}/shares", Tag: "collaboration", Status: http.StatusCreated, In: listShareIn{}, Out: listSharesOut{},
			Summary: "Share a list read-only with another account (by its id); its admin is told",
			Handle: body(func(c *call, in listShareIn) (any, error) {
				l, err := s.Lists.Share(c.r.Context(), c.user, c.param("list"), in.AccountID)
				return listSharesOut{Items: l}, err
			})},
		{Method: "DELETE", Path: "/lists/{list}/shares/{account}", Tag: "collaboration", Status: http.StatusNoContent,
			Summary: "Revoke a list's share: to that account the list no longer exists",
			Handle: func(c *call) (any, error) {
				return nil, s.Lists.Revoke(c.r.Context(), c.user, c.param("list"), c.param("account"))
			}},

		// The freelancer network.
		{Method: "GET", Path: "/accounts/{account}/network", Tag: "collaboration", Out: page.Page[network.Entry]{},
			Summary: "The account's freelancer network: everyone it hired plus saved candidates, with its orders and internal reviews",
			Handle: paged(func(c *call, p page.Request) (any, error) {
				return s.Network.List(c.r.Context(), c.user, c.param("account"), p)
			})},
		{Method: "GET", Path: "/accounts/{account}/network/{freelancer}", Tag: "collaboration", Out: network.Entry{},
			Summary: "One freelancer of the network",
			Handle: func(c *call) (any, error) {
				return s.Network.Get(c.r.Context(), c.user, c.param("account"), c.param("freelancer"))
			}},
		{Method: "POST", Path: "/accounts/{account}/network", Tag: "collaboration", Status: http.StatusCreated, In: saveIn{}, Out: network.Entry{},
			Summary: "Save a freelancer (freelancer_id) to the network as a candidate; the same as …/network/{freelancer}/save",
			Handle: body(func(c *call, in saveIn) (any, error) {
				return s.Network.Save(c.r.Context(), c.user, c.param("account"), in.FreelancerID)
			})},
		{Method: "POST", Path: "/accounts/{account}/network/{freelancer}/save", Tag: "collaboration", Status: http.StatusCreated, Out: network.Entry{},
			Summary: "Save a freelancer to the network as a candidate",
			Handle: func(c *call) (any, error) {
				return s.Network.Save(c.r.Context(), c.user, c.param("account"), c.param("freelancer"))
			}},
		{Method: "DELETE", Path: "/accounts/{account}/network/{freelancer}/save", Tag: "collaboration", Status: http.StatusNoContent,
			Summary: "Take a saved candidate off the network",
			Handle: func(c *call) (any, error) {
				return nil, s.Network.Unsave(c.r.Context(), c.user, c.param("account"), c.param("freelancer"))
			}},
		{Method: "POST", Path: "/accounts/{account}/network/{freelancer}/internal-reviews", Tag: "collaboration", In: internalReviewIn{}, Out: network.Entry{},
			Summary: "Write or replace the caller's internal review (rating 1–5, text) of a freelancer of the network; never shown to the freelancer",
			Handle: body(func(c *call, in internalReviewIn) (any, error) {
				return s.Network.Review(c.r.Context(), c.user, c.param("account"), c.param("freelancer"), in.Rating, in.Text)
			})},
		{Method: "POST", Path: "/accounts/{account}/network/{freelancer}/rehire", Tag: "collaboration", Status: http.StatusCreated, In: rehireIn{}, Out: network.Rehire{},
			Summary: "Rehire: ask a freelancer of the network for a custom offer (they get a link to the offer form for this account)",
			Handle: body(func(c *call, in rehireIn) (any, error) {
				return s.Network.RequestRehire(c.r.Context(), c.user, c.param("account"), c.param("freelancer"), in.Message)
			})},
	}
}
