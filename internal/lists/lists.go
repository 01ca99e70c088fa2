// Package lists holds a business account's lists of freelancers and
// services ("Logo designers", "Video editors we trust"; PRODUCT.md §7).
//
// A list belongs to one account. Every member of that account reads and
// edits it: renames it, adds and removes freelancers and services with a
// note, shares it, deletes it. A list can be shared read-only with another
// account: that account's members read it (and get 403 on any change);
// revoking the share makes it not exist for them again (404). To anyone
// else a list does not exist (404).
package lists

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"atelier/internal/accounts"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/notify"
	"atelier/internal/page"
	"atelier/internal/users"
)

// Service is the lists domain.
type Service struct {
	DB *db.DB
}

// Limits of what a list holds.
const (
	MaxNameRunes = 100
	MaxNoteRunes = 1000
	MaxItems     = 500
)

var (
	errListNotFound = errs.NotFound("list_not_found")
	errReadOnly     = errs.Forbidden("list_read_only")
)

// List is a list as a viewer sees it.
type List struct {
	ID          string    `json:"id"`
	AccountID   string    `json:"account_id"`
	AccountName string    `json:"account_name"`
	Name        string    `json:"name"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	ItemsCount  int       `json:"items_count"`
	// ReadOnly: the viewer reads the list through a share with their account.
	ReadOnly bool `json:"read_only"`
	// Items are the list's freelancers and services, oldest first (one
	// list; lists of lists leave them out).
	Items []Item `json:"items,omitempty"`
	// Shares are the accounts the list is shared with (its own account's
	// members only).
	Shares []Share `json:"shares,omitempty"`
}

// Item is a freelancer or a service on a list.
type Item struct {
	ID             string    `json:"id"`
	Kind           string    `json:"kind"` // freelancer or service
	FreelancerID   string    `json:"freelancer_id"`
	FreelancerName string    `json:"freelancer_name"`
	ServiceID      string    `json:"service_id,omitempty"`
	ServiceTitle   string    `json:"service_title,omitempty"`
	Pro            bool      `json:"pro"`
	Note           string    `json:"note"`
	AddedBy        string    `json:"added_by"`
	AddedByName    string    `json:"added_by_name"`
	CreatedAt      time.Time `json:"created_at"`
}

// Share is an account a list is shared with.
type Share struct {
	AccountID   string    `json:"account_id"`
	AccountName string    `json:"account_name"`
	SharedBy    string    `json:"shared_by"`
	SharedAt    time.Time `json:"shared_at"`
}

// NewItem is what is added to a list: a freelancer or a service.
type NewItem struct {
	FreelancerID string `json:"freelancer_id,omitempty"`
	ServiceID    string `json:"service_id,omitempty"`
	Note         string `json:"note,omitempty"`
}

func validName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", errs.Invalid("name", "required")
	case utf8.RuneCountInString(name) > MaxNameRunes:
		return "", errs.Invalid("name", "too_long").With("max", MaxNameRunes)
	}
	return name, nil
}

// access is how the actor reaches a list: as a member of its account
// (edit), as a member of an account it is shared with (read), or not at
// all (404).
func access(ctx context.Context, q db.Queryer, actor users.User, listID string) (List, error) {
	var l List
	var created, updated int64
	sharedTo, args := accounts.ReachableSQL("s.account_id", actor)
	err := q.QueryRow(ctx, `SELECT l.id, l.account_id, a.name, l.name, l.created_by, l.created_at, l.updated_at,
		(SELECT COUNT(*) FROM list_items i WHERE i.list_id = l.id)
		FROM lists l JOIN accounts a ON a.id = l.account_id WHERE l.id = ?
		AND (EXISTS (SELECT 1 FROM memberships m WHERE m.account_id = l.account_id AND m.user_id = ?)
			OR EXISTS (SELECT 1 FROM list_shares s WHERE s.list_id = l.id AND `+sharedTo+`))`, append([]any{listID, actor.ID}, args...)...).
		Scan(&l.ID, &l.AccountID, &l.AccountName, &l.Name, &l.CreatedBy, &created, &updated, &l.ItemsCount)
	if errors.Is(db.NoRows(err), db.ErrNotFound) {
		return List{}, errListNotFound
	}
	if err != nil {
		return List{}, err
	}
	l.CreatedAt, l.UpdatedAt = db.Time(created), db.Time(updated)
	_, merr := accounts.Authorize(ctx, q, actor, l.AccountID, accounts.ViewAccount)
	if errors.Is(merr, accounts.ErrTwoFactorRequired) {
		return List{}, merr // its own account's list, not to be read as shared
	}
	l.ReadOnly = merr != nil
	return l, nil
}

// editable loads a list for a change: only its own account's members.
func editable(ctx context.Context, tx *db.Tx, actor users.User, listID string) (List, error) {
	l, err := access(ctx, tx, actor, listID)
	if err != nil {
		return List{}, err
	}
	if l.ReadOnly {
		return List{}, errReadOnly
	}
	return l, nil
}

// lock takes the list's row lock for the rest of the transaction and
// returns how many items the list holds now: changes that count its items
// (AddItem's limit) take turns, each counting after the one before it
// committed. A list deleted meanwhile is not found.
func lock(ctx context.Context, tx *db.Tx, listID string) (int, error) {
	res, err := tx.Exec(ctx, `UPDATE lists SET updated_at = updated_at WHERE id = ?`, listID)
	if err != nil {
		return 0, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, errListNotFound
	}
	var n int
	err = tx.QueryRow(ctx, `SELECT COUNT(*) FROM list_items WHERE list_id = ?`, listID).Scan(&n)
	return n, err
}

func touch(ctx context.Context, tx *db.Tx, listID string) error {
	_, err := tx.Exec(ctx, `UPDATE lists SET updated_at = ? WHERE id = ?`, db.Micros(tx.Now), listID)
	return err
}

// Create makes a list in an account (any member).
func (s *Service) Create(ctx context.Context, actor users.User, accountID, name string) (List, error) {
	name, err := validName(name)
	if err != nil {
		return List{}, err
	}
	id := db.NewID("lst")
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := accounts.Authorize(ctx, tx, actor, accountID, accounts.ViewAccount); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO lists (id, account_id, name, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			id, accountID, name, actor.ID, db.Micros(tx.Now), db.Micros(tx.Now))
		return err
	})
	if err != nil {
		return List{}, err
	}
	return s.Get(ctx, actor, id)
}

// AccountLists lists an account's own lists, newest first (any member).
func (s *Service) AccountLists(ctx context.Context, actor users.User, accountID string, r page.Request) (page.Page[List], error) {
	if _, err := accounts.Authorize(ctx, s.DB, actor, accountID, accounts.ViewAccount); err != nil {
		return page.Page[List]{}, err
	}
	return s.list(ctx, `l.account_id = ?`, []any{accountID}, false, r)
}

// SharedWith lists the lists other accounts share with an account, newest
// first (any member of it).
func (s *Service) SharedWith(ctx context.Context, actor users.User, accountID string, r page.Request) (page.Page[List], error) {
	if _, err := accounts.Authorize(ctx, s.DB, actor, accountID, accounts.ViewAccount); err != nil {
		return page.Page[List]{}, err
	}
	return s.list(ctx, `EXISTS (SELECT 1 FROM list_shares s WHERE s.list_id = l.id AND s.account_id = ?)`, []any{accountID}, true, r)
}

func (s *Service) list(ctx context.Context, cond string, args []any, readOnly bool, r page.Request) (page.Page[List], error) {
	r = r.Norm()
	after := r.After
	if after == "" {
		after = "~"
	}
	out, err := db.Collect(ctx, s.DB, func(row db.Row) (List, error) {
		l := List{ReadOnly: readOnly}
		var created, updated int64
		err := row.Scan(&l.ID, &l.AccountID, &l.AccountName, &l.Name, &l.CreatedBy, &created, &updated, &l.ItemsCount)
		l.CreatedAt, l.UpdatedAt = db.Time(created), db.Time(updated)
		return l, err
	}, `SELECT l.id, l.account_id, a.name, l.name, l.created_by, l.created_at, l.updated_at,
		(SELECT COUNT(*) FROM list_items i WHERE i.list_id = l.id)
		FROM lists l JOIN accounts a ON a.id = l.account_id WHERE `+cond+` AND l.id < ? ORDER BY l.id DESC LIMIT ?`,
		append(args, after, r.Limit+1)...)
	if err != nil {
		return page.Page[List]{}, err
	}
	return page.Cut(out, r, func(l List) string { return l.ID }), nil
}

// Get returns a list with its items (and, to its own account, its shares).
func (s *Service) Get(ctx context.Context, actor users.User, listID string) (List, error) {
	l, err := access(ctx, s.DB, actor, listID)
	if err != nil {
		return List{}, err
	}
	if l.Items, err = items(ctx, s.DB, listID); err != nil {
		return List{}, err
	}
	if !l.ReadOnly {
		if l.Shares, err = shares(ctx, s.DB, listID); err != nil {
			return List{}, err
		}
	}
	return l, nil
}

func items(ctx context.Context, q db.Queryer, listID string) ([]Item, error) {
	return db.Collect(ctx, q, func(row db.Row) (it Item, err error) {
		var at int64
		err = row.Scan(&it.ID, &it.ServiceID, &it.ServiceTitle, &it.FreelancerID, &it.FreelancerName, &it.Pro,
			&it.Note, &it.AddedBy, &it.AddedByName, &at)
		it.Kind = "freelancer"
		if it.ServiceID != "" {
			it.Kind = "service"
		}
		it.CreatedAt = db.Time(at)
		return it, err
	}, `SELECT i.id, COALESCE(i.service_id, ''), COALESCE(sv.title, ''), f.id, f.display_name, f.pro,
		i.note, i.added_by, u.name, i.created_at
		FROM list_items i
		LEFT JOIN services sv ON sv.id = i.service_id
		JOIN freelancers f ON f.id = COALESCE(i.freelancer_id, sv.freelancer_id)
		JOIN users u ON u.id = i.added_by
		WHERE i.list_id = ? ORDER BY i.id`, listID)
}

func shares(ctx context.Context, q db.Queryer, listID string) ([]Share, error) {
	return db.Collect(ctx, q, func(row db.Row) (sh Share, err error) {
		var at int64
		err = row.Scan(&sh.AccountID, &sh.AccountName, &sh.SharedBy, &at)
		sh.SharedAt = db.Time(at)
		return sh, err
	}, `SELECT s.account_id, a.name, s.shared_by, s.created_at FROM list_shares s
		JOIN accounts a ON a.id = s.account_id WHERE s.list_id = ? ORDER BY s.created_at, s.account_id`, listID)
}

// Rename renames a list (its account's members).
func (s *Service) Rename(ctx context.Context, actor users.User, listID, name string) (List, error) {
	name, err := validName(name)
	if err != nil {
		return List{}, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := editable(ctx, tx, actor, listID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE lists SET name = ?, updated_at = ? WHERE id = ?`, name, db.Micros(tx.Now), listID)
		return err
	})
	if err != nil {
		return List{}, err
	}
	return s.Get(ctx, actor, listID)
}

