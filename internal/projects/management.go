package projects

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"atelier/internal/accounts"
	"atelier/internal/billing"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/notify"
	"atelier/internal/orders"
	"atelier/internal/users"
)

// RequestManager asks for the project management service on a project:
// the admin, the creator or a project member may; the request waits in the
// operators' queue. Asking twice is 409.
func (s *Service) RequestManager(ctx context.Context, actor users.User, projectID string) (Project, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		p, err := s.viewAsTeam(ctx, tx, actor, projectID)
		if err != nil {
			return err
		}
		if err := tx.ExecOne(ctx, errs.Conflict("manager_already_requested"), `UPDATE projects SET manager_status = 'requested', manager_requested_by = ?, manager_requested_at = ?
			WHERE id = ? AND manager_status = 'none'`, actor.ID, db.Micros(tx.Now), projectID); err != nil {
			return err
		}
		if err := event(ctx, tx, projectID, actor.ID, "manager_requested", ""); err != nil {
			return err
		}
		if err := accounts.Audit(ctx, tx, p.AccountID, actor.ID, "project.manager_requested", projectID, map[string]any{"name": p.Name}); err != nil {
			return err
		}
		ops, err := db.Strings(ctx, tx, `SELECT id FROM users WHERE is_operator = ? ORDER BY id`, true)
		if err != nil {
			return err
		}
		for _, op := range ops {
			if err := notify.User(ctx, tx, op, "project_manager_requested", map[string]any{"project": p.Name, "account": p.AccountName},
				"/operator/project-managers"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Project{}, err
	}
	return s.Get(ctx, actor, projectID)
}

// ManagerRequest is one line of the operators' queue.
type ManagerRequest struct {
	ProjectID   string      `json:"project_id"`
	Name        string      `json:"name"`
	Type        string      `json:"type"`
	Brief       string      `json:"brief"`
	Budget      money.Money `json:"budget"`
	AccountName string      `json:"account_name"`
	RequestedAt time.Time   `json:"requested_at"`
}

// ManagerRequests is the operators' queue: the projects waiting for a
// project manager, oldest request first.
func (s *Service) ManagerRequests(ctx context.Context, actor users.User) ([]ManagerRequest, error) {
	if err := operatorOnly(actor); err != nil {
		return nil, err
	}
	return db.Collect(ctx, s.DB, func(row db.Row) (ManagerRequest, error) {
		p, err := scan(row)
		return ManagerRequest{ProjectID: p.ID, Name: p.Name, Type: p.Type, Brief: p.Brief, Budget: p.Budget,
			AccountName: p.AccountName, RequestedAt: p.Manager.RequestedAt}, err
	}, projectSelect+`WHERE p.manager_status = 'requested' ORDER BY p.manager_requested_at, p.id LIMIT 100`)
}

// AssignManager gives a requested project its project manager: an
// operator assigns a staff user (an operator, possibly themself). The fee
// rate is fixed on the project now. Only a requested project takes one.
func (s *Service) AssignManager(ctx context.Context, actor users.User, projectID, userID string) (Project, error) {
	if err := operatorOnly(actor); err != nil {
		return Project{}, err
	}
	var name string
	var staff bool
	err := s.DB.QueryRow(ctx, `SELECT name, is_operator FROM users WHERE id = ?`, userID).Scan(&name, &staff)
	if errors.Is(db.NoRows(err), db.ErrNotFound) || (err == nil && !staff) {
		return Project{}, errs.Invalid("user_id", "manager_not_staff")
	} else if err != nil {
		return Project{}, err
	}
	var p Project
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if p, err = load(ctx, tx, projectID); err != nil {
			return err
		}
		if err := tx.ExecOne(ctx, errs.Conflict("manager_not_requested"), `UPDATE projects SET manager_status = 'assigned', manager_id = ?, fee_bp = ? WHERE id = ? AND manager_status = 'requested'`,
			userID, s.feeBP(), projectID); err != nil {
			return err
		}
		// The fee counts the spend from now on.
		n, err := feeBase(ctx, tx, projectID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE projects SET fee_billed_spend = ? WHERE id = ?`, n, projectID); err != nil {
			return err
		}
		if err := event(ctx, tx, projectID, actor.ID, "manager_assigned", name); err != nil {
			return err
		}
		if err := accounts.Audit(ctx, tx, p.AccountID, actor.ID, "project.manager_assigned", projectID,
			map[string]any{"name": p.Name, "manager": name, "fee_percent": float64(s.feeBP()) / 100}); err != nil {
			return err
		}
		if err := notify.User(ctx, tx, userID, "project_manager_assigned_you", map[string]any{"project": p.Name, "account": p.AccountName},
			"/projects/"+projectID); err != nil {
			return err
		}
		var requester string
		if err := tx.QueryRow(ctx, `SELECT manager_requested_by FROM projects WHERE id = ?`, projectID).Scan(&requester); err != nil {
			return err
		}
		return notify.User(ctx, tx, requester, "project_manager_assigned", map[string]any{"project": p.Name, "manager": name}, "/projects/"+projectID)
	})
	if err != nil {
		return Project{}, err
	}
	p.Manager = Manager{Status: "assigned", UserID: userID, Name: name, FeePercent: float64(s.feeBP()) / 100}
	p.Access = ""
	return p, nil
}

// Proposal is an order the project manager proposes; a member confirms it.
type Proposal struct {
	ID           string    `json:"id"`
	ProjectID    string    `json:"project_id"`
	ServiceID    string    `json:"service_id"`
	ServiceTitle string    `json:"service_title"`
	Package      string    `json:"package"`
	Quantity     int       `json:"quantity"`
	Requirements string    `json:"requirements"`
	Note         string    `json:"note"`
	Status       string    `json:"status"` // open, confirmed, declined
	ProposedBy   string    `json:"proposed_by"`
	OrderID      string    `json:"order_id,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
}

// NewProposal is what the manager proposes: a package of a service.
type NewProposal struct {
	ServiceID    string `json:"service_id"`
	Package      string `json:"package"`
	Quantity     int    `json:"quantity"`
	Requirements string `json:"requirements"`
	Note         string `json:"note"`
}

// Defaults fills what a manager may leave out of a request: one unit. A
// quantity that is sent, even 0, is checked as sent.
func (in *NewProposal) Defaults() { in.Quantity = 1 }

// Propose records an order proposal (the project's manager only, whatever
// else they are to it). The service and package are checked now and again
// when a member confirms.
func (s *Service) Propose(ctx context.Context, actor users.User, projectID string, in NewProposal) (Proposal, error) {
	p, err := s.view(ctx, s.DB, actor, projectID)
	if err != nil {
		return Proposal{}, err
	}
	if !p.Manages {
		return Proposal{}, errs.Forbidden("project_manager_only")
	}
	in.Requirements, in.Note = strings.TrimSpace(in.Requirements), strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(in.Requirements) > 10000 {
		return Proposal{}, errs.Invalid("requirements", "too_long").With("max", 10000)
	}
	if utf8.RuneCountInString(in.Note) > 2000 {
		return Proposal{}, errs.Invalid("note", "too_long").With("max", 2000)
	}
	l, err := s.Catalog.Listing(ctx, in.ServiceID)
	if err != nil {
		return Proposal{}, errs.Invalid("service_id", "service_not_found")
	}
	pkg, _, err := l.Choose(in.Package, in.Quantity)
	if err != nil {
		return Proposal{}, err
	}
	pr := Proposal{ID: db.NewID("ppr"), ProjectID: projectID, ServiceID: l.ID, ServiceTitle: l.Title, Package: pkg.Name, Quantity: in.Quantity,
		Requirements: in.Requirements, Note: in.Note, Status: "open", ProposedBy: actor.ID}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		pr.CreatedAt = tx.Now
		if _, err := tx.Exec(ctx, `INSERT INTO project_proposals (id, project_id, service_id, package_name, quantity, requirements, note, proposed_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, pr.ID, projectID, pr.ServiceID, pr.Package, pr.Quantity, pr.Requirements, pr.Note, actor.ID,
			db.Micros(tx.Now)); err != nil {
			return err
		}
		if err := event(ctx, tx, projectID, actor.ID, "proposal_made", l.Title); err != nil {
			return err
		}
		members, err := db.Strings(ctx, tx, `SELECT user_id FROM project_members WHERE project_id = ? ORDER BY user_id`, projectID)
		if err != nil {
			return err
		}
		for _, m := range members {
			if err := notify.User(ctx, tx, m, "project_proposal", map[string]any{"project": p.Name, "title": l.Title}, "/projects/"+projectID); err != nil {
				return err
			}
		}
		return nil
	})
	return pr, err
}

// proposalSelect reads proposals with their service's title (scanProposal).
const proposalSelect = `SELECT pp.id, pp.project_id, pp.service_id, sv.title, pp.package_name, pp.quantity, pp.requirements, pp.note, pp.status,
	pp.proposed_by, COALESCE(pp.order_id, ''), pp.created_at FROM project_proposals pp JOIN services sv ON sv.id = pp.service_id `

func scanProposal(r db.Row) (pr Proposal, err error) {
	var at int64
	err = r.Scan(&pr.ID, &pr.ProjectID, &pr.ServiceID, &pr.ServiceTitle, &pr.Package, &pr.Quantity, &pr.Requirements, &pr.Note,
		&pr.Status, &pr.ProposedBy, &pr.OrderID, &at)
	pr.CreatedAt = db.Time(at)
	return pr, err
}

func (s *Service) proposals(ctx context.Context, projectID string) ([]Proposal, error) {
	return db.Collect(ctx, s.DB, scanProposal, proposalSelect+`WHERE pp.project_id = ? ORDER BY pp.id DESC`, projectID)
}

// openProposal reads a project and one of its open proposals for a member
// who may answer it (not its manager, not a viewer).
func (s *Service) openProposal(ctx context.Context, actor users.User, projectID, proposalID string) (Project, Proposal, error) {
	p, err := s.view(ctx, s.DB, actor, projectID)
	if err != nil {
		return Project{}, Proposal{}, err
	}
	pr, err := scanProposal(s.DB.QueryRow(ctx, proposalSelect+`WHERE pp.id = ? AND pp.project_id = ?`, proposalID, projectID))
	if errors.Is(db.NoRows(err), db.ErrNotFound) {
		return Project{}, Proposal{}, errs.NotFound("proposal_not_found")
	} else if err != nil {
		return Project{}, Proposal{}, err
	}
	if p.Access == AccessManager || p.Access == AccessViewer {
		return Project{}, Proposal{}, errs.Forbidden("project_role_not_allowed")
	}
	if pr.Status != "open" {
		return Project{}, Proposal{}, errs.Conflict("proposal_not_open")
	}
	return p, pr, nil
}

// ConfirmProposal places the proposed order as the confirming member: the
// account's admin, the project's creator or a member may (with the right
// to buy). The order goes through orders.Place — the account's approval
// threshold and monthly limits apply to the confirming member exactly as
// if they had ordered it — and is attached to the project. key is the
// request's Idempotency-Key.
func (s *Service) ConfirmProposal(ctx context.Context, actor users.User, projectID, proposalID, key string) (orders.Order, error) {
	p, pr, err := s.openProposal(ctx, actor, projectID, proposalID)
	if err != nil {
		return orders.Order{}, err
	}
	if key == "" {
		key = "proposal:" + pr.ID
	}
	// Claim the proposal first, so two members confirming together place
	// one order; a refused order gives the proposal back.
	res, err := s.DB.Exec(ctx, `UPDATE project_proposals SET status = 'placing' WHERE id = ? AND status = 'open'`, pr.ID)
	if err != nil {
		return orders.Order{}, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return orders.Order{}, errs.Conflict("proposal_not_open")
	}
	o, err := s.Orders.Place(ctx, actor, orders.NewOrder{AccountID: p.AccountID, ServiceID: pr.ServiceID, Package: pr.Package, Quantity: pr.Quantity,
		Requirements: pr.Requirements, ProjectID: p.ID}, key)
	if err != nil {
		if _, rerr := s.DB.Exec(context.WithoutCancel(ctx), `UPDATE project_proposals SET status = 'open' WHERE id = ? AND status = 'placing'`, pr.ID); rerr != nil {
			return orders.Order{}, errors.Join(err, rerr)
		}
		return orders.Order{}, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE project_proposals SET status = 'confirmed', order_id = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'placing'`,
			o.ID, actor.ID, db.Micros(tx.Now), pr.ID); err != nil {
			return err
		}
		if err := event(ctx, tx, projectID, actor.ID, "proposal_confirmed", pr.ServiceTitle); err != nil {
			return err
		}
		return notify.User(ctx, tx, pr.ProposedBy, "project_proposal_confirmed", map[string]any{"project": p.Name, "title": pr.ServiceTitle}, "/projects/"+projectID)
	})
	return o, err
}

