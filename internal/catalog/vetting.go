package catalog

import (
	"context"
	"errors"
	"slices"
	"time"

	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/notify"
	"atelier/internal/page"
	"atelier/internal/users"
)

// ApplicationStatuses are the statuses of a Pro application, by which the
// vetting queue filters.
var ApplicationStatuses = []string{"pending", "approved", "rejected"}

// ProApplication is a freelancer's request for the Pro badge.
type ProApplication struct {
	ID             string    `json:"id"`
	FreelancerID   string    `json:"freelancer_id"`
	FreelancerName string    `json:"freelancer_name"`
	Status         string    `json:"status"` // pending, approved, rejected
	Message        string    `json:"message"`
	Reason         string    `json:"reason,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	DecidedAt      time.Time `json:"decided_at,omitzero"`
}

const applicationSelect = `SELECT a.id, a.freelancer_id, f.display_name, a.status, a.message, a.reason, a.created_at, a.decided_at
	FROM pro_applications a JOIN freelancers f ON f.id = a.freelancer_id `

func scanApplication(row interface{ Scan(...any) error }) (ProApplication, error) {
	var a ProApplication
	var created int64
	var decided db.NullInt
	if err := row.Scan(&a.ID, &a.FreelancerID, &a.FreelancerName, &a.Status, &a.Message, &a.Reason, &created, &decided); err != nil {
		return ProApplication{}, db.NoRows(err)
	}
	a.CreatedAt, a.DecidedAt = stamp(created), db.NullTime(decided)
	return a, nil
}

func getApplication(ctx context.Context, q db.Queryer, id string) (ProApplication, error) {
	a, err := scanApplication(q.QueryRow(ctx, applicationSelect+`WHERE a.id = ?`, id))
	if errors.Is(err, db.ErrNotFound) {
		return ProApplication{}, errs.NotFound("application_not_found")
	}
	return a, err
}

// ApplyForPro asks the vetting team for the Pro badge (the owner; one
// pending application at a time).
func (s *Service) ApplyForPro(ctx context.Context, actor users.User, freelancerID, message string) (ProApplication, error) {
	message, err := text("message", message, false, 2000)
	if err != nil {
		return ProApplication{}, err
	}
	id := db.NewID("pra")
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		f, err := s.owned(ctx, tx, actor, freelancerID)
		if err != nil {
			return err
		}
		if f.Pro {
			return errs.Conflict("already_pro")
		}
		_, err = tx.Exec(ctx, `INSERT INTO pro_applications (id, freelancer_id, status, message, created_at) VALUES (?, ?, 'pending', ?, ?)`,
			id, freelancerID, message, db.Micros(tx.Now))
		if db.IsUniqueViolation(err) {
			return errs.Conflict("application_pending")
		}
		return err
	})
	if err != nil {
		return ProApplication{}, err
	}
	return getApplication(ctx, s.DB, id)
}

// ProApplications is the vetting queue (operators only), oldest first.
func (s *Service) ProApplications(ctx context.Context, actor users.User, status string, r page.Request) (page.Page[ProApplication], error) {
	if err := operatorOnly(actor); err != nil {
		return page.Page[ProApplication]{}, err
	}
	if status == "" {
		status = "pending"
	}
	if !slices.Contains(ApplicationStatuses, status) {
		return page.Page[ProApplication]{}, errs.Invalid("status", "status_invalid")
	}
	r = r.Norm()
	list, err := db.Collect(ctx, s.DB, scanApplication, applicationSelect+`WHERE a.status = `+db.Words(status)+` AND a.id > ? ORDER BY a.id LIMIT ?`, r.After, r.Limit+1)
	if err != nil {
		return page.Page[ProApplication]{}, err
	}
	return page.Cut(list, r, func(a ProApplication) string { return a.ID }), nil
}

// LatestApplication returns a freelancer's most recent application, if any
// (for the owner's profile page).
func (s *Service) LatestApplication(ctx context.Context, freelancerID string) (ProApplication, bool, error) {
	a, err := scanApplication(s.DB.QueryRow(ctx, applicationSelect+`WHERE a.freelancer_id = ? ORDER BY a.id DESC LIMIT 1`, freelancerID))
	if errors.Is(err, db.ErrNotFound) {
		return ProApplication{}, false, nil
	}
	return a, err == nil, err
}

// decide closes a pending application; only one decision can win.
func (s *Service) decide(ctx context.Context, tx *db.Tx, actor users.User, id, status, reason string) (ProApplication, error) {
	a, err := getApplication(ctx, tx, id)
	if err != nil {
		return ProApplication{}, err
	}
	if err := tx.ExecOne(ctx, errs.Conflict("application_decided"), `UPDATE pro_applications SET status = ?, reason = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'`,
		status, reason, actor.ID, db.Micros(tx.Now), id); err != nil {
		return ProApplication{}, err
	}
	return a, nil
}

// ApproveProApplication gives the freelancer the Pro badge, at once on the
// profile and on every one of its services.
func (s *Service) ApproveProApplication(ctx context.Context, actor users.User, id string) (ProApplication, error) {
	if err := operatorOnly(actor); err != nil {
		return ProApplication{}, err
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		a, err := s.decide(ctx, tx, actor, id, "approved", "")
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE freelancers SET pro = TRUE, pro_since = ? WHERE id = ?`, db.Micros(tx.Now), a.FreelancerID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE services SET pro = TRUE WHERE freelancer_id = ?`, a.FreelancerID); err != nil {
			return err
		}
		return s.notifyOwner(ctx, tx, a.FreelancerID, "pro_approved", map[string]any{})
	})
	if err != nil {
		return ProApplication{}, err
	}
	s.counts.forget()
	return getApplication(ctx, s.DB, id)
}

// RejectProApplication refuses the badge, with the reason the freelancer
// will read.
func (s *Service) RejectProApplication(ctx context.Context, actor users.User, id, reason string) (ProApplication, error) {
	if err := operatorOnly(actor); err != nil {
		return ProApplication{}, err
	}
	reason, err := text("reason", reason, true, 2000)
	if err != nil {
		return ProApplication{}, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		a, err := s.decide(ctx, tx, actor, id, "rejected", reason)
		if err != nil {
			return err
		}
		return s.notifyOwner(ctx, tx, a.FreelancerID, "pro_rejected", map[string]any{"reason": reason})
	})
	if err != nil {
		return ProApplication{}, err
	}
	return getApplication(ctx, s.DB, id)
}

func (s *Service) notifyOwner(ctx context.Context, tx *db.Tx, freelancerID, kind string, params map[string]any) error {
	owner, err := OwnerOf(ctx, tx, freelancerID)
	if err != nil {
		return err
	}
	return notify.User(ctx, tx, owner, kind, params, "/freelancers/"+freelancerID)
}