// Delete deletes a list with its items and shares (its account's members).
func (s *Service) Delete(ctx context.Context, actor users.User, listID string) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := editable(ctx, tx, actor, listID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM lists WHERE id = ?`, listID)
		return err
	})
}

// AddItem puts a freelancer or a service on a list, with a note. Each is
// on a list once (409 already_in_list), and a list holds MaxItems (409
// list_full), counted under the list's lock so adds sent together cannot
// pass it.
func (s *Service) AddItem(ctx context.Context, actor users.User, listID string, in NewItem) (Item, error) {
	in.FreelancerID, in.ServiceID, in.Note = strings.TrimSpace(in.FreelancerID), strings.TrimSpace(in.ServiceID), strings.TrimSpace(in.Note)
	switch {
	case in.FreelancerID == "" && in.ServiceID == "":
		return Item{}, errs.Invalid("freelancer_id", "list_item_required")
	case in.FreelancerID != "" && in.ServiceID != "":
		return Item{}, errs.Invalid("service_id", "list_item_one_kind")
	case utf8.RuneCountInString(in.Note) > MaxNoteRunes:
		return Item{}, errs.Invalid("note", "too_long").With("max", MaxNoteRunes)
	}
	id := db.NewID("lit")
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := editable(ctx, tx, actor, listID); err != nil {
			return err
		}
		count, err := lock(ctx, tx, listID)
		if err != nil {
			return err
		}
		if count >= MaxItems {
			return errs.Conflict("list_full").With("max", MaxItems)
		}
		var n int
		var fr, sv any
		if in.ServiceID != "" {
			sv = in.ServiceID
			err = tx.QueryRow(ctx, `SELECT COUNT(*) FROM services WHERE id = ?`, in.ServiceID).Scan(&n)
			if err == nil && n == 0 {
				return errs.Invalid("service_id", "service_not_found")
			}
		} else {
			fr = in.FreelancerID
			err = tx.QueryRow(ctx, `SELECT COUNT(*) FROM freelancers WHERE id = ?`, in.FreelancerID).Scan(&n)
			if err == nil && n == 0 {
				return errs.Invalid("freelancer_id", "freelancer_not_found")
			}
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO list_items (id, list_id, freelancer_id, service_id, note, added_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, listID, fr, sv, in.Note, actor.ID, db.Micros(tx.Now))
		if db.IsUniqueViolation(err) {
			return errs.Conflict("already_in_list")
		}
		if err != nil {
			return err
		}
		return touch(ctx, tx, listID)
	})
	if err != nil {
		return Item{}, err
	}
	list, err := items(ctx, s.DB, listID)
	if err != nil {
		return Item{}, err
	}
	for _, it := range list {
		if it.ID == id {
			return it, nil
		}
	}
	return Item{}, errs.NotFound("list_item_not_found")
}

// RemoveItem takes an item off a list.
func (s *Service) RemoveItem(ctx context.Context, actor users.User, listID, itemID string) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := editable(ctx, tx, actor, listID); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM list_items WHERE id = ? AND list_id = ?`, itemID, listID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("list_item_not_found")
		}
		return touch(ctx, tx, listID)
	})
}

