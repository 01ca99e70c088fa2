package billing

import (
	"net/http"
	"net/url"

	"atelier/internal/billing"
	"atelier/internal/errs"
	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/money"
	"atelier/internal/page"
	"atelier/internal/users"
	"atelier/internal/web/site"
)

// recentDeposits is how many deposits the billing page lists.
const recentDeposits = 10

// billingInfoFields are the inputs of the billing info form.
var billingInfoFields = []string{"company", "address", "country", "vat_id", "email"}

type billingData struct {
	Balance  billing.AccountBalance
	Methods  []billing.PaymentMethod
	Deposits []depositRow
	// Cards are the names of the account's saved cards by id, removed
	// ones included when a deposit still names them.
	Cards map[string]string
	// DepositRewardFrom is the smallest deposit that earns credit.
	DepositRewardFrom money.Money
}

type depositRow struct {
	billing.Deposit
	Card string // the card's label, "" when it has been removed since
}

func billingPath(accountID string) string { return "/accounts/" + accountID + "/billing" }

// showBilling shows the billing page: the forms hold the saved billing
// info and the default card, overlaid with what was just posted when a
// post was refused; the deposit form always gets a fresh key.
func (s *pages) showBilling(w http.ResponseWriter, r *http.Request, u users.User, f *site.Form, status int) error {
	a, err := s.Account(r, u)
	if err != nil {
		return err
	}
	ctx := r.Context()
	// Payment methods first: to a member, the domain refuses the page.
	methods, err := s.Billing.PaymentMethods(ctx, u, a.ID)
	if err != nil {
		return err
	}
	info, err := s.Billing.BillingInfo(ctx, u, a.ID)
	if err != nil {
		return err
	}
	bal, err := s.Billing.Balance(ctx, u, a.ID)
	if err != nil {
		return err
	}
	deps, err := s.Billing.Deposits(ctx, u, a.ID, page.Request{Limit: recentDeposits})
	if err != nil {
		return err
	}
	d := billingData{Balance: bal, Methods: methods, Cards: map[string]string{},
		DepositRewardFrom: money.New(s.Billing.Config.DepositRewardFrom, a.Currency)}
	for _, m := range methods {
		d.Cards[m.ID] = site.CardLabel(m)
	}
	for _, dep := range deps.Items {
		d.Deposits = append(d.Deposits, depositRow{Deposit: dep, Card: d.Cards[dep.PaymentMethodID]})
	}

	values := url.Values{
		"company": {info.Company}, "address": {info.Address}, "country": {info.Country}, "vat_id": {info.VATID}, "email": {info.Email},
	}
	for _, m := range methods {
		if m.Default {
			values.Set("payment_method_id", m.ID)
		}
	}
	if f == nil {
		f = &site.Form{Errors: map[string]string{}}
	}
	for k, v := range f.Values {
		values[k] = v
	}
	values.Set("idempotency_key", site.NewFormKey())
	values.Set("refund_idempotency_key", site.NewFormKey())
	f.Values = values
	s.Render(w, r, status, "billing", &site.View{Nav: "accounts", Title: i18n.T(httpx.Lang(r), "billing.title"), Account: &a, Tab: "billing", Form: f, Data: d})
	return nil
}

func (s *pages) deposit(w http.ResponseWriter, r *http.Request, u users.User) error {
	a, err := s.Account(r, u)
	if err != nil {
		return err
	}
	redo := func(f *site.Form, status int) error {
		site.AlertUnless(f, "amount", "payment_method_id")
		return s.showBilling(w, r, u, f, status)
	}
	amount, err := site.RequiredAmount("amount", r.PostFormValue("amount"), a.Currency, httpx.Lang(r))
	if err != nil {
		return site.ShowAgain(err, redo)
	}
	key := r.PostFormValue("idempotency_key")
	dep, repeat, err := site.OnceValue(s.Site, r, u, key, func() (billing.Deposit, error) {
		return s.Billing.Deposit(r.Context(), u, a.ID, amount, r.PostFormValue("payment_method_id"), key)
	})
	switch {
	case err != nil:
		return site.ShowAgain(err, redo)
	case repeat:
		s.Done(w, r, billingPath(a.ID), "flash.deposit_repeated")
	case dep.Reward.Amount > 0:
		lang := httpx.Lang(r)
		s.Done(w, r, billingPath(a.ID), "flash.deposit_made_reward", "amount", dep.Amount.Format(lang), "reward", dep.Reward.Format(lang))
	default:
		s.Done(w, r, billingPath(a.ID), "flash.deposit_made", "amount", dep.Amount.Format(httpx.Lang(r)))
	}
	return nil
}

