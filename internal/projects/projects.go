// Package projects holds an account's projects (PRODUCT.md §7–8): a piece
// of work with a type, a brief, a budget and members, the orders attached to
// it and its spend against the budget, its activity; the featured projects
// operators curate for clients to start from; and the project management
// service — a staff project manager assigned by an operator, who follows
// the project's orders, writes to their freelancers and proposes orders
// that a member confirms through the account's approval policy, and the
// management fee invoiced on the project's spend.
//
// Who sees what is decided here, in accessOf (for lists, in its SQL form
// visibleSQL, beside it): the account's admin sees every project; a
// project's creator and members see it; the other members of the account
// see it unless it is private; its assigned project manager sees it. To
// anyone else a project does not exist (404).
package projects

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"atelier/internal/accounts"
	"atelier/internal/billing"
	"atelier/internal/catalog"
	"atelier/internal/check"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/notify"
	"atelier/internal/orders"
	"atelier/internal/users"
)

// Types of project: a small fixed list, so projects can be filtered and
// featured projects grouped.
var Types = check.EnumOf(NewProject{}, "Type")

// Visibility of a project inside its account.
const (
	VisibleToAccount = "account" // every member of the account
	Private          = "private" // its members, the admin and its project manager
)

// Access is what a viewer is to a project, from the most to the least.
// Being its assigned project manager is a fact of its own (Project.Manages:
// proposes orders), so a member of the account who manages the project
// keeps what the account gives them; "manager" is the access of a manager
// who is nothing more to it.
const (
	AccessAdmin   = "admin"   // the account's admin: everything
	AccessOwner   = "owner"   // created it: edits it, adds members, asks for a manager
	AccessMember  = "member"  // added to it: adds members, asks for a manager, confirms proposals
	AccessViewer  = "viewer"  // another member of the account, the project not private: reads
	AccessManager = "manager" // its assigned project manager (staff), nothing more: reads, proposes orders
)

// DefaultFeeBP is the management fee: 10% of the project's spend.
const DefaultFeeBP = 1000

// Service is the projects domain.
type Service struct {
	DB      *db.DB
	Orders  *orders.Service
	Billing *billing.Service
	Catalog *catalog.Service
	// FeeBP is the management fee in basis points of the project's spend
	// (DefaultFeeBP when zero), fixed on each project when its manager is
	// assigned.
	FeeBP int64
}

func (s *Service) feeBP() int64 {
	if s.FeeBP > 0 {
		return s.FeeBP
	}
	return DefaultFeeBP
}

// Manager is a project's project management service.
type Manager struct {
	Status string `json:"status"` // none, requested, assigned
	// FeePercent is the management fee: fixed at assignment, else the
	// current rate the service would cost.
	UserID      string    `json:"user_id,omitempty"`
	Name        string    `json:"name,omitempty"`
	FeePercent  float64   `json:"fee_percent"`
	RequestedAt time.Time `json:"requested_at,omitzero"`
}

// Member is a person added to a project.
type Member struct {
	UserID string `json:"user_id"`
	Name   string `json:"name"`
	Email  string `json:"email"`
}

// Event is one line of a project's activity.
type Event struct {
	Kind      string    `json:"kind"`
	ActorName string    `json:"actor_name,omitempty"`
	Body      string    `json:"body,omitempty"`
	OrderID   string    `json:"order_id,omitempty"`
	At        time.Time `json:"at"`
}

