package orders

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"atelier/internal/accounts"
	"atelier/internal/catalog"
	"atelier/internal/errs"
	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/money"
	"atelier/internal/orders"
	"atelier/internal/orders/offers"
	"atelier/internal/page"
	"atelier/internal/projects"
	"atelier/internal/users"
	"atelier/internal/web/site"
)

// Custom offers on the web (PRODUCT.md §6): a freelancer writes an offer
// — a fixed price or milestones — to a business account, from an order's
// page (to that order's account) or from the seller dashboard (to an
// account it has had orders with, or to an account id the client gave);
// every member of the account sees it on the account's Offers tab and
// answers it on the offer's page. The domain (orders) decides everything;
// these handlers read forms and show what it answered.

// Rows of the milestone editor: it starts with offerRowsStart rows, and
// "Add a milestone" (a submit button, so it needs no JavaScript) shows one
// more, up to the domain's maximum. Rows left blank are ignored, which is
// how a row is removed.
const offerRowsStart = 3

// offerFields are the offer form's inputs besides the milestone rows; a
// refusal about anything else is an alert.
var offerFields = []string{"account_id", "kind", "title", "description", "price", "delivery_days", "revisions", "milestones",
	"hourly_rate", "weekly_limit_hours"}

// milestoneField matches a field of a milestone row or of the domain's
// list: "milestones.2.amount".
var milestoneField = regexp.MustCompile(`^milestones\.(\d+)\.(title|amount|delivery_days)$`)

func offerPath(id string) string { return "/offers/" + id }

// clientChoice is a business account a freelancer may address an offer
// to: one it has had orders with, named by the people who ordered (the
// account's own name is private to its members).
type clientChoice struct {
	ID    string
	Label string
}

// clientsOf lists the accounts a freelancer has had orders with, by the
// names of their buyers, most recent first.
func (s *pages) clientsOf(ctx context.Context, u users.User, fr catalog.Freelancer) ([]clientChoice, error) {
	p, err := s.Orders.FreelancerOrders(ctx, u, fr.ID, orders.Filter{}, page.Request{Limit: page.MaxLimit})
	if err != nil {
		return nil, err
	}
	var list []clientChoice
	names := map[string][]string{}
	for _, o := range p.Items {
		if _, seen := names[o.AccountID]; !seen {
			list = append(list, clientChoice{ID: o.AccountID})
		}
		known := false
		for _, n := range names[o.AccountID] {
			known = known || n == o.BuyerName
		}
		if !known {
			names[o.AccountID] = append(names[o.AccountID], o.BuyerName)
		}
	}
	for i := range list {
		n := names[list[i].ID]
		sort.Strings(n)
		list[i].Label = strings.Join(n, ", ")
	}
	return list, nil
}

func labelsOf(list []clientChoice) map[string]string {
	m := make(map[string]string, len(list))
	for _, c := range list {
		m[c.ID] = c.Label
	}
	return m
}

// offerFormData is the offer form: the sender, where it goes (the order it
// was started from, or a choice of accounts) and the milestone rows.
type offerFormData struct {
	Freelancer catalog.Freelancer
	Order      *orders.Order
	Clients    []clientChoice
	Rows       []int
	MaxRows    int
}

// Currency is the offer's: the freelancer's.
func (d offerFormData) Currency() string { return d.Freelancer.HourlyRate.Currency }

// CanAddRow tells whether the editor may show one more milestone row.
func (d offerFormData) CanAddRow() bool { return len(d.Rows) < d.MaxRows }

func (s *pages) newOfferPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	fr, ok, err := s.MyProfile(w, r, u)
	if !ok {
		return err
	}
	q := r.URL.Query()
	f := &site.Form{Values: url.Values{"kind": {string(orders.KindMilestones)}, "revisions": {"1"}, "order": {q.Get("order")},
		"account_id": {q.Get("account")}, "idempotency_key": {site.NewFormKey()}}, Errors: map[string]string{}}
	return s.showOfferForm(w, r, u, fr, f, http.StatusOK)
}

