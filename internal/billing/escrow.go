package billing

import (
	"context"

	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/ledger"
	"atelier/internal/money"
)

// Quote is what an order of a given subtotal costs the buyer.
type Quote struct {
	Subtotal      money.Money `json:"subtotal"`
	ServiceFee    money.Money `json:"service_fee"`
	SmallOrderFee money.Money `json:"small_order_fee"`
	Total         money.Money `json:"total"`
}

// The buyer's fees are the order's, on the order's total (one reading,
// whatever way it is paid): the service fee is a percentage rounded half up
// to the cent, and an order under the small-order limit pays the
// small-order fee once. An order paid in parts (its milestones) spreads the
// same fees over the parts; an hourly contract's weeks pay the percentage
// only (a contract is not a small order).

// Quote applies the buyer's fees to the subtotal of an order paid at once.
func (s *Service) Quote(subtotal money.Money) Quote {
	q := s.Week(subtotal)
	if subtotal.Amount < s.Config.SmallOrderUnder {
		q.SmallOrderFee.Amount = s.Config.SmallOrderFee
		q.Total.Amount += s.Config.SmallOrderFee
	}
	return q
}

// Week quotes a week of an hourly contract: the service fee only.
func (s *Service) Week(amount money.Money) Quote {
	fee := s.serviceFee(amount.Amount)
	return Quote{Subtotal: amount, ServiceFee: money.New(fee, amount.Currency), SmallOrderFee: money.New(0, amount.Currency),
		Total: money.New(amount.Amount+fee, amount.Currency)}
}

// serviceFee is the percentage on amount, rounded half up to the cent.
func (s *Service) serviceFee(amount int64) int64 { return (amount*s.Config.BuyerFeeBP + 5000) / 10000 }

// Parts quotes an order paid in parts: its fees are Quote's on the sum of
// the parts, spread so that each part's service fee is the rounding of the
// running total less the rounding before it (never negative, and they add
// up to the order's exactly); the small-order fee, when the order is a
// small one, comes with the first part.
func (s *Service) Parts(parts []money.Money) []Quote {
	out := make([]Quote, len(parts))
	var sum, charged int64
	for _, p := range parts {
		sum += p.Amount
	}
	for i, p := range parts {
		before := s.serviceFee(charged)
		charged += p.Amount
		fee := s.serviceFee(charged) - before
		q := Quote{Subtotal: p, ServiceFee: money.New(fee, p.Currency), SmallOrderFee: money.New(0, p.Currency)}
		if i == 0 && sum < s.Config.SmallOrderUnder {
			q.SmallOrderFee.Amount = s.Config.SmallOrderFee
		}
		q.Total = money.New(p.Amount+fee+q.SmallOrderFee.Amount, p.Currency)
		out[i] = q
	}
	return out
}

func escrowOf(orderID, currency string) ledger.Account {
	return ledger.Account{Kind: ledger.Escrow, Owner: orderID, Currency: currency}
}

// PayIntoEscrow moves, in the caller's transaction, an order's payment
// into Atelier: amount (its price and fees, before VAT) into the order's
// escrow and vat into the platform's VAT account. byCard: the payment is a
// card charge already made (the money comes in from outside); else it is
// paid from the account's credits first, then its balance, and not enough
// is ErrInsufficientFunds and nothing moves.
func PayIntoEscrow(ctx context.Context, tx *db.Tx, accountID, orderID string, amount, vat money.Money, byCard bool) error {
	c := amount.Currency
	to := []share{{escrowOf(orderID, c), amount.Amount}, {vatOf(c), vat.Amount}}
	if byCard {
		_, err := ledger.Post(ctx, tx, "order_payment", orderID, collect([]share{{funding(c), amount.Amount + vat.Amount}}, to)...)
		return err
	}
	credit, err := ledger.BalanceOf(ctx, tx, ledger.Account{Kind: ledger.Credit, Owner: accountID, Currency: c})
	if err != nil {
		return err
	}
	total := amount.Amount + vat.Amount
	fromCredit := min(max(credit.Amount, 0), total)
	from := []share{{ledger.Account{Kind: ledger.Credit, Owner: accountID, Currency: c}, fromCredit},
		{ledger.Account{Kind: ledger.Balance, Owner: accountID, Currency: c}, total - fromCredit}}
	_, err = ledger.Post(ctx, tx, "order_payment", orderID, collect(from, to)...)
	return err
}

// share is an amount taken from or given to one ledger account.
type share struct {
	account ledger.Account
	amount  int64
}