// Project is a project as one who may see it sees it.
type Project struct {
	ID           string      `json:"id"`
	AccountID    string      `json:"account_id"`
	AccountName  string      `json:"account_name"`
	Name         string      `json:"name"`
	Type         string      `json:"type"`
	Brief        string      `json:"brief"`
	Budget       money.Money `json:"budget"`
	Spent        money.Money `json:"spent"`
	SpentPercent int         `json:"spent_percent"` // of the budget, capped at 100 for the bar; 0 without a budget
	OverBudget   bool        `json:"over_budget"`   // never without a budget
	Visibility   string      `json:"visibility"`
	FeaturedID   string      `json:"featured_id,omitempty"`
	CreatedBy    string      `json:"created_by"`
	CreatedAt    time.Time   `json:"created_at"`
	Manager      Manager     `json:"manager"`
	// Access is the viewer's: admin, owner, member, viewer or manager.
	Access string `json:"access"`
	// Manages: the viewer is its assigned project manager, who proposes
	// orders — whatever their Access (an admin who manages it is "admin").
	Manages bool `json:"manages"`
	// One project's page: its members, orders, proposals and activity.
	Members   []Member       `json:"members,omitempty"`
	Orders    []orders.Order `json:"orders,omitempty"`
	Proposals []Proposal     `json:"proposals,omitempty"`
	Activity  []Event        `json:"activity,omitempty"`

	managerID string
	feeBP     int64
	billed    int64
}

// NewProject is what a member asks for.
type NewProject struct {
	Name       string      `json:"name" check:"required,max=120"`
	Type       string      `json:"type" check:"required,enum=website|branding|marketing_campaign|video|software|content|other,code=project_type_invalid"`
	Brief      string      `json:"brief" check:"max=10000"`
	Budget     money.Money `json:"budget"`
	Visibility string      `json:"visibility,omitempty" check:"enum=account|private,code=visibility_invalid"` // account (default) or private
}

var errNotFound = errs.NotFound("project_not_found")

// maxBudget bounds a project's (and a featured project's) budget, in minor
// units; the limits of names and briefs are NewProject's check tags.
const maxBudget = 100_000_000_00

func validate(in *NewProject, currency string) error {
	if err := check.Clean(in, ""); err != nil {
		return err
	}
	switch {
	case in.Budget.Currency != currency:
		return errs.Invalid("budget", "currency_mismatch").With("currency", currency)
	case in.Budget.Amount < 0:
		return errs.Invalid("budget", "amount_negative")
	case in.Budget.Amount > maxBudget:
		return errs.Invalid("budget", "amount_too_large")
	}
	if in.Visibility == "" {
		in.Visibility = VisibleToAccount
	}
	return nil
}

// Create opens a project in an account; any member who may buy may, and
// becomes its first member.
func (s *Service) Create(ctx context.Context, actor users.User, accountID string, in NewProject) (Project, error) {
	return s.create(ctx, actor, accountID, in, "")
}

func (s *Service) create(ctx context.Context, actor users.User, accountID string, in NewProject, featuredID string) (Project, error) {
	if _, err := accounts.Authorize(ctx, s.DB, actor, accountID, accounts.Buy); err != nil {
		return Project{}, err
	}
	var currency string
	if err := s.DB.QueryRow(ctx, `SELECT currency FROM accounts WHERE id = ?`, accountID).Scan(&currency); err != nil {
		return Project{}, err
	}
	if in.Budget.Currency == "" {
		in.Budget.Currency = currency
	}
	if err := validate(&in, currency); err != nil {
		return Project{}, err
	}
	id := db.NewID("prj")
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var featured any
		if featuredID != "" {
			featured = featuredID
		}
		if _, err := tx.Exec(ctx, `INSERT INTO projects (id, account_id, name, type, brief, budget, currency, visibility, featured_id, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, accountID, in.Name, in.Type, in.Brief, in.Budget.Amount, currency, in.Visibility,
			featured, actor.ID, db.Micros(tx.Now)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO project_members (project_id, user_id, added_by, added_at) VALUES (?, ?, ?, ?)`,
			id, actor.ID, actor.ID, db.Micros(tx.Now)); err != nil {
			return err
		}
		if err := event(ctx, tx, id, actor.ID, "created", in.Name); err != nil {
			return err
		}
		return accounts.Audit(ctx, tx, accountID, actor.ID, "project.created", id, map[string]any{"name": in.Name, "budget": in.Budget})
	})
	if err != nil {
		return Project{}, err
	}
	return s.Get(ctx, actor, id)
}