// showOfferForm renders the offer form with f, the values to show.
func (s *pages) showOfferForm(w http.ResponseWriter, r *http.Request, u users.User, fr catalog.Freelancer, f *site.Form, status int) error {
	ctx := r.Context()
	d := offerFormData{Freelancer: fr, MaxRows: offers.MaxMilestones}
	if id := f.Values.Get("order"); id != "" {
		o, err := s.Orders.Get(ctx, u, id)
		if err != nil {
			return err
		}
		if o.Side != orders.FreelancerSide {
			return errs.Forbidden("wrong_side").With("side", orders.FreelancerSide)
		}
		d.Order = &o
	} else {
		list, err := s.clientsOf(ctx, u, fr)
		if err != nil {
			return err
		}
		d.Clients = list
	}
	n, _ := strconv.Atoi(f.Values.Get("rows"))
	n = min(max(n, offerRowsStart), offers.MaxMilestones)
	for i := range n {
		d.Rows = append(d.Rows, i)
	}
	f.Values.Set("rows", strconv.Itoa(n))
	s.Render(w, r, status, "offer_form", &site.View{Nav: "sell", Title: i18n.T(httpx.Lang(r), "offer_form.title"), Form: f, Data: d})
	return nil
}

// offerInput reads the offer form. Milestone rows left blank are skipped,
// so rows[i] is the form row of the offer's milestone i, for putting an
// error about "milestones.i" on the row the person typed it in.
func offerInput(r *http.Request, fr catalog.Freelancer, accountID string) (offers.NewOffer, []int, error) {
	cur := fr.HourlyRate.Currency
	in := offers.NewOffer{AccountID: accountID, FreelancerID: fr.ID, Kind: orders.Kind(r.PostFormValue("kind")),
		Title: r.PostFormValue("title"), Description: r.PostFormValue("description")}
	var err error
	if in.Kind != orders.KindHourly { // an hourly contract has no revisions
		if in.Revisions, err = site.WholeNumber("revisions", r.PostFormValue("revisions")); err != nil {
			return in, nil, err
		}
	}
	var rows []int
	switch in.Kind {
	case orders.KindFixed:
		if in.Price, err = site.ParseAmount("price", r.PostFormValue("price"), cur, httpx.Lang(r)); err != nil {
			return in, nil, err
		}
		if in.DeliveryDays, err = site.WholeNumber("delivery_days", r.PostFormValue("delivery_days")); err != nil {
			return in, nil, err
		}
	case orders.KindMilestones:
		n, _ := strconv.Atoi(r.PostFormValue("rows"))
		for i := range min(max(n, offerRowsStart), offers.MaxMilestones) {
			name := func(f string) string { return "milestones." + strconv.Itoa(i) + "." + f }
			title, amount, days := r.PostFormValue(name("title")), r.PostFormValue(name("amount")), r.PostFormValue(name("delivery_days"))
			if strings.TrimSpace(title+amount+days) == "" {
				continue
			}
			m := offers.OfferMilestone{Title: title, Amount: money.New(0, cur)}
			a, err := site.ParseAmount(name("amount"), amount, cur, httpx.Lang(r))
			if err != nil {
				return in, rows, err
			}
			if a != nil {
				m.Amount = *a
			}
			if m.DeliveryDays, err = site.WholeNumber(name("delivery_days"), days); err != nil {
				return in, rows, err
			}
			in.Milestones = append(in.Milestones, m)
			rows = append(rows, i)
		}
	case orders.KindHourly:
		// Pro freelancers only: the domain refuses the others.
		if in.HourlyRate, err = site.ParseAmount("hourly_rate", r.PostFormValue("hourly_rate"), cur, httpx.Lang(r)); err != nil {
			return in, nil, err
		}
		if in.WeeklyLimitHours, err = site.WholeNumber("weekly_limit_hours", r.PostFormValue("weekly_limit_hours")); err != nil {
			return in, nil, err
		}
		in.Revisions = 0
	}
	return in, rows, nil
}

// offerFormError puts a refusal about the offer's milestone i on the form
// row it came from; one about no field of the form becomes an alert.
func offerFormError(f *site.Form, rows []int) {
	fields := site.RowErrors(f, rows, milestoneField, func(row int, field string) string {
		return "milestones." + strconv.Itoa(row) + "." + field
	})
	site.AlertUnless(f, append(fields, offerFields...)...)
}