// collect is the moves of one payment: the sources, in order, fill the
// destinations, in order (what the sources hold adds up to what the
// destinations get).
func collect(from, to []share) []ledger.Move {
	var moves []ledger.Move
	i := 0
	for _, t := range to {
		for t.amount > 0 && i < len(from) {
			n := min(t.amount, from[i].amount)
			if n > 0 {
				moves = append(moves, ledger.Move{From: from[i].account, To: t.account, Amount: n})
			}
			t.amount -= n
			from[i].amount -= n
			if from[i].amount == 0 {
				i++
			}
		}
	}
	return moves
}

func funding(currency string) ledger.Account {
	return ledger.Account{Kind: ledger.Funding, Owner: ledger.Platform, Currency: currency}
}

func vatOf(currency string) ledger.Account {
	return ledger.Account{Kind: ledger.VAT, Owner: ledger.Platform, Currency: currency}
}

// Commission is the platform's commission on a price, taken from the
// freelancer on release: 20% by default, rounded half up to the cent.
func (s *Service) Commission(price money.Money) money.Money {
	return money.New((price.Amount*s.Config.SellerCommissionBP+5000)/10000, price.Currency)
}

// Release pays a freelancer for delivered work out of an order's escrow:
// the buyer's fees and the seller commission go to the platform, the rest to
// the freelancer's pending earnings, which clear after the clearance period
// (shorter for Pro freelancers). subtotal is the price of the work; fees
// what the buyer paid on top of it.
//
// A release is also when the buyer's account is credited for the work:
// what it paid now counts for its rewards level (money still in escrow does
// not: it may yet go back, and an order held in escrow must not lift the
// level other orders earn at), and the work earns the level's reward on its
// price — every release alike: a completed order, an approved milestone, a
// week of hours, what an operator's decision pays.
func (s *Service) Release(ctx context.Context, tx *db.Tx, accountID, orderID, freelancerID string, subtotal, fees money.Money, pro bool) error {
	if err := s.release(ctx, tx, orderID, freelancerID, subtotal, fees, pro); err != nil {
		return err
	}
	if err := s.recompute(ctx, tx, accountID, tx.Now); err != nil {
		return err
	}
	if subtotal.Amount <= 0 {
		return nil
	}
	_, err := s.RewardOrder(ctx, tx, accountID, orderID, subtotal)
	return err
}

