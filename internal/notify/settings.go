package notify

import (
	"context"
	"strings"

	"atelier/internal/db"
	"atelier/internal/errs"
)

// Categories group the notices a user may stop receiving by e-mail (they
// always stay in the app).
var Categories = []string{"orders", "team", "profile", "other"}

// Category is the group of a kind of notice: orders (orders, offers,
// milestones, hourly contracts, requests, disputes, the guarantee), team
// (invitations, roles, what members share), profile (Pro vetting), and
// other.
func Category(kind string) string {
	for _, p := range []string{"order_", "offer_", "milestone_", "hourly_", "request_", "escalation_", "guarantee_"} {
		if strings.HasPrefix(kind, p) {
			return "orders"
		}
	}
	switch {
	case strings.HasPrefix(kind, "invitation_"), kind == "role_changed", kind == "admin_transferred":
		return "team"
	case strings.HasPrefix(kind, "pro_"):
		return "profile"
	}
	return "other"
}

// EmailSettings says, per category, whether a user gets its e-mails.
func (s *Service) EmailSettings(ctx context.Context, userID string) (map[string]bool, error) {
	on := map[string]bool{}
	for _, c := range Categories {
		on[c] = true
	}
	off, err := db.Strings(ctx, s.DB, `SELECT category FROM email_optouts WHERE user_id = ?`, userID)
	for _, c := range off {
		on[c] = false
	}
	return on, err
}

// SetEmailSettings turns a user's e-mails on or off per category; the
// categories not named keep their setting.
func (s *Service) SetEmailSettings(ctx context.Context, userID string, on map[string]bool) (map[string]bool, error) {
	for c := range on {
		if !known(c) {
			return nil, errs.Invalid("email."+c, "notification_category_unknown")
		}
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		for c, v := range on {
			if _, err := tx.Exec(ctx, `DELETE FROM email_optouts WHERE user_id = ? AND category = ?`, userID, c); err != nil {
				return err
			}
			if !v {
				if _, err := tx.Exec(ctx, `INSERT INTO email_optouts (user_id, category) VALUES (?, ?)`, userID, c); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.EmailSettings(ctx, userID)
}

func known(c string) bool {
	for _, k := range Categories {
		if k == c {
			return true
		}
	}
	return false
}