func event(ctx context.Context, tx *db.Tx, projectID, actorID, kind, body string) error {
	var actor any
	if actorID != "" {
		actor = actorID
	}
	_, err := tx.Exec(ctx, `INSERT INTO project_events (id, project_id, actor_id, kind, body, at) VALUES (?, ?, ?, ?, ?, ?)`,
		db.NewID("pev"), projectID, actor, kind, body, db.Micros(tx.Now))
	return err
}

const projectSelect = `SELECT p.id, p.account_id, a.name, p.name, p.type, p.brief, p.budget, p.currency, p.visibility, COALESCE(p.featured_id, ''),
	p.created_by, p.created_at, p.manager_status, COALESCE(p.manager_id, ''), COALESCE(mu.name, ''), p.manager_requested_at, p.fee_bp, p.fee_billed_spend
	FROM projects p JOIN accounts a ON a.id = p.account_id LEFT JOIN users mu ON mu.id = p.manager_id `

func scan(row interface{ Scan(...any) error }) (Project, error) {
	var p Project
	var created int64
	var requested db.NullInt
	err := row.Scan(&p.ID, &p.AccountID, &p.AccountName, &p.Name, &p.Type, &p.Brief, &p.Budget.Amount, &p.Budget.Currency, &p.Visibility,
		&p.FeaturedID, &p.CreatedBy, &created, &p.Manager.Status, &p.managerID, &p.Manager.Name, &requested, &p.feeBP, &p.billed)
	if err != nil {
		return Project{}, db.NoRows(err)
	}
	p.CreatedAt = db.Time(created)
	p.Manager.UserID = p.managerID
	p.Manager.RequestedAt = db.NullTime(requested)
	p.Manager.FeePercent = float64(p.feeBP) / 100
	return p, nil
}

func load(ctx context.Context, q db.Queryer, id string) (Project, error) {
	p, err := scan(q.QueryRow(ctx, projectSelect+`WHERE p.id = ?`, id))
	if errors.Is(err, db.ErrNotFound) {
		return Project{}, errNotFound
	}
	return p, err
}