// Share shares a list read-only with another account, whose admin is told.
// The account is named by its id (each account shows it to its members);
// sharing twice changes nothing.
func (s *Service) Share(ctx context.Context, actor users.User, listID, accountID string) ([]Share, error) {
	accountID = strings.TrimSpace(accountID)
	if accountID == "" {
		return nil, errs.Invalid("account_id", "required")
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		l, err := editable(ctx, tx, actor, listID)
		if err != nil {
			return err
		}
		if accountID == l.AccountID {
			return errs.Invalid("account_id", "list_share_own_account")
		}
		admin, err := accounts.AdminOf(ctx, tx, accountID)
		if errors.Is(db.NoRows(err), db.ErrNotFound) {
			return errs.Invalid("account_id", "account_not_found")
		} else if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `INSERT INTO list_shares (list_id, account_id, shared_by, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (list_id, account_id) DO NOTHING`, listID, accountID, actor.ID, db.Micros(tx.Now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		if err := accounts.Audit(ctx, tx, l.AccountID, actor.ID, "list.shared", listID, map[string]any{"list": l.Name, "account_id": accountID}); err != nil {
			return err
		}
		return notify.User(ctx, tx, admin, "list_shared", map[string]any{"list": l.Name, "from": actor.Name, "account": l.AccountName}, "/lists/"+listID)
	})
	if err != nil {
		return nil, err
	}
	return shares(ctx, s.DB, listID)
}