// createOffer posts the offer form. "Add a milestone" shows the form again
// with one more row and sends nothing; otherwise the domain checks the
// offer and it goes out, once per form.
func (s *pages) createOffer(w http.ResponseWriter, r *http.Request, u users.User) error {
	r.ParseForm()
	fr, ok, err := s.MyProfile(w, r, u)
	if !ok {
		return err
	}
	if r.PostFormValue("add_row") != "" {
		f := site.PostedForm(r)
		n, _ := strconv.Atoi(f.Values.Get("rows"))
		f.Values.Set("rows", strconv.Itoa(max(n, offerRowsStart)+1))
		return s.showOfferForm(w, r, u, fr, f, http.StatusOK)
	}
	ctx := r.Context()
	accountID := strings.TrimSpace(r.PostFormValue("other_account_id"))
	if accountID == "" {
		accountID = r.PostFormValue("account_id")
	}
	if orderID := r.PostFormValue("order"); orderID != "" {
		o, err := s.Orders.Get(ctx, u, orderID)
		if err != nil {
			return err
		}
		accountID = o.AccountID
	}
	var rows []int
	redo := func(f *site.Form, status int) error {
		offerFormError(f, rows)
		return s.showOfferForm(w, r, u, fr, f, status)
	}
	in, rows, err := offerInput(r, fr, accountID)
	if err != nil {
		return site.ShowAgain(err, redo)
	}
	of, repeat, err := site.OnceValue(s.Site, r, u, r.PostFormValue("idempotency_key"), func() (offers.Offer, error) {
		return s.Offers.CreateOffer(ctx, u, in)
	})
	switch {
	case err != nil:
		return site.ShowAgain(err, redo)
	case repeat:
		s.Done(w, r, "/sell/offers", "flash.offer_repeated")
	default:
		s.Done(w, r, offerPath(of.ID), "flash.offer_sent")
	}
	return nil
}

// offerData is the offer page, as the viewer's side sees it.
type offerData struct {
	Offer   offers.Offer
	Account *accounts.Account // the client's side: the account it is addressed to
	Client  string            // the freelancer's side: who the account's buyers are
	Key     string            // the accept form's key
	// Projects of the offer's account the order may join.
	Projects []projects.Project
}

// IsClient and IsFreelancer tell the viewer's side.
func (d offerData) IsClient() bool     { return d.Offer.Side == orders.ClientSide }
func (d offerData) IsFreelancer() bool { return d.Offer.Side == orders.FreelancerSide }

// Pending tells whether the offer can still be answered or withdrawn.
func (d offerData) Pending() bool { return d.Offer.Status == offers.OfferPending }

// CanAccept: a member of the account who may buy, while it is pending.
func (d offerData) CanAccept() bool {
	return d.IsClient() && d.Pending() && d.Account != nil && d.Account.Role.Can(accounts.Buy)
}

// Milestones tells whether the offer runs in milestones.
func (d offerData) Milestones() bool { return d.Offer.Kind == orders.KindMilestones }

// Hourly tells whether the offer is an hourly contract.
func (d offerData) Hourly() bool {
	return d.Offer.Kind == orders.KindHourly && d.Offer.HourlyRate != nil
}

func (s *pages) showOffer(w http.ResponseWriter, r *http.Request, u users.User, f *site.Form, status int) error {
	ctx := r.Context()
	of, err := s.Offers.GetOffer(ctx, u, r.PathValue("offer"))
	if err != nil {
		return err
	}
	d := offerData{Offer: of, Key: site.NewFormKey()}
	if d.IsClient() {
		a, err := s.Accounts.Get(ctx, u, of.AccountID)
		if err != nil {
			return err
		}
		d.Account = &a
		if s.Projects != nil {
			all, err := s.AttachableProjects(r, u)
			if err != nil {
				return err
			}
			for _, p := range all {
				if p.AccountID == of.AccountID {
					d.Projects = append(d.Projects, p)
				}
			}
		}
	} else if fr, ok, err := s.Catalog.FreelancerOf(ctx, u.ID); err != nil {
		return err
	} else if ok {
		list, err := s.clientsOf(ctx, u, fr)
		if err != nil {
			return err
		}
		d.Client = labelsOf(list)[of.AccountID]
	}
	nav := "sell"
	if d.IsClient() {
		nav = "accounts"
	}
	s.Render(w, r, status, "offer", &site.View{Nav: nav, Title: of.Title, Form: f, Data: d})
	return nil
}

// offerAction runs a post of the offer page: success goes back to the
// page with the flash, a refusal shows it again with the message.
func (s *pages) offerAction(w http.ResponseWriter, r *http.Request, u users.User, flash string, act func() error) error {
	return s.Post(w, r, u, s.showOffer, offerPath(r.PathValue("offer")), flash, act)
}

