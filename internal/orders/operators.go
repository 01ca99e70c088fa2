package orders

import (
	"context"

	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/notify"
	"atelier/internal/users"
)

// NotifyOperators tells every operator of something waiting in their
// queues (an escalation, a guarantee claim), in the app and by e-mail.
func NotifyOperators(ctx context.Context, tx *db.Tx, kind string, params map[string]any, link string) error {
	ids, err := db.Strings(ctx, tx, `SELECT id FROM users WHERE is_operator = TRUE ORDER BY id`)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := notify.User(ctx, tx, id, kind, params, link); err != nil {
			return err
		}
	}
	return nil
}

func OperatorOnly(actor users.User) error {
	if !actor.IsOperator {
		return errs.Forbidden("operator_only")
	}
	return nil
}

// ForOperator reads an order as an operator sees it in their queues, on no
// side: with its milestones and its requests.
func (s *Service) ForOperator(ctx context.Context, q db.Queryer, id string) (Order, error) {
	o, err := Load(ctx, q, id)
	if err != nil {
		return Order{}, err
	}
	now := s.DB.Clock.Now()
	o.Side = "operator"
	o.at(now)
	if o.Kind == KindMilestones {
		if o.Milestones, err = MilestonesOf(ctx, q, o.ID); err != nil {
			return Order{}, err
		}
	}
	return o, AttachRequests(ctx, q, &o, now)
}
