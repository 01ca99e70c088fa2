package orders

import (
	"net/http"

	"atelier/internal/accounts"
	"atelier/internal/orders"
	"atelier/internal/orders/sharing"
	"atelier/internal/users"
)

// An order's internal notes and shares: a section of the order page, for
// the client side only, and the read-only page of an order shared with a
// member.

// internalNotes is the order page's "Internal notes" section: the client
// side's comment threads and the members the order is shared with.
type internalNotes struct {
	OrderID string
	Threads []thread
	Shares  []sharing.Share
	// Candidates are the account's members the order could be shared with.
	Candidates []accounts.Membership
}

// internalNotesFor reads an order's internal layer; only the client side
// ever calls it (the domain refuses anyone else anyway).
func (s *pages) internalNotesFor(r *http.Request, u users.User, o orders.Order) (*internalNotes, error) {
	l, err := s.Sharing.LayerOf(r.Context(), u, o)
	if err != nil {
		return nil, err
	}
	return &internalNotes{OrderID: o.ID, Threads: threads(l.Comments), Shares: l.Shares, Candidates: l.Candidates}, nil
}

// thread is a comment with its replies, oldest first.
type thread struct {
	sharing.Comment
	Replies []sharing.Comment
}

// threads groups comments (oldest first) into their threads.
func threads(list []sharing.Comment) []thread {
	var out []thread
	at := map[string]int{}
	for _, c := range list {
		if i, ok := at[c.ReplyTo]; ok && c.ReplyTo != "" {
			out[i].Replies = append(out[i].Replies, c)
			continue
		}
		at[c.ID] = len(out)
		out = append(out, thread{Comment: c})
	}
	return out
}

// orderPageFor is the template of an order's page: a member the order is
// shared with reads it on a page without the buyer's actions.
func orderPageFor(o orders.Order) string {
	if o.ReadOnly {
		return "order_shared"
	}
	return "order"
}

func (s *pages) addInternalComment(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.orderAction(w, r, u, "flash.internal_comment_added", func() error {
		_, err := s.Sharing.AddComment(r.Context(), u, r.PathValue("order"), r.PostFormValue("body"), r.PostFormValue("reply_to"))
		return err
	})
}

func (s *pages) shareOrder(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.orderAction(w, r, u, "flash.order_shared", func() error {
		_, err := s.Sharing.ShareOrder(r.Context(), u, r.PathValue("order"), r.PostFormValue("user_id"))
		return err
	})
}
