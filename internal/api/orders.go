package api

import (
	"encoding/base64"
	"net/http"

	"atelier/internal/errs"
	"atelier/internal/orders"
	"atelier/internal/orders/approvals"
	"atelier/internal/orders/attachments"
	"atelier/internal/orders/reviews"
	"atelier/internal/page"
)

// seesOrder refuses, before a route reads files, a caller who cannot see
// the order.
func (s *Server) seesOrder(c *call) error {
	_, err := s.Orders.Get(c.r.Context(), c.user, c.param("order"))
	return err
}

type fileIn struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Data        string `json:"data"` // base64
}

type messageIn struct {
	Body  string   `json:"body"`
	Files []fileIn `json:"files"`
}

type deliveryIn struct {
	Message string   `json:"message"`
	Files   []fileIn `json:"files"`
}

type revisionIn struct {
	Message string `json:"message"`
}

type extendIn struct {
	Days int `json:"days"`
}

type reviewIn struct {
	Rating int    `json:"rating"`
	Text   string `json:"text"`
}

func files(in []fileIn) ([]attachments.File, error) {
	out := make([]attachments.File, 0, len(in))
	for _, f := range in {
		b, err := base64.StdEncoding.DecodeString(f.Data)
		if err != nil {
			return nil, errs.Invalid("files", "file_data_invalid")
		}
		out = append(out, attachments.File{Name: f.Name, ContentType: f.ContentType, Size: int64(len(b)), Data: b})
	}
	return out, nil
}

func (c *call) filter() orders.Filter { return orders.Filter{Status: c.r.URL.Query().Get("status")} }