// refundBalance posts the balance's "send back to the cards" form.
func (s *pages) refundBalance(w http.ResponseWriter, r *http.Request, u users.User) error {
	a, err := s.Account(r, u)
	if err != nil {
		return err
	}
	redo := func(f *site.Form, status int) error {
		site.AlertUnless(f, "refund_amount")
		return s.showBilling(w, r, u, f, status)
	}
	amount, err := site.RequiredAmount("refund_amount", r.PostFormValue("refund_amount"), a.Currency, httpx.Lang(r))
	if err != nil {
		return site.ShowAgain(err, redo)
	}
	key := r.PostFormValue("idempotency_key")
	back, repeat, err := site.OnceValue(s.Site, r, u, key, func() (billing.BalanceRefund, error) {
		return s.Billing.RefundBalance(r.Context(), u, a.ID, amount)
	})
	switch {
	case err != nil:
		if e, ok := errs.As(err); ok && e.Field == "amount" { // the form's field
			moved := *e
			moved.Field = "refund_amount"
			err = &moved
		}
		return site.ShowAgain(err, redo)
	case repeat:
		s.Done(w, r, billingPath(a.ID), "flash.balance_refund_repeated")
	default:
		s.Done(w, r, billingPath(a.ID), "flash.balance_refunded", "amount", back.Amount.Format(httpx.Lang(r)))
	}
	return nil
}

func (s *pages) addCard(w http.ResponseWriter, r *http.Request, u users.User) error {
	account := r.PathValue("account")
	m, err := s.Billing.AddCard(r.Context(), u, account, r.PostFormValue("token"))
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error {
			site.AlertUnless(f, "token")
			return s.showBilling(w, r, u, f, status)
		})
	}
	s.Done(w, r, billingPath(account), "flash.card_added", "card", site.CardLabel(m))
	return nil
}

func (s *pages) setDefaultCard(w http.ResponseWriter, r *http.Request, u users.User) error {
	account := r.PathValue("account")
	m, err := s.Billing.SetDefaultMethod(r.Context(), u, account, r.PathValue("pm"))
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.showBilling(w, r, u, f, status) })
	}
	s.Done(w, r, billingPath(account), "flash.card_default", "card", site.CardLabel(m))
	return nil
}

func (s *pages) removeCard(w http.ResponseWriter, r *http.Request, u users.User) error {
	ctx, account, id := r.Context(), r.PathValue("account"), r.PathValue("pm")
	label := ""
	if list, err := s.Billing.PaymentMethods(ctx, u, account); err == nil {
		for _, m := range list {
			if m.ID == id {
				label = site.CardLabel(m)
			}
		}
	}
	if err := s.Billing.RemovePaymentMethod(ctx, u, account, id); err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.showBilling(w, r, u, f, status) })
	}
	s.Done(w, r, billingPath(account), "flash.card_removed", "card", label)
	return nil
}

func (s *pages) saveBillingInfo(w http.ResponseWriter, r *http.Request, u users.User) error {
	account := r.PathValue("account")
	_, err := s.Billing.SetBillingInfo(r.Context(), u, account, billing.BillingInfo{
		Company: r.PostFormValue("company"), Address: r.PostFormValue("address"), Country: r.PostFormValue("country"),
		VATID: r.PostFormValue("vat_id"), Email: r.PostFormValue("email"),
	})
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error {
			site.AlertUnless(f, billingInfoFields...)
			return s.showBilling(w, r, u, f, status)
		})
	}
	s.Done(w, r, billingPath(account), "flash.billing_info_saved")
	return nil
}

