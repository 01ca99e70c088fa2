package orders

// An order shared with another member of its account (package sharing):
// that member follows it read-only, on the client side.

import (
	"context"
	"errors"

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
	var role accounts.Role
	err := q.QueryRow(ctx, `SELECT m.role FROM order_shares s JOIN memberships m ON m.account_id = ? AND m.user_id = s.user_id
		WHERE s.order_id = ? AND s.user_id = ?`, o.AccountID, o.ID, actor.ID).Scan(&role)
	if errors.Is(db.NoRows(err), db.ErrNotFound) {
		return "", "", ErrNotFound
	} else if err != nil {
		return "", "", err
	}
	o.ReadOnly = true
	return ClientSide, role, nil
}
