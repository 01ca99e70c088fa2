package billing_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"atelier/internal/accounts"
	"atelier/internal/billing"
	"atelier/internal/catalog"
	"atelier/internal/clock"
	"atelier/internal/clock/clocktest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/domaintest"
	"atelier/internal/errs"
	"atelier/internal/ledger"
	"atelier/internal/money"
	"atelier/internal/page"
	"atelier/internal/payments"
	"atelier/internal/users"
)

type fixture struct {
	ctx   context.Context
	clk   *clock.Test
	db    *db.DB
	users *users.Service
	acc   *accounts.Service
	bill  *billing.Service
}

func setup(t *testing.T, e db.Engine) *fixture {
	clk := clocktest.New(t)
	f := setupOn(t, e, clk)
	f.clk = clk
	return f
}

// setupOn is setup on a clock of the test's own.
func setupOn(t *testing.T, e db.Engine, clk clock.Clock) *fixture {
	users.UseTestCost() // sign-ups hash at the test cost; the users package checks the full one
	d := dbtest.Open(t, e, clk)
	return &fixture{ctx: context.Background(), db: d, users: &users.Service{DB: d}, acc: &accounts.Service{DB: d},
		bill: &billing.Service{DB: d, Provider: payments.NewTest(), Config: billing.DefaultConfig(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}}
}

func (f *fixture) user(t *testing.T, email string) users.User {
	u, err := f.users.SignUp(f.ctx, users.NewUser{Email: email, Password: "correct horse", Name: email[:3]})
	if err == nil {
		u, err = f.users.MarkVerified(f.ctx, u.Email)
	}
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// team makes an account with an admin, a billing manager and a member.
func (f *fixture) team(t *testing.T, prefix string) (acc accounts.Account, admin, billingMgr, member users.User) {
	admin, billingMgr, member = f.user(t, prefix+"admin@example.com"), f.user(t, prefix+"billing@example.com"), f.user(t, prefix+"member@example.com")
	acc, _ = f.acc.Create(f.ctx, admin, prefix+" Corp", "USD")
	domaintest.JoinOn(t, f.ctx, f.acc, admin, acc.ID, billingMgr, accounts.BillingManager)
	domaintest.JoinOn(t, f.ctx, f.acc, admin, acc.ID, member, accounts.Member)
	return acc, admin, billingMgr, member
}

func usd(a int64) money.Money { return money.New(a, "USD") }

func wantCode(t *testing.T, err error, kind errs.Kind, code string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != kind || e.Code != code {
		t.Fatalf("got %v, want %s", err, code)
	}
}

func balanced(t *testing.T, f *fixture) ledger.Report {
	t.Helper()
	r, err := ledger.Check(f.ctx, f.db)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Balanced {
		t.Fatalf("ledger not balanced: %v", r.Problems)
	}
	return r
}

func TestPaymentMethodsAndDeposits(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f *fixture) {
		acc, admin, bm, member := f.team(t, "a")
		other, _, _, _ := f.team(t, "b")

		_, err := f.bill.AddCard(f.ctx, member, acc.ID, "tok_visa")
		wantCode(t, err, errs.KindForbidden, "role_not_allowed")
		_, err = f.bill.AddCard(f.ctx, admin, other.ID, "tok_visa")
		wantCode(t, err, errs.KindNotFound, "account_not_found")
		_, err = f.bill.AddCard(f.ctx, admin, acc.ID, "tok_stolen")
		wantCode(t, err, errs.KindInvalid, "card_token_invalid")
		visa, err := f.bill.AddCard(f.ctx, bm, acc.ID, "tok_visa")
		if err != nil || !visa.Default {
			t.Fatalf("first card %+v %v", visa, err)
		}
		declined, _ := f.bill.AddCard(f.ctx, admin, acc.ID, "tok_chargeDeclined")
		if declined.Default {
			t.Fatal("second card became default")
		}

		// Bad amounts and a declined card change nothing.
		for _, c := range []struct {
			m    money.Money
			code string
		}{{usd(0), "amount_not_positive"}, {usd(-500), "amount_not_positive"}, {money.New(500, "EUR"), "currency_mismatch"}, {usd(1_000_000_000_001), "amount_too_large"}} {
			_, err := f.bill.Deposit(f.ctx, admin, acc.ID, c.m, "", "")
			wantCode(t, err, errs.KindInvalid, c.code)
		}
		_, err = f.bill.Deposit(f.ctx, admin, acc.ID, usd(5000), declined.ID, "")
		wantCode(t, err, errs.KindInvalid, "card_declined")
		_, err = f.bill.Deposit(f.ctx, member, acc.ID, usd(5000), "", "")
		wantCode(t, err, errs.KindForbidden, "role_not_allowed")
		b, _ := f.bill.Balance(f.ctx, member, acc.ID)
		if b.Available.Amount != 0 {
			t.Fatalf("refused deposits changed the balance: %v", b)
		}

		d, err := f.bill.Deposit(f.ctx, admin, acc.ID, usd(25000), "", "key-1")
		if err != nil || d.Reward.Amount != 0 {
			t.Fatalf("deposit %+v %v", d, err)
		}
		// The same key deposits once, even from the domain directly.
		if again, err := f.bill.Deposit(f.ctx, admin, acc.ID, usd(25000), "", "key-1"); err != nil || again.ID != d.ID {
			t.Fatalf("repeated key: %+v %v", again, err)
		}
		big, err := f.bill.Deposit(f.ctx, bm, acc.ID, usd(1_000_000), visa.ID, "")
		if err != nil || big.Reward.Amount != 50_000 {
			t.Fatalf("10,000 USD deposit reward %+v %v", big.Reward, err)
		}
		b, _ = f.bill.Balance(f.ctx, member, acc.ID)
		if b.Available.Amount != 1_025_000 || b.Credits.Amount != 50_000 {
			t.Fatalf("balance %+v", b)
		}
		invs, err := f.bill.Invoices(f.ctx, admin, acc.ID, page.Request{})
		if err != nil || len(invs.Items) != 2 || invs.Items[0].Seq != 2 || invs.Items[1].Number != "ATL-000001" || invs.Items[0].PaidWith != "visa •••• 4242" {
			t.Fatalf("invoices %+v %v", invs.Items, err)
		}
		_, err = f.bill.Invoice(f.ctx, member, invs.Items[0].ID)
		wantCode(t, err, errs.KindForbidden, "role_not_allowed")
		r, _ := f.bill.Rewards(f.ctx, member, acc.ID)
		if r.Level != "silver" || r.Spend12m.Amount != 0 || r.Credit.Amount != 50_000 || r.ToNextLevel.Amount != 100000 {
			t.Fatalf("rewards after deposits (deposits are not spend): %+v", r)
		}
		// Removing the default card promotes the other one.
		if err := f.bill.RemovePaymentMethod(f.ctx, admin, acc.ID, visa.ID); err != nil {
			t.Fatal(err)
		}
		list, _ := f.bill.PaymentMethods(f.ctx, admin, acc.ID)
		if len(list) != 1 || !list[0].Default || list[0].ID != declined.ID {
			t.Fatalf("cards after removing the default: %+v", list)
		}
		balanced(t, f)
	})
}