// acceptOffer places the offer's order, once per form: like any order it
// may wait for the admin's approval, which the flash says.
func (s *pages) acceptOffer(w http.ResponseWriter, r *http.Request, u users.User) error {
	r.ParseForm()
	key := r.PostFormValue("idempotency_key")
	o, repeat, err := site.OnceValue(s.Site, r, u, key, func() (orders.Order, error) {
		return s.Offers.AcceptOffer(r.Context(), u, r.PathValue("offer"), r.PostFormValue("project_id"), key)
	})
	switch {
	case err != nil:
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.showOffer(w, r, u, f, status) })
	case repeat:
		s.Done(w, r, offerPath(r.PathValue("offer")), "flash.offer_accept_repeated")
	case o.Status == orders.PendingApproval:
		s.Done(w, r, orderPath(o.ID), "flash.offer_accepted_waits")
	case o.Kind == orders.KindMilestones:
		s.Done(w, r, orderPath(o.ID), "flash.offer_accepted_milestones")
	case o.Kind == orders.KindHourly:
		s.Done(w, r, orderPath(o.ID), "flash.offer_accepted_hourly")
	default:
		s.Done(w, r, orderPath(o.ID), "flash.offer_accepted")
	}
	return nil
}

func (s *pages) declineOffer(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.offerAction(w, r, u, "flash.offer_declined", func() error {
		_, err := s.Offers.DeclineOffer(r.Context(), u, r.PathValue("offer"))
		return err
	})
}

func (s *pages) withdrawOffer(w http.ResponseWriter, r *http.Request, u users.User) error {
	if r.PostFormValue("from") == "list" {
		_, err := s.Offers.WithdrawOffer(r.Context(), u, r.PathValue("offer"))
		if err != nil {
			return err
		}
		s.Done(w, r, "/sell/offers", "flash.offer_withdrawn")
		return nil
	}
	return s.offerAction(w, r, u, "flash.offer_withdrawn", func() error {
		_, err := s.Offers.WithdrawOffer(r.Context(), u, r.PathValue("offer"))
		return err
	})
}

// offerTabs are the status filters of the offer lists; "all" is no filter.
var offerTabs = []string{"all", string(offers.OfferPending), string(offers.OfferAccepted), string(offers.OfferDeclined), string(offers.OfferExpired), string(offers.OfferWithdrawn)}

type offersData struct {
	Status  string
	Tabs    []string
	Base    string // the list's path, for the tabs
	Offers  page.Page[offers.Offer]
	Clients map[string]string // the freelancer's list: who each account's buyers are
	// Freelancer is set on the freelancer's list.
	Freelancer *catalog.Freelancer
}

func offerFilter(r *http.Request) (string, offers.OfferFilter) {
	status := r.URL.Query().Get("status")
	if status == "" {
		status = "all"
	}
	if status == "all" {
		return status, offers.OfferFilter{}
	}
	return status, offers.OfferFilter{Status: status}
}

// accountOffersPage lists the offers made to an account, for every member.
func (s *pages) accountOffersPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	a, p, err := s.AccountPage(r, u, 50)
	if err != nil {
		return err
	}
	status, filter := offerFilter(r)
	list, err := s.Offers.AccountOffers(r.Context(), u, a.ID, filter, p)
	if err != nil {
		return err
	}
	s.Render(w, r, http.StatusOK, "offers", &site.View{Nav: "accounts", Title: i18n.T(httpx.Lang(r), "offers.title"), Account: &a, Tab: "offers",
		Data: offersData{Status: status, Tabs: offerTabs, Base: "/accounts/" + a.ID + "/offers", Offers: list}})
	return nil
}

// sellOffersPage lists the offers the freelancer sent.
func (s *pages) sellOffersPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	ctx := r.Context()
	fr, ok, err := s.MyProfile(w, r, u)
	if !ok {
		return err
	}
	p, err := site.Cursor(r, 50)
	if err != nil {
		return err
	}
	status, filter := offerFilter(r)
	list, err := s.Offers.FreelancerOffers(ctx, u, fr.ID, filter, p)
	if err != nil {
		return err
	}
	clients, err := s.clientsOf(ctx, u, fr)
	if err != nil {
		return err
	}
	s.Render(w, r, http.StatusOK, "offers", &site.View{Nav: "sell", Title: i18n.T(httpx.Lang(r), "offers.sent_title"),
		Data: offersData{Status: status, Tabs: offerTabs, Base: "/sell/offers", Offers: list, Clients: labelsOf(clients), Freelancer: &fr}})
	return nil
}