// DeclineProposal turns a proposal down (the same people who may confirm).
func (s *Service) DeclineProposal(ctx context.Context, actor users.User, projectID, proposalID string) (Project, error) {
	p, pr, err := s.openProposal(ctx, actor, projectID, proposalID)
	if err != nil {
		return Project{}, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.ExecOne(ctx, errs.Conflict("proposal_not_open"), `UPDATE project_proposals SET status = 'declined', decided_by = ?, decided_at = ? WHERE id = ? AND status = 'open'`,
			actor.ID, db.Micros(tx.Now), pr.ID); err != nil {
			return err
		}
		if err := event(ctx, tx, projectID, actor.ID, "proposal_declined", pr.ServiceTitle); err != nil {
			return err
		}
		return notify.User(ctx, tx, pr.ProposedBy, "project_proposal_declined", map[string]any{"project": p.Name, "title": pr.ServiceTitle}, "/projects/"+projectID)
	})
	if err != nil {
		return Project{}, err
	}
	return s.Get(ctx, actor, projectID)
}

// BillManagementFees is the daily timer of the management fee: for each
// project with an assigned manager, the fee rate times the fee base (the
// price of the work its orders paid, net of refunds, fees excluded: feeBase)
// not yet billed, rounded half up to the cent, is charged to the account
// and invoiced (billing.ChargeFee: balance, else the default card). When
// the base falls below what was billed (an order refunded), the fee on the
// difference goes back to the account's balance with a credit note
// (billing.RefundFee). A conditional UPDATE of the billed base claims each
// charge or refund, so two nodes do it once. An account that cannot pay is
// tried again the next day.
func (s *Service) BillManagementFees(ctx context.Context, now time.Time) (int, error) {
	due, err := db.Collect(ctx, s.DB, scan, projectSelect+`WHERE p.manager_status = 'assigned' AND p.fee_bp > 0 ORDER BY p.id`)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range due {
		total, err := feeBase(ctx, s.DB, p.ID)
		if err != nil {
			return n, err
		}
		claim := func(ctx context.Context, tx *db.Tx) error {
			if err := tx.ExecOne(ctx, errs.Conflict("fee_already_billed"), `UPDATE projects SET fee_billed_spend = ? WHERE id = ? AND fee_billed_spend = ?`, total, p.ID, p.billed); err != nil {
				return err
			}
			return nil
		}
		if total < p.billed {
			c := p.Budget.Currency
			back := money.New(((p.billed-total)*p.feeBP+5000)/10000, c)
			err := s.Billing.RefundFee(ctx, billing.FeeCharge{AccountID: p.AccountID, Kind: "management_fee", Ref: p.ID, Amount: back},
				func(ctx context.Context, tx *db.Tx) error {
					if err := claim(ctx, tx); err != nil {
						return err
					}
					if back.Amount == 0 {
						return nil
					}
					return event(ctx, tx, p.ID, "", "fee_refunded", back.String())
				})
			if e, ok := errs.As(err); ok && e.Kind == errs.KindConflict {
				continue
			} else if err != nil {
				return n, err
			}
			n++
			continue
		}
		unbilled := total - p.billed
		fee := (unbilled*p.feeBP + 5000) / 10000
		if unbilled <= 0 || fee <= 0 {
			continue
		}
		c := p.Budget.Currency
		_, err = s.Billing.ChargeFee(ctx, billingFee(p, money.New(fee, c), money.New(unbilled, c), total), func(ctx context.Context, tx *db.Tx) error {
			if err := claim(ctx, tx); err != nil {
				return err
			}
			return event(ctx, tx, p.ID, "", "fee_invoiced", money.New(fee, c).String())
		})
		if e, ok := errs.As(err); ok && e.Kind == errs.KindConflict {
			continue // billed by another node, or no way to pay today
		} else if err != nil {
			s.Billing.Log.Warn("project management fee not charged", "project", p.ID, "err", err)
			continue
		}
		n++
	}
	return n, nil
}

func billingFee(p Project, fee, base money.Money, total int64) billing.FeeCharge {
	return billing.FeeCharge{AccountID: p.AccountID, Kind: "management_fee", Ref: p.ID,
		Description: fmt.Sprintf("Project management — %s (%.4g%% of %s)", p.Name, float64(p.feeBP)/100, base.String()),
		Amount:      fee, Key: fmt.Sprintf("pmfee:%s:%d", p.ID, total)}
}

// Staff lists the operators who may be assigned as project managers
// (operators only).
func (s *Service) Staff(ctx context.Context, actor users.User) ([]users.User, error) {
	if err := operatorOnly(actor); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT id, name, email FROM users WHERE is_operator = ? ORDER BY name, id`, true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []users.User
	for rows.Next() {
		var u users.User
		if err := rows.Scan(&u.ID, &u.Name, &u.Email); err != nil {
			return nil, err
		}
		u.IsOperator = true
		list = append(list, u)
	}
	return list, rows.Err()
}
