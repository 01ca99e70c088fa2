package api

import (
	"bytes"
	"net/http"

	"atelier/internal/billing"
	"atelier/internal/errs"
	"atelier/internal/invoicedoc"
	"atelier/internal/ledger"
	"atelier/internal/money"
	"atelier/internal/page"
)

type cardIn struct {
	Type  string `json:"type"`
	Token string `json:"token"`
}

type depositIn struct {
	Amount          money.Money `json:"amount"`
	PaymentMethodID string      `json:"payment_method_id"`
}

type withdrawIn struct {
	Amount money.Money `json:"amount"`
}

func (s *Server) moneyRoutes() []route {
	return []route{
		{Method: "GET", Path: "/accounts/{account}/billing-info", Tag: "money", Summary: "Billing details printed on invoices (admin, billing managers)",
			Out: billing.BillingInfo{},
			Handle: func(c *call) (any, error) {
				return s.Billing.BillingInfo(c.r.Context(), c.user, c.param("account"))
			}},
		{Method: "PUT", Path: "/accounts/{account}/billing-info", Tag: "money", Summary: "Replace the billing details (admin, billing managers)",
			In: billing.BillingInfo{}, Out: billing.BillingInfo{},
			Handle: body(func(c *call, in billing.BillingInfo) (any, error) {
				return s.Billing.SetBillingInfo(c.r.Context(), c.user, c.param("account"), in)
			})},
		{Method: "POST", Path: "/accounts/{account}/payment-methods", Tag: "money", Status: http.StatusCreated,
			Summary: "Save a card from a provider token (test provider: tok_visa, tok_chargeDeclined)", In: cardIn{}, Out: billing.PaymentMethod{},
			Handle: body(func(c *call, in cardIn) (any, error) {
				if in.Type != "" && in.Type != "card" {
					return nil, errs.Invalid("type", "payment_method_type_invalid")
				}
				return s.Billing.AddCard(c.r.Context(), c.user, c.param("account"), in.Token)
			})},
		{Method: "GET", Path: "/accounts/{account}/payment-methods", Tag: "money", Summary: "Saved cards, the default first",
			Out: listOut[billing.PaymentMethod]{},
			Handle: func(c *call) (any, error) {
				list, err := s.Billing.PaymentMethods(c.r.Context(), c.user, c.param("account"))
				return listOut[billing.PaymentMethod]{Items: list}, err
			}},
		{Method: "DELETE", Path: "/accounts/{account}/payment-methods/{pm}", Tag: "money", Summary: "Remove a card", Status: http.StatusNoContent,
			Handle: func(c *call) (any, error) {
				return nil, s.Billing.RemovePaymentMethod(c.r.Context(), c.user, c.param("account"), c.param("pm"))
			}},
		{Method: "POST", Path: "/accounts/{account}/payment-methods/{pm}/default", Tag: "money", Summary: "Make a card the default",
			Out: billing.PaymentMethod{},
			Handle: func(c *call) (any, error) {
				return s.Billing.SetDefaultMethod(c.r.Context(), c.user, c.param("account"), c.param("pm"))
			}},
		{Method: "POST", Path: "/accounts/{account}/deposits", Tag: "money", Status: http.StatusCreated, Idempotent: true,
			Summary: "Top up the balance by card (Idempotency-Key honoured); deposits from 10,000 earn a reward credit",
			In:      depositIn{}, Out: billing.Deposit{},
			Handle: body(func(c *call, in depositIn) (any, error) {
				return s.Billing.Deposit(c.r.Context(), c.user, c.param("account"), in.Amount, in.PaymentMethodID, c.r.Header.Get("Idempotency-Key"))
			})},
		{Method: "POST", Path: "/accounts/{account}/balance/refund", Tag: "money", Idempotent: true,
			Summary: "Send part of the balance back to the cards that paid it, newest charge first (admin, billing managers; Idempotency-Key honoured)",
			In:      withdrawIn{}, Out: billing.BalanceRefund{},
			Handle: body(func(c *call, in withdrawIn) (any, error) {
				return s.Billing.RefundBalance(c.r.Context(), c.user, c.param("account"), in.Amount)
			})},
		{Method: "POST", Path: "/accounts/{account}/deposits/{deposit}/refund", Tag: "money", Idempotent: true,
			Summary: "Give (part of) a deposit back to its card from the balance (admin, billing managers; Idempotency-Key honoured)",
			In:      withdrawIn{}, Out: billing.Deposit{},
			Handle: body(func(c *call, in withdrawIn) (any, error) {
				return s.Billing.RefundDeposit(c.r.Context(), c.user, c.param("account"), c.param("deposit"), in.Amount)
			})},
		{Method: "GET", Path: "/accounts/{account}/deposits", Tag: "money", Summary: "Deposits, newest first", Out: page.Page[billing.Deposit]{},
			Handle: paged(func(c *call, p page.Request) (any, error) {
				return s.Billing.Deposits(c.r.Context(), c.user, c.param("account"), p)
			})},
		{Method: "GET", Path: "/accounts/{account}/balance", Tag: "money", Summary: "Balance and reward credits", Out: billing.AccountBalance{},
			Handle: func(c *call) (any, error) {
				return s.Billing.Balance(c.r.Context(), c.user, c.param("account"))
			}},
		{Method: "GET", Path: "/accounts/{account}/invoices", Tag: "money", Summary: "Invoices, newest first (admin, billing managers)",
			Out: page.Page[billing.Invoice]{},
			Handle: paged(func(c *call, p page.Request) (any, error) {
				return s.Billing.Invoices(c.r.Context(), c.user, c.param("account"), p)
			})},
		{Method: "GET", Path: "/invoices/{invoice}", Tag: "money", Summary: "One invoice (admin, billing managers of its account)", Out: billing.Invoice{},
			Handle: func(c *call) (any, error) {
				return s.Billing.Invoice(c.r.Context(), c.user, c.param("invoice"))
			}},
		{Method: "GET", Path: "/invoices/{invoice}/pdf", Tag: "money", Summary: "An invoice as PDF, in the caller's language",
			Out: file{ContentType: "application/pdf"},
			Handle: func(c *call) (any, error) {
				inv, err := s.Billing.Invoice(c.r.Context(), c.user, c.param("invoice"))
				if err != nil {
					return nil, err
				}
				pdf, err := invoicedoc.PDF(inv, c.lang)
				return file{ContentType: "application/pdf", Name: inv.Number + ".pdf", Data: pdf}, err
			}},
		{Method: "GET", Path: "/accounts/{account}/credit-notes", Tag: "money", Summary: "Credit notes (one per refund, naming the invoices it corrects), newest first (admin, billing managers)",
			Out: page.Page[billing.Invoice]{},
			Handle: paged(func(c *call, p page.Request) (any, error) {
				return s.Billing.CreditNotes(c.r.Context(), c.user, c.param("account"), p)
			})},
		{Method: "GET", Path: "/credit-notes/{id}", Tag: "money", Summary: "One credit note (admin, billing managers of its account)", Out: billing.Invoice{},
			Handle: func(c *call) (any, error) {
				return s.Billing.CreditNoteByID(c.r.Context(), c.user, c.param("id"))
			}},
		{Method: "GET", Path: "/credit-notes/{id}/pdf", Tag: "money", Summary: "A credit note as PDF, in the caller's language",
			Out: file{ContentType: "application/pdf"},
			Handle: func(c *call) (any, error) {
				cn, err := s.Billing.CreditNoteByID(c.r.Context(), c.user, c.param("id"))
				if err != nil {
					return nil, err
				}
				pdf, err := invoicedoc.PDF(cn, c.lang)
				return file{ContentType: "application/pdf", Name: cn.Number + ".pdf", Data: pdf}, err
			}},
		{Method: "GET", Path: "/accounts/{account}/invoices.csv", Tag: "money", Summary: "Every invoice, then every credit note (negative), of the account as CSV",
			Out: file{ContentType: "text/csv"},
			Handle: func(c *call) (any, error) {
				list, err := s.Billing.AllInvoices(c.r.Context(), c.user, c.param("account"))
				if err != nil {
					return nil, err
				}
				var b bytes.Buffer
				err = invoicedoc.CSV(&b, list, c.lang)
				return file{ContentType: "text/csv; charset=utf-8", Name: "invoices.csv", Data: b.Bytes()}, err
			}},
		{Method: "GET", Path: "/accounts/{account}/rewards", Tag: "money", Summary: "Rewards level, 12-month spend, progress and credit",
			Out: billing.Rewards{},
			Handle: func(c *call) (any, error) {
				return s.Billing.Rewards(c.r.Context(), c.user, c.param("account"))
			}},
		{Method: "GET", Path: "/freelancers/{freelancer}/earnings", Tag: "money", Summary: "Pending, available and withdrawn earnings (owner)",
			Out: billing.Earnings{},
			Handle: func(c *call) (any, error) {
				return s.Billing.Earnings(c.r.Context(), c.user, c.param("freelancer"))
			}},
		{Method: "POST", Path: "/freelancers/{freelancer}/withdrawals", Tag: "money", Status: http.StatusCreated, Idempotent: true,
			Summary: "Withdraw available earnings to the bank (owner; Idempotency-Key honoured)", In: withdrawIn{}, Out: billing.Withdrawal{},
			Handle: body(func(c *call, in withdrawIn) (any, error) {
				return s.Billing.Withdraw(c.r.Context(), c.user, c.param("freelancer"), in.Amount)
			})},
		{Method: "GET", Path: "/ledger/check", Tag: "money", Summary: "Verify the whole ledger (operators)", Out: ledger.Report{},
			Handle: func(c *call) (any, error) {
				if !c.user.IsOperator {
					return nil, errs.Forbidden("operator_only")
				}
				return ledger.Check(c.r.Context(), s.DB)
			}},
	}
}