// The order money primitives: pay from credits then balance into escrow,
// release to the freelancer (with fees and commission), refund, clearance.
func TestEscrowReleaseRefundClearance(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f *fixture) {
		acc, admin, _, _ := f.team(t, "a")
		seller := f.user(t, "seller@example.com")
		cat := &catalog.Service{DB: f.db}
		fr, err := cat.CreateFreelancer(f.ctx, seller, catalog.Profile{DisplayName: "Sam", Country: "FR", HourlyRate: usd(5000)})
		if err != nil {
			t.Fatal(err)
		}
		f.bill.AddCard(f.ctx, admin, acc.ID, "tok_visa")
		f.bill.Deposit(f.ctx, admin, acc.ID, usd(20000), "", "")

		q := f.bill.Quote(usd(10000))
		if q.ServiceFee.Amount != 550 || q.SmallOrderFee.Amount != 0 || q.Total.Amount != 10550 {
			t.Fatalf("quote %+v", q)
		}
		if small := f.bill.Quote(usd(2000)); small.SmallOrderFee.Amount != 300 || small.Total.Amount != 2410 {
			t.Fatalf("small quote %+v", small)
		}
		err = f.db.InTx(f.ctx, func(tx *db.Tx) error {
			return billing.PayIntoEscrow(f.ctx, tx, acc.ID, "ord_1", q.Total, usd(0), false)
		})
		if err != nil {
			t.Fatal(err)
		}
		// Not enough money: nothing moves.
		err = f.db.InTx(f.ctx, func(tx *db.Tx) error {
			return billing.PayIntoEscrow(f.ctx, tx, acc.ID, "ord_2", usd(10000), usd(0), false)
		})
		wantCode(t, err, errs.KindConflict, "insufficient_funds")
		err = f.db.InTx(f.ctx, func(tx *db.Tx) error {
			return f.bill.Release(f.ctx, tx, acc.ID, "ord_1", fr.ID, q.Subtotal, money.New(q.ServiceFee.Amount+q.SmallOrderFee.Amount, "USD"), false)
		})
		if err != nil {
			t.Fatal(err)
		}
		earn, _ := f.bill.Earnings(f.ctx, seller, fr.ID)
		if earn.Pending.Amount != 8000 || earn.Available.Amount != 0 {
			t.Fatalf("earnings after release %+v", earn)
		}
		if _, err := f.bill.Earnings(f.ctx, admin, fr.ID); err == nil {
			t.Fatal("someone else read the earnings")
		}
		f.clk.Advance(13 * 24 * time.Hour)
		if n, _ := f.bill.ClearEarnings(f.ctx, f.clk.Now()); n != 0 {
			t.Fatal("cleared before 14 days")
		}
		f.clk.Advance(25 * time.Hour)
		if n, _ := f.bill.ClearEarnings(f.ctx, f.clk.Now()); n != 1 {
			t.Fatal("not cleared after 14 days")
		}
		if n, _ := f.bill.ClearEarnings(f.ctx, f.clk.Now()); n != 0 {
			t.Fatal("cleared twice")
		}
		_, err = f.bill.Withdraw(f.ctx, seller, fr.ID, usd(9000))
		wantCode(t, err, errs.KindConflict, "insufficient_funds")
		if _, err := f.bill.Withdraw(f.ctx, seller, fr.ID, usd(8000)); err != nil {
			t.Fatal(err)
		}
		earn, _ = f.bill.Earnings(f.ctx, seller, fr.ID)
		if earn.Available.Amount != 0 || earn.Withdrawn.Amount != 8000 {
			t.Fatalf("after withdrawal %+v", earn)
		}
		// A refund goes back to the balance.
		f.db.InTx(f.ctx, func(tx *db.Tx) error {
			return billing.PayIntoEscrow(f.ctx, tx, acc.ID, "ord_3", usd(5000), usd(0), false)
		})
		if err := f.db.InTx(f.ctx, func(tx *db.Tx) error {
			return f.bill.RefundFromEscrow(f.ctx, tx, "ord_3", acc.ID, usd(5000), "cancellation")
		}); err != nil {
			t.Fatal(err)
		}
		// The release of ord_1 earned 1% of its price (1.00 of credit),
		// which paid ord_3 first; the refund came back to the balance.
		b, _ := f.bill.Balance(f.ctx, admin, acc.ID)
		if b.Available.Amount != 20000-10550+100 || b.Credits.Amount != 0 {
			t.Fatalf("balance after refund %+v", b)
		}
		r := balanced(t, f)
		var fees int64
		f.db.QueryRow(f.ctx, `SELECT balance FROM ledger_accounts WHERE id = 'fees:platform:USD'`).Scan(&fees)
		if fees != 550+2000 || r.Totals["USD"] != 0 {
			t.Fatalf("platform fees %d, totals %v", fees, r.Totals)
		}
	})
}