func (s *Server) orderRoutes() []route {
	return []route{
		{Method: "POST", Path: "/orders", Tag: "orders", Status: http.StatusCreated, Idempotent: true,
			Summary: "Order a package of a service with a quantity; paid from credits and balance, else the default card (Idempotency-Key honoured)",
			In:      orders.NewOrder{}, Out: orders.Order{},
			Handle: body(func(c *call, in orders.NewOrder) (any, error) {
				return s.Orders.Place(c.r.Context(), c.user, in, c.r.Header.Get("Idempotency-Key"))
			})},
		{Method: "GET", Path: "/orders/{order}", Tag: "orders", Summary: "One order, to either side", Out: orders.Order{},
			Handle: func(c *call) (any, error) { return s.Orders.Get(c.r.Context(), c.user, c.param("order")) }},
		{Method: "GET", Path: "/accounts/{account}/orders", Tag: "orders", Out: page.Page[orders.Order]{},
			Summary: "The account's orders (members: their own); ?status= one status, open (waiting, active, delivered or awaiting payment) or running (started and open)",
			Query:   []param{status(orders.FilterStatuses, "")},
			Handle: paged(func(c *call, p page.Request) (any, error) {
				return s.Orders.AccountOrders(c.r.Context(), c.user, c.param("account"), c.filter(), p)
			})},
		{Method: "GET", Path: "/accounts/{account}/pending-approvals", Tag: "orders", Out: page.Page[orders.Order]{},
			Summary: "Orders waiting for the admin's approval (admin)",
			Handle: paged(func(c *call, p page.Request) (any, error) {
				return s.Orders.PendingApprovals(c.r.Context(), c.user, c.param("account"), p)
			})},
		{Method: "GET", Path: "/accounts/{account}/spend-approvals", Tag: "orders", Out: page.Page[approvals.SpendApproval]{},
			Summary: "Commitments that are not orders — a price raise, a weekly limit raise — newest first; ?status=pending|approved|rejected|applied|closed (admin)",
			Query:   []param{status(approvals.CommitStatuses, "")},
			Handle: paged(func(c *call, p page.Request) (any, error) {
				return s.Approvals.SpendApprovals(c.r.Context(), c.user, c.param("account"), approvals.CommitStatus(c.r.URL.Query().Get("status")), p)
			})},
		{Method: "POST", Path: "/spend-approvals/{approval}/approve", Tag: "orders", Idempotent: true, Out: approvals.SpendApproval{},
			Summary: "Approve a waiting commitment: the raise is charged, or the limit raised, in the admin's name (admin; Idempotency-Key honoured)",
			Handle: func(c *call) (any, error) {
				return s.Approvals.ApproveSpend(c.r.Context(), c.user, c.param("approval"), c.r.Header.Get("Idempotency-Key"))
			}},
		{Method: "POST", Path: "/spend-approvals/{approval}/reject", Tag: "orders", In: reasonIn{}, Out: approvals.SpendApproval{},
			Summary: "Reject a waiting commitment with a reason: nothing is charged or changed (admin)",
			Handle: body(func(c *call, in reasonIn) (any, error) {
				return s.Approvals.RejectSpend(c.r.Context(), c.user, c.param("approval"), in.Reason)
			})},
		{Method: "GET", Path: "/freelancers/{freelancer}/orders", Tag: "orders", Out: page.Page[orders.Order]{},
			Summary: "A freelancer's orders (its owner and team); ?status= as an account's orders",
			Query:   []param{status(orders.FilterStatuses, "")},
			Handle: paged(func(c *call, p page.Request) (any, error) {
				return s.Orders.FreelancerOrders(c.r.Context(), c.user, c.param("freelancer"), c.filter(), p)
			})},
		{Method: "POST", Path: "/orders/{order}/approve", Tag: "orders", Idempotent: true, Out: orders.Order{},
			Summary: "Approve a waiting order: it is charged and starts (admin; Idempotency-Key honoured)",
			Handle: func(c *call) (any, error) {
				return s.Approvals.Approve(c.r.Context(), c.user, c.param("order"), c.r.Header.Get("Idempotency-Key"))
			}},
		{Method: "POST", Path: "/orders/{order}/reject", Tag: "orders", In: reasonIn{}, Out: orders.Order{},
			Summary: "Reject a waiting order with a reason (admin)",
			Handle: body(func(c *call, in reasonIn) (any, error) {
				return s.Approvals.Reject(c.r.Context(), c.user, c.param("order"), in.Reason)
			})},
		{Method: "POST", Path: "/orders/{order}/messages", Tag: "orders", Status: http.StatusCreated, In: messageIn{}, MaxBody: filesBody, Before: s.seesOrder, Out: orders.Event{},
			Summary: "Write to the other side, with optional files (base64)",
			Handle: body(func(c *call, in messageIn) (any, error) {
				fs, err := files(in.Files)
				if err != nil {
					return nil, err
				}
				return s.Orders.Message(c.r.Context(), c.user, c.param("order"), in.Body, fs)
			})},
		{Method: "GET", Path: "/orders/{order}/messages", Tag: "orders", Out: listOut[orders.Event]{}, Summary: "The order's messages, oldest first",
			Handle: func(c *call) (any, error) {
				list, err := s.Orders.Timeline(c.r.Context(), c.user, c.param("order"), "message")
				return listOut[orders.Event]{Items: list}, err
			}},
		{Method: "GET", Path: "/orders/{order}/timeline", Tag: "orders", Out: listOut[orders.Event]{}, Summary: "Every event of the order, oldest first",
			Handle: func(c *call) (any, error) {
				list, err := s.Orders.Timeline(c.r.Context(), c.user, c.param("order"), "")
				return listOut[orders.Event]{Items: list}, err
			}},
		{Method: "GET", Path: "/orders/{order}/files/{file}", Tag: "orders", Out: file{Types: attachments.Types()},
			Summary: "Download a file of a delivery or message",
			Handle: func(c *call) (any, error) {
				f, err := s.Orders.File(c.r.Context(), c.user, c.param("order"), c.param("file"))
				return file{ContentType: f.ContentType, Name: f.Name, Data: f.Data}, err
			}},
		{Method: "POST", Path: "/orders/{order}/deliveries", Tag: "orders", Status: http.StatusCreated, In: deliveryIn{}, MaxBody: filesBody, Before: s.seesOrder, Out: orders.Order{},
			Summary: "Deliver the work (freelancer); completes by itself in 3 days unless the client answers",
			Handle: body(func(c *call, in deliveryIn) (any, error) {
				fs, err := files(in.Files)
				if err != nil {
					return nil, err
				}
				return s.Orders.Deliver(c.r.Context(), c.user, c.param("order"), in.Message, fs)
			})},
		{Method: "POST", Path: "/orders/{order}/accept", Tag: "orders", Out: orders.Order{}, Summary: "Accept the delivery: the order completes (client)",
			Handle: func(c *call) (any, error) { return s.Orders.Accept(c.r.Context(), c.user, c.param("order")) }},
		{Method: "POST", Path: "/orders/{order}/revisions", Tag: "orders", In: revisionIn{}, Out: orders.Order{},
			Summary: "Ask for a revision while revisions remain (client)",
			Handle: body(func(c *call, in revisionIn) (any, error) {
				return s.Orders.RequestRevision(c.r.Context(), c.user, c.param("order"), in.Message)
			})},
		{Method: "POST", Path: "/orders/{order}/extend-review", Tag: "orders", In: extendIn{}, Out: orders.Order{},
			Summary: "Add days to the review window of a delivery, 5 at most per delivery (client)",
			Handle: body(func(c *call, in extendIn) (any, error) {
				return s.Orders.ExtendReview(c.r.Context(), c.user, c.param("order"), in.Days)
			})},
		{Method: "POST", Path: "/orders/{order}/cancel", Tag: "orders", In: reasonIn{}, Out: orders.Order{},
			Summary: "Cancel alone: an order waiting for approval, or one 24 hours late (full refund) (client)",
			Handle: body(func(c *call, in reasonIn) (any, error) {
				return s.Orders.Cancel(c.r.Context(), c.user, c.param("order"), in.Reason)
			})},
		{Method: "POST", Path: "/orders/{order}/reviews", Tag: "orders", Status: http.StatusCreated, In: reviewIn{}, Out: reviews.Review{},
			Summary: "Review the other side of a completed order, once, within 30 days",
			Handle: body(func(c *call, in reviewIn) (any, error) {
				return s.Reviews.WriteReview(c.r.Context(), c.user, c.param("order"), in.Rating, in.Text)
			})},
		{Method: "GET", Path: "/orders/{order}/reviews", Tag: "orders", Out: listOut[reviews.Review]{},
			Summary: "The order's reviews: your side's, and the other's once public",
			Handle: func(c *call) (any, error) {
				list, err := s.Reviews.Reviews(c.r.Context(), c.user, c.param("order"))
				return listOut[reviews.Review]{Items: list}, err
			}},
	}
}
