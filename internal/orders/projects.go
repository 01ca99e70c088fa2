package orders

import (
	"context"
	"errors"
	"strings"

	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/users"
)

// ManagerSide is the side of a project's project manager on the orders
// attached to that project: they read the order, its timeline and messages,
// and write messages to the freelancer — and nothing else (every
// transition asks for the client or the freelancer side, so a manager gets
// 403 wrong_side; reviews and resolution requests refuse them too).
const ManagerSide = "manager"

// ProjectCheck decides whether actor may attach an order of an account to
// a project (the projects domain's rule, wired in by the app, since
// projects depends on orders and not the reverse). Without it no project
// exists to attach to.
type ProjectCheck func(ctx context.Context, q db.Queryer, actor users.User, accountID, projectID string) error

// Attachable checks an order's project_id: empty, or a project of the same
// account the actor may attach to; otherwise 422 project_not_found.
func (s *Service) Attachable(ctx context.Context, actor users.User, accountID, projectID string) (string, error) {
	projectID = strings.TrimSpace(projectID)
	if projectID == "" {
		return "", nil
	}
	if s.Projects == nil {
		return "", errs.Invalid("project_id", "project_not_found")
	}
	if err := s.Projects(ctx, s.DB, actor, accountID, projectID); err != nil {
		return "", err
	}
	return projectID, nil
}

// managesProject tells whether the user is the assigned project manager of
// the order's project.
func managesProject(ctx context.Context, q db.Queryer, userID string, o Order) (bool, error) {
	if o.ProjectID == "" {
		return false, nil
	}
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM projects WHERE id = ? AND account_id = ? AND manager_id = ? AND manager_status = 'assigned'`,
		o.ProjectID, o.AccountID, userID).Scan(&n)
	return n > 0, err
}

// ProjectOrders lists the orders attached to a project, newest first, with
// the client side's view. It does not authorize: the projects domain calls
// it after deciding that the actor sees the project (seeing a project shows
// its orders' summaries; each order's page keeps its own rules).
func (s *Service) ProjectOrders(ctx context.Context, projectID string) ([]Order, error) {
	rows, err := s.DB.Query(ctx, orderSelect+`WHERE o.project_id = ? ORDER BY o.id DESC LIMIT 200`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []Order{}
	now := s.DB.Clock.Now()
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, err
		}
		o.Side = ClientSide
		o.at(now)
		list = append(list, o)
	}
	return list, rows.Err()
}

// Openable tells which of the orders actor may open — the order page's own
// rule (their side of it, else a share with them) — so that a project page,
// which shows every attached order's summary to whoever sees the project,
// links only the orders the viewer can follow.
func (s *Service) Openable(ctx context.Context, actor users.User, list []Order) (map[string]bool, error) {
	open := map[string]bool{}
	for _, o := range list {
		_, _, err := side(ctx, s.DB, actor, o)
		if errors.Is(err, ErrNotFound) {
			_, _, err = sharedSide(ctx, s.DB, actor, &o)
		}
		if errors.Is(err, ErrNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		open[o.ID] = true
	}
	return open, nil
}