// Many people deposit, pay, release and refund at once: afterwards the
// ledger balances, nothing is negative, money in equals money held, and
// invoice numbers have no gap and no repeat.
func TestConcurrentMoney(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		f := setup(t, e)
		seller := f.user(t, "seller@example.com")
		fr, _ := (&catalog.Service{DB: f.db}).CreateFreelancer(f.ctx, seller, catalog.Profile{DisplayName: "Sam", Country: "FR", HourlyRate: usd(5000)})
		type team struct {
			id    string
			admin users.User
		}
		var teams []team
		for i := range 6 {
			acc, admin, _, _ := f.team(t, fmt.Sprintf("t%d", i))
			if _, err := f.bill.AddCard(f.ctx, admin, acc.ID, "tok_visa"); err != nil {
				t.Fatal(err)
			}
			teams = append(teams, team{acc.ID, admin})
		}
		var deposited sync.Map
		var wg sync.WaitGroup
		workers := 12
		if e == db.SQLite {
			workers = 8
		}
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rand.New(rand.NewPCG(uint64(w), 7))
				for i := range 15 {
					tm := teams[r.IntN(len(teams))]
					switch r.IntN(3) {
					case 0:
						amount := int64(1000 + r.IntN(50000))
						if _, err := f.bill.Deposit(f.ctx, tm.admin, tm.id, usd(amount), "", ""); err != nil {
							t.Errorf("deposit: %v", err)
						}
						deposited.Store(fmt.Sprint(w, "-", i), amount)
					default:
						order := fmt.Sprintf("ord_%d_%d", w, i)
						total := usd(int64(500 + r.IntN(20000)))
						err := f.db.InTx(f.ctx, func(tx *db.Tx) error { return billing.PayIntoEscrow(f.ctx, tx, tm.id, order, total, usd(0), false) })
						if e, ok := errs.As(err); ok && e.Code == "insufficient_funds" {
							continue
						} else if err != nil {
							t.Errorf("pay: %v", err)
							continue
						}
						err = f.db.InTx(f.ctx, func(tx *db.Tx) error {
							if r.IntN(2) == 0 {
								return f.bill.RefundFromEscrow(f.ctx, tx, order, tm.id, total, "cancellation")
							}
							fee := total.Amount / 20
							return f.bill.Release(f.ctx, tx, tm.id, order, fr.ID, usd(total.Amount-fee), usd(fee), true)
						})
						if err != nil {
							t.Errorf("settle: %v", err)
						}
					}
				}
			}()
		}
		wg.Wait()
		r := balanced(t, f)
		var in int64
		deposited.Range(func(_, v any) bool { in += v.(int64); return true })
		var funding int64
		f.db.QueryRow(f.ctx, `SELECT COALESCE(balance, 0) FROM ledger_accounts WHERE id = 'funding:platform:USD'`).Scan(&funding)
		if -funding != in {
			t.Fatalf("cards paid in %d, the ledger recorded %d", in, -funding)
		}
		var n, maxSeq, distinct int64
		f.db.QueryRow(f.ctx, `SELECT COUNT(*), COALESCE(MAX(seq), 0), COUNT(DISTINCT seq) FROM invoices`).Scan(&n, &maxSeq, &distinct)
		var deposits int64
		f.db.QueryRow(f.ctx, `SELECT COUNT(*) FROM deposits`).Scan(&deposits)
		if n != maxSeq || n != distinct || n != deposits {
			t.Fatalf("invoices: %d rows, max number %d, %d distinct, %d deposits", n, maxSeq, distinct, deposits)
		}
		t.Logf("%s: %d ledger transactions over %d accounts, %d invoices", e, r.Transactions, r.Accounts, n)
	})
}