type invoicesData struct {
	Invoices    []billing.Invoice
	NextCursor  string
	CreditNotes []billing.Invoice // the newest page: one per refund
	MoreCredit  bool              // more than that page: the CSV has them all
}

func (s *pages) invoicesPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	a, p, err := s.AccountPage(r, u, page.DefaultLimit)
	if err != nil {
		return err
	}
	list, err := s.Billing.Invoices(r.Context(), u, a.ID, p)
	if err != nil {
		return err
	}
	credit, err := s.Billing.CreditNotes(r.Context(), u, a.ID, page.Request{Limit: page.DefaultLimit})
	if err != nil {
		return err
	}
	s.Render(w, r, http.StatusOK, "invoices", &site.View{Nav: "accounts", Title: i18n.T(httpx.Lang(r), "invoices.title"), Account: &a, Tab: "billing",
		Data: invoicesData{Invoices: list.Items, NextCursor: list.NextCursor, CreditNotes: credit.Items, MoreCredit: credit.NextCursor != ""}})
	return nil
}

// invoicePage shows one invoice as a document, under its account's tabs.
func (s *pages) invoicePage(w http.ResponseWriter, r *http.Request, u users.User) error {
	inv, err := s.Billing.Invoice(r.Context(), u, r.PathValue("invoice"))
	return s.documentPage(w, r, u, inv, err, "invoicepage.title")
}

// creditNotePage shows one credit note as a document: the invoice page's,
// worded as a credit.
func (s *pages) creditNotePage(w http.ResponseWriter, r *http.Request, u users.User) error {
	cn, err := s.Billing.CreditNoteByID(r.Context(), u, r.PathValue("note"))
	return s.documentPage(w, r, u, cn, err, "creditnote.title")
}

// documentPage shows a document the domain read (err: why it did not)
// under its account's tabs, titled by title with its number.
func (s *pages) documentPage(w http.ResponseWriter, r *http.Request, u users.User, doc billing.Invoice, err error, title string) error {
	if err != nil {
		return err
	}
	a, err := s.Accounts.Get(r.Context(), u, doc.AccountID)
	if err != nil {
		return err
	}
	s.Render(w, r, http.StatusOK, "invoice", &site.View{Nav: "accounts", Title: i18n.T(httpx.Lang(r), title, "number", doc.Number),
		Account: &a, Tab: "billing", Data: doc})
	return nil
}

type rewardsData struct {
	Rewards  billing.Rewards
	Levels   []rewardLevel
	Deposits []rewardLevel // the deposit reward tiers: From and RateBP
}

// rewardLevel is one row of the program's table, from the domain's
// configuration so the page never disagrees with what is credited.
type rewardLevel struct {
	Level   string
	From    money.Money
	RateBP  int
	Current bool
}

func (s *pages) rewardsPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	a, err := s.Account(r, u)
	if err != nil {
		return err
	}
	rw, err := s.Billing.Rewards(r.Context(), u, a.ID)
	if err != nil {
		return err
	}
	c, cur := s.Billing.Config, a.Currency
	d := rewardsData{Rewards: rw}
	for _, l := range []struct {
		name string
		from int64
	}{{"silver", 0}, {"gold", c.GoldFrom}, {"platinum", c.PlatinumFrom}} {
		d.Levels = append(d.Levels, rewardLevel{Level: l.name, From: money.New(l.from, cur), RateBP: int(s.Billing.RateBP(l.name)), Current: l.name == rw.Level})
	}
	d.Deposits = []rewardLevel{
		{From: money.New(c.DepositRewardFrom, cur), RateBP: int(c.DepositRewardBP)},
		{From: money.New(c.DepositRewardHighFrom, cur), RateBP: int(c.DepositRewardHighBP)},
	}
	s.Render(w, r, http.StatusOK, "rewards", &site.View{Nav: "accounts", Title: i18n.T(httpx.Lang(r), "rewards.title"), Account: &a, Tab: "rewards", Data: d})
	return nil
}