// access is the one rule of who sees a project, and as what.
func access(ctx context.Context, q db.Queryer, actor users.User, p Project) (string, error) {
	role, err := accounts.ActorRole(ctx, q, actor, p.AccountID)
	if err != nil {
		return "", err
	}
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM project_members WHERE project_id = ? AND user_id = ?`, p.ID, actor.ID).Scan(&n); err != nil {
		return "", err
	}
	return accessOf(actor, p, role, n > 0)
}

// accessOf is the rule of access: what actor may do on p, given their role
// in its account ("" if none) and whether they are one of its members.
// What the account gives comes first: its manager is "manager" only when
// nothing more (and proposes orders whatever their access: managedBy).
func accessOf(actor users.User, p Project, role accounts.Role, member bool) (string, error) {
	switch {
	case role.Can(accounts.SeeAllProjects):
		return AccessAdmin, nil
	case role != "" && p.CreatedBy == actor.ID:
		return AccessOwner, nil
	case role != "" && member:
		return AccessMember, nil
	case role != "" && p.Visibility == VisibleToAccount:
		return AccessViewer, nil
	case p.managedBy(actor.ID):
		return AccessManager, nil
	}
	return "", errNotFound
}

// managedBy tells whether the user is the project's assigned manager.
func (p Project) managedBy(userID string) bool { return p.managerID != "" && p.managerID == userID }

// visibleSQL is accessOf as an SQL condition on projects p, for lists: the
// projects actor sees in any way. seesAll are the accounts where actor's
// role sees every project (Role.Can(SeeAllProjects), read from the
// permission table, not repeated here). Lists filter with it before they
// cut, so projects a viewer does not see never take the places of those
// they do; TestListsShowWhatEachPageShows holds the two to one rule.
func visibleSQL(actor users.User, seesAll []string) (string, []any) {
	cond := `(p.manager_id = ?
		OR EXISTS (SELECT 1 FROM memberships vm WHERE vm.account_id = p.account_id AND vm.user_id = ?
			AND (p.created_by = vm.user_id OR p.visibility = ?
				OR EXISTS (SELECT 1 FROM project_members vp WHERE vp.project_id = p.id AND vp.user_id = vm.user_id)))`
	args := []any{actor.ID, actor.ID, VisibleToAccount}
	if len(seesAll) > 0 {
		cond += ` OR p.account_id IN (?` + strings.Repeat(`, ?`, len(seesAll)-1) + `)`
		for _, id := range seesAll {
			args = append(args, id)
		}
	}
	return cond + `)`, args
}

// view loads a project for an actor, or 404.
func (s *Service) view(ctx context.Context, q db.Queryer, actor users.User, id string) (Project, error) {
	p, err := load(ctx, q, id)
	if err != nil {
		return Project{}, err
	}
	if p.Access, err = access(ctx, q, actor, p); err != nil {
		return Project{}, err
	}
	p.Manages = p.managedBy(actor.ID)
	if p.Manager.Status != "assigned" {
		p.Manager.FeePercent = float64(s.feeBP()) / 100 // what the service would cost
	}
	return p, s.fillSpend(ctx, q, &p)
}

// viewAsTeam is view for what the account's side of a project does (ask for
// its manager, add a member): the admin, the creator and the project's
// members may; anyone else who sees the project is refused with 403.
func (s *Service) viewAsTeam(ctx context.Context, q db.Queryer, actor users.User, id string) (Project, error) {
	p, err := s.view(ctx, q, actor, id)
	if err != nil {
		return Project{}, err
	}
	if p.Access != AccessAdmin && p.Access != AccessOwner && p.Access != AccessMember {
		return Project{}, errs.Forbidden("project_role_not_allowed")
	}
	return p, nil
}

// spent is what the project's orders paid, net of refunds: the account's
// spend rows of those orders.
func spent(ctx context.Context, q db.Queryer, projectID string) (int64, error) {
	var n int64
	err := q.QueryRow(ctx, `SELECT COALESCE(SUM(s.amount), 0) FROM spend s JOIN orders o ON o.id = s.ref WHERE o.project_id = ?`, projectID).Scan(&n)
	return n, err
}

// feeBase is what the management fee is a percentage of: the price of the
// work the project's orders paid, net of refunds, without the buyer's fees
// (no fee on a fee). Each order's paid amount (its spend rows, fees
// included) is taken in the proportion of its price to its total, rounded
// half up per order; an order refunded in full counts nothing.
func feeBase(ctx context.Context, q db.Queryer, projectID string) (int64, error) {
	type order struct{ subtotal, total, paid int64 }
	list, err := db.Collect(ctx, q, func(r db.Row) (o order, err error) { return o, r.Scan(&o.subtotal, &o.total, &o.paid) },
		`SELECT o.subtotal, o.total, COALESCE((SELECT SUM(s.amount) FROM spend s WHERE s.ref = o.id), 0)
		FROM orders o WHERE o.project_id = ?`, projectID)
	if err != nil {
		return 0, err
	}
	var base int64
	for _, o := range list {
		if o.paid > 0 && o.total > 0 {
			base += (2*o.paid*o.subtotal + o.total) / (2 * o.total)
		}
	}
	return base, nil
}

func (s *Service) fillSpend(ctx context.Context, q db.Queryer, p *Project) error {
	n, err := spent(ctx, q, p.ID)
	if err != nil {
		return err
	}
	p.setSpent(n)
	return nil
}

// fillSpends sets the spend of each project of a list, in one query.
func (s *Service) fillSpends(ctx context.Context, q db.Queryer, list []Project) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]any, len(list))
	for i, p := range list {
		ids[i] = p.ID
	}
	type sum struct {
		project string
		amount  int64
	}
	sums, err := db.Collect(ctx, q, func(r db.Row) (s sum, err error) { return s, r.Scan(&s.project, &s.amount) },
		`SELECT o.project_id, SUM(s.amount) FROM spend s JOIN orders o ON o.id = s.ref
		WHERE o.project_id IN (?`+strings.Repeat(", ?", len(ids)-1)+`) GROUP BY o.project_id`, ids...)
	if err != nil {
		return err
	}
	byProject := map[string]int64{}
	for _, s := range sums {
		byProject[s.project] = s.amount
	}
	for i := range list {
		list[i].setSpent(byProject[list[i].ID])
	}
	return nil
}

// setSpent sets what the project spent and how it stands against its
// budget. A project without a budget (0) is never over it, and has no
// percentage to show (0).
func (p *Project) setSpent(n int64) {
	p.Spent = money.New(n, p.Budget.Currency)
	p.OverBudget, p.SpentPercent = false, 0
	if p.Budget.Amount > 0 {
		p.OverBudget = n > p.Budget.Amount
		p.SpentPercent = int(min(100, max(0, n*100/p.Budget.Amount)))
	}
}

// Summary returns a project without its members, orders, proposals and
// activity — the order page's link to its project — or 404 to whoever does
// not see it.
func (s *Service) Summary(ctx context.Context, actor users.User, id string) (Project, error) {
	return s.view(ctx, s.DB, actor, id)
}

// Get returns a project's page: the project, its members, its orders, the
// manager's proposals and the activity.
func (s *Service) Get(ctx context.Context, actor users.User, id string) (Project, error) {
	p, err := s.view(ctx, s.DB, actor, id)
	if err != nil {
		return Project{}, err
	}
	if p.Members, err = s.members(ctx, p.ID); err != nil {
		return Project{}, err
	}
	if p.Orders, err = s.Orders.ProjectOrders(ctx, p.ID); err != nil {
		return Project{}, err
	}
	if p.Proposals, err = s.proposals(ctx, p.ID); err != nil {
		return Project{}, err
	}
	if p.Activity, err = s.activity(ctx, p.ID); err != nil {
		return Project{}, err
	}
	return p, nil
}

func (s *Service) members(ctx context.Context, projectID string) ([]Member, error) {
	return db.Collect(ctx, s.DB, func(row db.Row) (m Member, err error) {
		err = row.Scan(&m.UserID, &m.Name, &m.Email)
		return m, err
	}, `SELECT u.id, u.name, u.email FROM project_members m JOIN users u ON u.id = m.user_id
		WHERE m.project_id = ? ORDER BY m.added_at, u.id`, projectID)
}

// activity is the project's own events and its orders' milestones of
// life (placed, approved, delivered, completed…; never the messages, which
// belong to each order's sides), newest first.
func (s *Service) activity(ctx context.Context, projectID string) ([]Event, error) {
	return db.Collect(ctx, s.DB, func(row db.Row) (e Event, err error) {
		var at int64
		err = row.Scan(&e.Kind, &e.ActorName, &e.Body, &e.OrderID, &at)
		e.At = db.Time(at)
		return e, err
	}, `SELECT e.kind, COALESCE(u.name, ''), e.body, '', e.at FROM project_events e LEFT JOIN users u ON u.id = e.actor_id
		WHERE e.project_id = ?
		UNION ALL
		SELECT 'order_' || e.kind, COALESCE(u.name, ''), o.title, o.id, e.at FROM order_events e JOIN orders o ON o.id = e.order_id
		LEFT JOIN users u ON u.id = e.actor_id
		WHERE o.project_id = ? AND e.kind IN ('placed', 'approved', 'rejected', 'started', 'delivered', 'completed', 'cancelled')
		ORDER BY 5 DESC LIMIT 50`, projectID, projectID)
}

// List returns the projects of an account the actor sees, newest first.
func (s *Service) List(ctx context.Context, actor users.User, accountID string) ([]Project, error) {
	if _, err := accounts.Authorize(ctx, s.DB, actor, accountID, accounts.ViewAccount); err != nil {
		return nil, err
	}
	return s.listWhere(ctx, actor, `p.account_id = ?`, accountID)
}

// Mine returns every project the user sees, in all the accounts they reach
// (accounts.ReachableSQL) and as a project manager, newest first (the
// dashboard).
func (s *Service) Mine(ctx context.Context, actor users.User) ([]Project, error) {
	reach, args := accounts.ReachableSQL("p.account_id", actor)
	return s.listWhere(ctx, actor, `(`+reach+` OR p.manager_id = ?)`, append(args, actor.ID)...)
}

func (s *Service) listWhere(ctx context.Context, actor users.User, cond string, args ...any) ([]Project, error) {
	// The actor's roles and project memberships, the projects they see
	// (the rule applied in SQL, before the cut), and the spend of each
	// project: four queries, however many projects.
	type membership struct {
		account string
		role    accounts.Role
	}
	ms, err := db.Collect(ctx, s.DB, func(r db.Row) (m membership, err error) {
		return m, r.Scan(&m.account, &m.role)
	}, `SELECT account_id, role FROM memberships WHERE user_id = ? ORDER BY account_id`, actor.ID)
	if err != nil {
		return nil, err
	}
	roles := map[string]accounts.Role{}
	var seesAll []string
	for _, m := range ms {
		roles[m.account] = m.role
		if m.role.Can(accounts.SeeAllProjects) {
			seesAll = append(seesAll, m.account)
		}
	}
	visible, vargs := visibleSQL(actor, seesAll)
	all, err := db.Collect(ctx, s.DB, scan, projectSelect+`WHERE `+cond+` AND `+visible+` ORDER BY p.id DESC LIMIT 200`, append(args, vargs...)...)
	if err != nil || len(all) == 0 {
		return []Project{}, err
	}
	memberOf := map[string]bool{}
	ids, err := db.Strings(ctx, s.DB, `SELECT project_id FROM project_members WHERE user_id = ?`, actor.ID)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		memberOf[id] = true
	}
	list := make([]Project, 0, len(all))
	for _, p := range all {
		a, err := accessOf(actor, p, roles[p.AccountID], memberOf[p.ID])
		if errors.Is(err, errNotFound) {
			// A bug, not a viewer's mistake: the two forms of the rule
			// disagree. Said loudly, since hiding it would cut lists short.
			return nil, fmt.Errorf("projects: visibleSQL shows project %s to user %s, accessOf does not", p.ID, actor.ID)
		} else if err != nil {
			return nil, err
		}
		p.Access, p.Manages = a, p.managedBy(actor.ID)
		list = append(list, p)
	}
	return list, s.fillSpends(ctx, s.DB, list)
}

// AddMember adds a member of the account to the project: the admin, the
// creator and the project's members may.
func (s *Service) AddMember(ctx context.Context, actor users.User, projectID, userID string) (Project, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		p, err := s.viewAsTeam(ctx, tx, actor, projectID)
		if err != nil {
			return err
		}
		var name string
		err = tx.QueryRow(ctx, `SELECT u.name FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.account_id = ? AND m.user_id = ?`,
			p.AccountID, userID).Scan(&name)
		if errors.Is(db.NoRows(err), db.ErrNotFound) {
			return errs.Invalid("user_id", "not_a_member")
		} else if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO project_members (project_id, user_id, added_by, added_at) VALUES (?, ?, ?, ?)`,
			projectID, userID, actor.ID, db.Micros(tx.Now))
		if db.IsUniqueViolation(err) {
			return errs.Conflict("already_project_member")
		} else if err != nil {
			return err
		}
		if err := event(ctx, tx, projectID, actor.ID, "member_added", name); err != nil {
			return err
		}
		return notify.User(ctx, tx, userID, "project_member_added", map[string]any{"project": p.Name, "by": actor.Name}, "/projects/"+projectID)
	})
	if err != nil {
		return Project{}, err
	}
	return s.Get(ctx, actor, projectID)
}

// CanAttach is orders' check of an order's project_id (orders.ProjectCheck):
// the project belongs to the order's account and the buyer sees it as
// something more than its manager. Otherwise 422 project_not_found.
func (s *Service) CanAttach(ctx context.Context, q db.Queryer, actor users.User, accountID, projectID string) error {
	p, err := load(ctx, q, projectID)
	if errors.Is(err, errNotFound) || (err == nil && p.AccountID != accountID) {
		return errs.Invalid("project_id", "project_not_found")
	} else if err != nil {
		return err
	}
	a, err := access(ctx, q, actor, p)
	if errors.Is(err, errNotFound) || a == AccessManager {
		return errs.Invalid("project_id", "project_not_found")
	}
	return err
}
