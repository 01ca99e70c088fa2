package projects

import (
	"context"
	"errors"
	"strings"
	"time"

	"atelier/internal/check"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/users"
)

// Featured is an example project curated by operators: a title, a type, a
// brief template and a suggested budget. Every signed-in person may read
// the gallery; a member who may buy starts a project of their account from
// one (its name, type, brief and budget copied, then theirs to change).
type Featured struct {
	ID        string      `json:"id"`
	Title     string      `json:"title"`
	Type      string      `json:"type"`
	Brief     string      `json:"brief"`
	Budget    money.Money `json:"budget"`
	CreatedAt time.Time   `json:"created_at"`
}

// NewFeatured is what an operator writes.
type NewFeatured struct {
	Title  string      `json:"title" check:"required,max=120"`
	Type   string      `json:"type" check:"required,enum=website|branding|marketing_campaign|video|software|content|other,code=project_type_invalid"`
	Brief  string      `json:"brief" check:"required,max=10000"`
	Budget money.Money `json:"budget"`
}

func operatorOnly(actor users.User) error {
	if !actor.IsOperator {
		return errs.Forbidden("operator_only")
	}
	return nil
}

// CreateFeatured adds an example to the gallery (operators only).
func (s *Service) CreateFeatured(ctx context.Context, actor users.User, in NewFeatured) (Featured, error) {
	if err := operatorOnly(actor); err != nil {
		return Featured{}, err
	}
	if err := check.Clean(&in, ""); err != nil {
		return Featured{}, err
	}
	in.Budget.Currency = strings.ToUpper(in.Budget.Currency)
	switch {
	case !money.ValidCurrency(in.Budget.Currency):
		return Featured{}, errs.Invalid("budget", "currency_unsupported")
	case in.Budget.Amount < 0:
		return Featured{}, errs.Invalid("budget", "amount_negative")
	case in.Budget.Amount > maxBudget: // else no project could start from it
		return Featured{}, errs.Invalid("budget", "amount_too_large")
	}
	f := Featured{ID: db.NewID("fpr"), Title: in.Title, Type: in.Type, Brief: in.Brief, Budget: in.Budget}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		f.CreatedAt = tx.Now
		_, err := tx.Exec(ctx, `INSERT INTO featured_projects (id, title, type, brief, budget, currency, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			f.ID, f.Title, f.Type, f.Brief, f.Budget.Amount, f.Budget.Currency, actor.ID, db.Micros(tx.Now))
		return err
	})
	return f, err
}

// FeaturedList is the gallery, newest first.
func (s *Service) FeaturedList(ctx context.Context) ([]Featured, error) {
	return db.Collect(ctx, s.DB, func(row db.Row) (f Featured, err error) {
		var at int64
		err = row.Scan(&f.ID, &f.Title, &f.Type, &f.Brief, &f.Budget.Amount, &f.Budget.Currency, &at)
		f.CreatedAt = db.Time(at)
		return f, err
	}, `SELECT id, title, type, brief, budget, currency, created_at FROM featured_projects ORDER BY id DESC LIMIT 100`)
}

// StartFromFeatured opens a project in an account from a featured project.
// The suggested budget is kept when it is in the account's currency, else
// the budget starts at zero for the member to set.
func (s *Service) StartFromFeatured(ctx context.Context, actor users.User, featuredID, accountID, name string) (Project, error) {
	var f Featured
	err := s.DB.QueryRow(ctx, `SELECT id, title, type, brief, budget, currency FROM featured_projects WHERE id = ?`, featuredID).
		Scan(&f.ID, &f.Title, &f.Type, &f.Brief, &f.Budget.Amount, &f.Budget.Currency)
	if errors.Is(db.NoRows(err), db.ErrNotFound) {
		return Project{}, errs.NotFound("featured_project_not_found")
	} else if err != nil {
		return Project{}, err
	}
	var currency string
	if err := s.DB.QueryRow(ctx, `SELECT currency FROM accounts WHERE id = ?`, accountID).Scan(&currency); err != nil && !errors.Is(db.NoRows(err), db.ErrNotFound) {
		return Project{}, err
	}
	budget := f.Budget
	if budget.Currency != currency {
		budget = money.New(0, currency)
	}
	if name = strings.TrimSpace(name); name == "" {
		name = f.Title
	}
	return s.create(ctx, actor, accountID, NewProject{Name: name, Type: f.Type, Brief: f.Brief, Budget: budget}, f.ID)
}