// Revoke ends a list's share with an account: to its members the list no
// longer exists.
func (s *Service) Revoke(ctx context.Context, actor users.User, listID, accountID string) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		l, err := editable(ctx, tx, actor, listID)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM list_shares WHERE list_id = ? AND account_id = ?`, listID, accountID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("list_share_not_found")
		}
		return accounts.Audit(ctx, tx, l.AccountID, actor.ID, "list.share_revoked", listID, map[string]any{"list": l.Name, "account_id": accountID})
	})
}

// Shares lists the accounts a list is shared with (its own account).
func (s *Service) Shares(ctx context.Context, actor users.User, listID string) ([]Share, error) {
	l, err := access(ctx, s.DB, actor, listID)
	if err != nil {
		return nil, err
	}
	if l.ReadOnly {
		return nil, errReadOnly
	}
	return shares(ctx, s.DB, listID)
}

// ListsFor returns the lists the actor can add to, in every account they
// belong to (the "save to list" menus), newest first.
func (s *Service) ListsFor(ctx context.Context, actor users.User) ([]List, error) {
	p, err := s.list(ctx, `EXISTS (SELECT 1 FROM memberships m WHERE m.account_id = l.account_id AND m.user_id = ?)`,
		[]any{actor.ID}, false, page.Request{Limit: page.MaxLimit})
	return p.Items, err
}