func (s *Service) release(ctx context.Context, tx *db.Tx, orderID, freelancerID string, subtotal, fees money.Money, pro bool) error {
	c := subtotal.Currency
	commission := s.Commission(subtotal).Amount
	earned := subtotal.Amount - commission
	moves := []ledger.Move{}
	if earned > 0 {
		moves = append(moves, ledger.Move{From: escrowOf(orderID, c), To: ledger.Account{Kind: ledger.Pending, Owner: freelancerID, Currency: c}, Amount: earned})
	}
	if platform := commission + fees.Amount; platform > 0 {
		moves = append(moves, ledger.Move{From: escrowOf(orderID, c), To: ledger.Account{Kind: ledger.Fees, Owner: ledger.Platform, Currency: c}, Amount: platform})
	}
	if len(moves) == 0 {
		return nil
	}
	if _, err := ledger.Post(ctx, tx, "release", orderID, moves...); err != nil {
		return err
	}
	if earned == 0 {
		return nil
	}
	clearance := s.Config.ClearanceOther
	if pro {
		clearance = s.Config.ClearancePro
	}
	_, err := tx.Exec(ctx, `INSERT INTO earnings (id, freelancer_id, ref, amount, currency, clears_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		db.NewID("ern"), freelancerID, orderID, earned, c, db.Micros(tx.Now.Add(clearance)), db.Micros(tx.Now))
	return err
}

// RefundFromEscrow gives the client back part or all of what is held for an
// order (amount, before VAT), with the VAT it bore, to the account's
// balance, with its credit note (reason: why, see Refund).
func (s *Service) RefundFromEscrow(ctx context.Context, tx *db.Tx, orderID, accountID string, amount money.Money, reason string) error {
	if amount.Amount <= 0 {
		return errs.Invalid("amount", "amount_not_positive")
	}
	_, err := s.RefundToBalance(ctx, tx, "refund", escrowOf(orderID, amount.Currency), Refund{AccountID: accountID, Ref: orderID, Amount: amount, Reason: reason})
	return err
}

// RefundToBalance gives r.Amount (before VAT) back to the account's
// balance from an account of the platform's (from: an order's escrow, the
// fees, the guarantee fund), and the VAT it bore from the VAT collected: one
// ledger transaction of kind, and the credit note that says so, in the
// caller's transaction.
func (s *Service) RefundToBalance(ctx context.Context, tx *db.Tx, kind string, from ledger.Account, r Refund) (Invoice, error) {
	cn, err := s.CreditNote(ctx, tx, r)
	if err != nil {
		return Invoice{}, err
	}
	c := r.Amount.Currency
	to := ledger.Account{Kind: ledger.Balance, Owner: r.AccountID, Currency: c}
	moves := []ledger.Move{{From: from, To: to, Amount: r.Amount.Amount}}
	if cn.VAT.Amount > 0 {
		moves = append(moves, ledger.Move{From: vatOf(c), To: to, Amount: cn.VAT.Amount})
	}
	_, err = ledger.Post(ctx, tx, kind, r.Ref, moves...)
	return cn, err
}

// Escrowed is what an order's escrow holds.
func Escrowed(ctx context.Context, q db.Queryer, orderID, currency string) (money.Money, error) {
	return ledger.BalanceOf(ctx, q, escrowOf(orderID, currency))
}

// OrderCharge describes an order payment for its invoice.
type OrderCharge struct {
	AccountID, OrderID string
	Description        string // "Logo design — Standard"
	Label              string // the line's translation, when it has words of Atelier's own (Line.Label)
	Args               map[string]string
	Quantity           int
	UnitPrice          money.Money
	Fees               money.Money
	PaidWith           string
	Kind               string // of the invoice: "order" when empty, "hourly" for a week of hourly work
	Tax                Tax    // how the charge was taxed (TaxFor, when it was charged)
}

// RecordOrderPayment writes, in the caller's transaction, what follows an
// order payment already moved into escrow: the invoice and the account's
// spend, before VAT (which counts for its rewards level once released).
func (s *Service) RecordOrderPayment(ctx context.Context, tx *db.Tx, c OrderCharge) (Invoice, error) {
	currency := c.UnitPrice.Currency
	sub := money.New(c.UnitPrice.Amount*int64(c.Quantity), currency)
	kind := c.Kind
	if kind == "" {
		kind = "order"
	}
	inv := Invoice{AccountID: c.AccountID, Kind: kind, Ref: c.OrderID, PaidWith: c.PaidWith,
		Lines: []Line{{Description: c.Description, Label: c.Label, Args: c.Args, Quantity: c.Quantity, UnitPrice: c.UnitPrice, Amount: sub}}}
	totals(&inv, currency, c.Fees.Amount, c.Tax)
	inv, err := s.issue(ctx, tx, inv)
	if err != nil {
		return Invoice{}, err
	}
	return inv, s.RecordSpend(ctx, tx, c.AccountID, c.OrderID, money.New(inv.Total.Amount-inv.VAT.Amount, currency))
}

// RewardOrder credits the account with its level's share of a completed
// order's price (1%, 3% or 5% by default).
func (s *Service) RewardOrder(ctx context.Context, tx *db.Tx, accountID, orderID string, subtotal money.Money) (money.Money, error) {
	var level string
	if err := tx.QueryRow(ctx, `SELECT rewards_level FROM accounts WHERE id = ?`, accountID).Scan(&level); err != nil {
		return money.Money{}, err
	}
	credit := money.New(subtotal.Amount*s.RateBP(level)/10000, subtotal.Currency)
	if credit.Amount == 0 {
		return credit, nil
	}
	_, err := ledger.Post(ctx, tx, "reward", orderID, ledger.Move{
		From: ledger.Account{Kind: ledger.Rewards, Owner: ledger.Platform, Currency: subtotal.Currency},
		To:   ledger.Account{Kind: ledger.Credit, Owner: accountID, Currency: subtotal.Currency}, Amount: credit.Amount})
	return credit, err
}

// AvailableToSpend is what an account can pay an order with without a
// card: its credits and its balance.
func AvailableToSpend(ctx context.Context, q db.Queryer, accountID, currency string) (int64, error) {
	c, err := ledger.BalanceOf(ctx, q, ledger.Account{Kind: ledger.Credit, Owner: accountID, Currency: currency})
	if err != nil {
		return 0, err
	}
	b, err := ledger.BalanceOf(ctx, q, ledger.Account{Kind: ledger.Balance, Owner: accountID, Currency: currency})
	return c.Amount + b.Amount, err
}

// CardFor returns the provider reference and label of an account's default
// card, for charging an order.
func CardFor(ctx context.Context, q db.Queryer, accountID string) (ref, label string, ok bool, err error) {
	p, ok, err := DefaultMethod(ctx, q, accountID)
	return p.ref, p.Label(), ok, err
}
