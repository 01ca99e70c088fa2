package orders

import (
	"context"
	"errors"
	"slices"
	"time"

	"atelier/internal/accounts"
	"atelier/internal/catalog"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/orders/attachments"
	"atelier/internal/page"
	"atelier/internal/users"
)

// Event is one line of an order's timeline: a state change, a message, a
// delivery with its files, a review.
type Event struct {
	ID        string             `json:"id"`
	Kind      string             `json:"kind"`
	ActorID   string             `json:"actor_id"` // "" for Atelier
	ActorName string             `json:"actor_name"`
	Body      string             `json:"body"`
	Files     []attachments.File `json:"files"`
	At        time.Time          `json:"at"`
}

// Message writes to the other side on the order page (either side, with
// optional files).
func (s *Service) Message(ctx context.Context, actor users.User, id, body string, files []attachments.File) (Event, error) {
	body, err := Text("body", body, true)
	if err != nil {
		return Event{}, err
	}
	if err := attachments.Check(files); err != nil {
		return Event{}, err
	}
	var evID string
	_, err = s.Act(ctx, actor, id, "", func(tx *db.Tx, o Order) error {
		if err := o.Refusal(ActMessage, tx.Now); err != nil {
			return err
		}
		if evID, err = AddEvent(ctx, tx, id, actor.ID, "message", body); err != nil {
			return err
		}
		if err := attachments.Save(ctx, tx, id, evID, files); err != nil {
			return err
		}
		if o.Side == ClientSide {
			return s.NotifyFreelancer(ctx, tx, o, "order_message", map[string]any{"title": o.Title, "from": actor.Name})
		}
		if o.Side == ManagerSide { // the project manager writes to the freelancer, the buyer reads along
			if err := s.NotifyBuyer(ctx, tx, o, "order_message", map[string]any{"title": o.Title, "from": actor.Name}); err != nil {
				return err
			}
			return s.NotifyFreelancer(ctx, tx, o, "order_message", map[string]any{"title": o.Title, "from": actor.Name})
		}
		return s.NotifyBuyer(ctx, tx, o, "order_message", map[string]any{"title": o.Title, "from": actor.Name})
	})
	if err != nil {
		return Event{}, err
	}
	return Event{ID: evID, Kind: "message", ActorID: actor.ID, ActorName: actor.Name, Body: body, Files: []attachments.File{}, At: s.DB.Clock.Now()}, nil
}

// Timeline lists an order's events, oldest first; kind "message" keeps
// only messages.
func (s *Service) Timeline(ctx context.Context, actor users.User, id, kind string) ([]Event, error) {
	if _, _, err := s.View(ctx, s.DB, actor, id); err != nil {
		return nil, err
	}
	return s.Events(ctx, id, kind)
}