func TestRefundDepositToCard(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f *fixture) {
		acc, admin, _, member := f.team(t, "a")
		f.bill.AddCard(f.ctx, admin, acc.ID, "tok_visa")
		d, err := f.bill.Deposit(f.ctx, admin, acc.ID, usd(1_000_000), "", "")
		if err != nil || d.Reward.Amount != 50_000 {
			t.Fatalf("deposit %+v %v", d, err)
		}
		_, err = f.bill.RefundDeposit(f.ctx, member, acc.ID, d.ID, usd(100))
		wantCode(t, err, errs.KindForbidden, "role_not_allowed")
		_, err = f.bill.RefundDeposit(f.ctx, admin, acc.ID, d.ID, usd(1_000_001))
		wantCode(t, err, errs.KindInvalid, "refund_exceeds_deposit")
		// Half of the deposit goes back, with half of its reward.
		if _, err := f.bill.RefundDeposit(f.ctx, admin, acc.ID, d.ID, usd(500_000)); err != nil {
			t.Fatal(err)
		}
		b, _ := f.bill.Balance(f.ctx, admin, acc.ID)
		if b.Available.Amount != 500_000 || b.Credits.Amount != 25_000 {
			t.Fatalf("after refunding half: %+v", b)
		}
		// Money spent from the balance cannot be refunded to the card.
		f.db.InTx(f.ctx, func(tx *db.Tx) error {
			return billing.PayIntoEscrow(f.ctx, tx, acc.ID, "ord_1", usd(490_000), usd(0), false)
		})
		_, err = f.bill.RefundDeposit(f.ctx, admin, acc.ID, d.ID, usd(500_000))
		wantCode(t, err, errs.KindConflict, "insufficient_funds")
		balanced(t, f)
	})
}
