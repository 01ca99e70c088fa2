package ledger_test

import (
	"context"
	"testing"

	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/errs"
	"atelier/internal/ledger"
)

func TestPostAndCheck(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		ctx := context.Background()
		d := dbtest.Open(t, e, nil)
		funding := ledger.Account{Kind: ledger.Funding, Owner: ledger.Platform, Currency: "EUR"}
		bal := ledger.Account{Kind: ledger.Balance, Owner: "acc_1", Currency: "EUR"}
		escrow := ledger.Account{Kind: ledger.Escrow, Owner: "ord_1", Currency: "EUR"}
		post := func(moves ...ledger.Move) error {
			return d.InTx(ctx, func(tx *db.Tx) error { _, err := ledger.Post(ctx, tx, "test", "ref", moves...); return err })
		}
		if err := post(ledger.Move{From: funding, To: bal, Amount: 1000}); err != nil {
			t.Fatal(err)
		}
		// A move that would take a balance below zero is refused whole.
		err := post(ledger.Move{From: bal, To: escrow, Amount: 600}, ledger.Move{From: bal, To: escrow, Amount: 600})
		if e, ok := errs.As(err); !ok || e.Code != "insufficient_funds" {
			t.Fatalf("overdraft: %v", err)
		}
		if b, _ := ledger.BalanceOf(ctx, d, bal); b.Amount != 1000 {
			t.Fatalf("balance after refused move %v", b)
		}
		if err := post(ledger.Move{From: bal, To: escrow, Amount: 400}); err != nil {
			t.Fatal(err)
		}
		r, err := ledger.Check(ctx, d)
		if err != nil || !r.Balanced || r.Transactions != 2 || r.Accounts != 3 {
			t.Fatalf("check %+v %v", r, err)
		}
		// Tampering is found: money created out of thin air.
		d.Exec(ctx, `UPDATE ledger_accounts SET balance = balance + 1 WHERE id = ?`, escrow.ID())
		r, _ = ledger.Check(ctx, d)
		if r.Balanced || len(r.Problems) != 2 {
			t.Fatalf("tampered ledger reported %+v", r)
		}
	})
}