// Events reads an order's timeline with its files.
func (s *Service) Events(ctx context.Context, id, kind string) ([]Event, error) {
	q := `SELECT e.id, e.kind, COALESCE(e.actor_id, ''), COALESCE(u.name, ''), e.body, e.at FROM order_events e
		LEFT JOIN users u ON u.id = e.actor_id WHERE e.order_id = ?`
	args := []any{id}
	if kind != "" {
		q += ` AND e.kind = ?`
		args = append(args, kind)
	}
	rows, err := s.DB.Query(ctx, q+` ORDER BY e.id`, args...)
	if err != nil {
		return nil, err
	}
	list := []Event{}
	index := map[string]int{}
	for rows.Next() {
		var e Event
		var at int64
		if err := rows.Scan(&e.ID, &e.Kind, &e.ActorID, &e.ActorName, &e.Body, &at); err != nil {
			rows.Close()
			return nil, err
		}
		e.At, e.Files = db.Time(at), []attachments.File{}
		index[e.ID] = len(list)
		list = append(list, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	files, err := s.DB.Query(ctx, `SELECT id, event_id, name, content_type, size FROM order_files WHERE order_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer files.Close()
	for files.Next() {
		var f attachments.File
		var ev string
		if err := files.Scan(&f.ID, &ev, &f.Name, &f.ContentType, &f.Size); err != nil {
			return nil, err
		}
		if i, ok := index[ev]; ok {
			list[i].Files = append(list[i].Files, f)
		}
	}
	return list, files.Err()
}

// File returns an attachment with its bytes, to either side of its order.
func (s *Service) File(ctx context.Context, actor users.User, orderID, fileID string) (attachments.File, error) {
	if _, _, err := s.View(ctx, s.DB, actor, orderID); err != nil {
		return attachments.File{}, err
	}
	var f attachments.File
	err := s.DB.QueryRow(ctx, `SELECT id, name, content_type, size, data FROM order_files WHERE id = ? AND order_id = ?`, fileID, orderID).
		Scan(&f.ID, &f.Name, &f.ContentType, &f.Size, &f.Data)
	if errors.Is(db.NoRows(err), db.ErrNotFound) {
		return attachments.File{}, errs.NotFound("file_not_found")
	}
	return f, err
}

// Filter narrows a list of orders.
type Filter struct {
	Status string // one status, "open" (pending, active, delivered), "running" (open and started), or "" for all
}

// FilterStatuses are the values of Filter.Status besides "".
var FilterStatuses = append(words(Statuses), "open", "running")

func (f Filter) where() (string, []any, error) {
	switch f.Status {
	case "":
		return "", nil, nil
	case "open":
		return ` AND o.status IN (` + db.Words(words(openStatuses)...) + `)`, nil, nil
	case "running":
		return ` AND o.status IN (` + db.Words(words(runningStatuses)...) + `)`, nil, nil
	}
	if slices.Contains(Statuses, Status(f.Status)) {
		return ` AND o.status = ` + db.Words(f.Status), nil, nil
	}
	return "", nil, errs.Invalid("status", "status_invalid")
}

func (s *Service) list(ctx context.Context, cond string, args []any, f Filter, r page.Request, sd string) (page.Page[Order], error) {
	extra, fargs, err := f.where()
	if err != nil {
		return page.Page[Order]{}, err
	}
	r = r.Norm()
	after := r.After
	if after == "" {
		after = "~"
	}
	args = append(append(args, fargs...), after, r.Limit+1)
	rows, err := s.DB.Query(ctx, orderSelect+`WHERE `+cond+extra+` AND o.id < ? ORDER BY o.id DESC LIMIT ?`, args...)
	if err != nil {
		return page.Page[Order]{}, err
	}
	defer rows.Close()
	var list []Order
	now := s.DB.Clock.Now()
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return page.Page[Order]{}, err
		}
		o.Side = sd
		o.at(now)
		list = append(list, o)
	}
	return page.Cut(list, r, func(o Order) string { return o.ID }), rows.Err()
}

// AccountOrders lists an account's orders, newest first: all of them for
// the admin and billing managers, their own and those shared with them for
// members.
func (s *Service) AccountOrders(ctx context.Context, actor users.User, accountID string, f Filter, r page.Request) (page.Page[Order], error) {
	role, err := accounts.Authorize(ctx, s.DB, actor, accountID, accounts.ViewAccount)
	if err != nil {
		return page.Page[Order]{}, err
	}
	cond, args := `o.account_id = ?`, []any{accountID}
	if !role.Can(accounts.SeeAllOrders) {
		cond, args = cond+` AND (o.buyer_id = ? OR EXISTS (SELECT 1 FROM order_shares sh WHERE sh.order_id = o.id AND sh.user_id = ?))`, append(args, actor.ID, actor.ID)
	}
	return s.list(ctx, cond, args, f, r, ClientSide)
}

// PendingApprovals is the admin's approval queue.
func (s *Service) PendingApprovals(ctx context.Context, actor users.User, accountID string, r page.Request) (page.Page[Order], error) {
	if _, err := accounts.Authorize(ctx, s.DB, actor, accountID, accounts.ApproveOrders); err != nil {
		return page.Page[Order]{}, err
	}
	return s.list(ctx, `o.account_id = ?`, []any{accountID}, Filter{Status: string(PendingApproval)}, r, ClientSide)
}

// FreelancerOrders lists a freelancer's orders for its owner and team.
// Orders waiting for the client's approval are not shown to the freelancer.
func (s *Service) FreelancerOrders(ctx context.Context, actor users.User, freelancerID string, f Filter, r page.Request) (page.Page[Order], error) {
	if team, err := catalog.SpeaksFor(ctx, s.DB, actor.ID, freelancerID); err != nil {
		return page.Page[Order]{}, err
	} else if !team {
		return page.Page[Order]{}, errs.NotFound("freelancer_not_found")
	}
	return s.list(ctx, `o.freelancer_id = ? AND o.status NOT IN ('pending_approval', 'rejected')`, []any{freelancerID}, f, r, FreelancerSide)
}
