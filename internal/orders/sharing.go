package orders

// An order shared with another member of its account (package sharing):
// that member follows it read-only, on the client side.

import (
	"context"

	"atelier/internal/accounts"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/users"
)

// ErrSharedReadOnly refuses a change to a member the order is shared with.
var ErrSharedReadOnly = errs.Forbidden("order_shared_read_only")

// sharedSide is the side of a member of the order's account who is not
// its buyer, admin or billing manager: the client side, read-only, when the
// order was shared with them; otherwise the order does not exist for them.
func sharedSide(ctx context.Context, q db.Queryer, actor users.User, o *Order) (string, accounts.Role, error) {
	var shared int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM order_shares WHERE order_id = ? AND user_id = ?`, o.ID, actor.ID).Scan(&shared); err != nil {
		return "", "", err
	}
	role, err := accounts.ActorRole(ctx, q, actor, o.AccountID) // the account's conditions (two-factor) hold here too
	if err != nil {
		return "", "", err
	}
	if shared == 0 || role == "" {
		return "", "", ErrNotFound
	}
	o.ReadOnly = true
	return ClientSide, role, nil
}
