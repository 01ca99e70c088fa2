package catalog

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"atelier/internal/accounts"
	"atelier/internal/billing"
	"atelier/internal/catalog"
	"atelier/internal/errs"
	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/money"
	"atelier/internal/orders"
	"atelier/internal/page"
	"atelier/internal/projects"
	"atelier/internal/users"
	"atelier/internal/web/site"
)

// searchPageSize fills a grid of 2, 3 or 4 columns evenly.
const searchPageSize = 24

// searchFields are the inputs of the search form; a refusal about any
// other parameter (a stale cursor) is shown as an alert.
var searchFields = []string{"q", "category", "min_price", "max_price", "max_delivery_days", "pro", "min_rating", "sort"}

// minRatings are the choices of the "rating at least" filter.
var minRatings = []string{"4.5", "4", "3"}

type searchData struct {
	Results    catalog.Results
	Count      string
	NextURL    string
	Categories []string
	Sorts      []string
	MinRatings []string
	Recent     []catalog.Freelancer
	// Filtered is true when any filter narrows the search, so the empty
	// state can suggest removing them.
	Filtered bool
}

// searchPage is the catalog: the search form, the results and the
// visitor's recently viewed profiles. It is public.
func (s *pages) searchPage(w http.ResponseWriter, r *http.Request, _ users.User) error {
	in := r.URL.Query()
	q, err := searchQuery(in, httpx.Lang(r))
	var res catalog.Results
	if err == nil {
		res, err = s.Catalog.Search(r.Context(), q)
	}
	if err != nil {
		return site.ShowAgain(searchError(err), func(f *site.Form, status int) error {
			f.Values = in
			site.AlertUnless(f, searchFields...)
			return s.showSearch(w, r, f, status, catalog.Results{Items: []catalog.Listing{}}, in)
		})
	}
	return s.showSearch(w, r, &site.Form{Values: in, Errors: map[string]string{}}, http.StatusOK, res, in)
}

func (s *pages) showSearch(w http.ResponseWriter, r *http.Request, f *site.Form, status int, res catalog.Results, in url.Values) error {
	lang := httpx.Lang(r)
	d := searchData{Results: res, Categories: catalog.Categories, Sorts: catalog.Sorts, MinRatings: minRatings}
	for _, k := range searchFields[1:] {
		if k != "sort" && in.Get(k) != "" {
			d.Filtered = true
		}
	}
	if len(f.Errors) == 0 && f.Alert == "" {
		key := "search.count_other"
		if res.Total == 1 {
			key = "search.count_one"
		}
		d.Count = i18n.T(lang, key, "count", site.FormatInt(lang, int64(res.Total)))
	}
	if res.NextCursor != "" {
		next := url.Values{}
		for k, v := range in {
			next[k] = v
		}
		next.Set("cursor", res.NextCursor)
		d.NextURL = "/services?" + next.Encode()
	}
	if u, ok := httpx.User(r); ok {
		recent, err := s.Catalog.RecentlyViewed(r.Context(), u, site.RecentShown)
		if err != nil {
			return err
		}
		d.Recent = recent
	}
	title := i18n.T(lang, "search.title")
	if q := strings.TrimSpace(in.Get("q")); q != "" && len(f.Errors) == 0 {
		title = i18n.T(lang, "search.title_for", "q", q)
	}
	s.Render(w, r, status, "services", &site.View{Nav: "services", Title: title, Form: f, Data: d})
	return nil
}

// searchQuery turns the search form into the catalog's query parameters:
// prices are typed in currency units ("50", "49.99") and the catalog
// counts minor units.
func searchQuery(in url.Values, lang string) (catalog.Search, error) {
	v := url.Values{"limit": {strconv.Itoa(searchPageSize)}}
	for _, k := range []string{"q", "category", "max_delivery_days", "pro", "min_rating", "sort", "cursor"} {
		if x := strings.TrimSpace(in.Get(k)); x != "" {
			v.Set(k, x)
		}
	}
	for _, k := range []string{"min_price", "max_price"} {
		m, err := site.ParseAmount(k, in.Get(k), "", lang)
		if err != nil {
			return catalog.Search{}, err
		}
		if m != nil {
			v.Set(k, strconv.FormatInt(m.Amount, 10))
		}
	}
	return catalog.ParseSearch(v)
}

// searchError words the catalog's price-filter refusal for people who
// type amounts, not the API's cents.
func searchError(err error) error {
	if e, ok := errs.As(err); ok && e.Code == "price_filter_invalid" {
		return errs.Invalid(e.Field, "price_filter_decimal")
	}
	return err
}

type serviceData struct {
	Service  catalog.Listing
	Seller   catalog.Freelancer
	Selected int // the chosen package, from 1
	Quantity int
	Total    money.Money // quantity × the package's price
	// Quote is the price breakdown of the chosen package and quantity:
	// the buyer's fees and what the order will cost.
	Quote  billing.Quote
	Quoted bool // false when the package or quantity is not valid
	// Tax is how an order would be taxed for the chosen account (the
	// first when none is chosen), VAT its VAT on the quote's total.
	Tax     billing.Tax
	VAT     money.Money
	WithVAT money.Money
	Reviews []catalog.Review
	Mine    bool
	// Accounts are the business accounts the viewer may buy for; the
	// order form shows when there is one and the service is active.
	Accounts []accounts.Account
	// Approvals tells, per account where the viewer's orders may wait,
	// the amount above which they do (the domain decides each order).
	Approvals []approvalNote
	// Projects are the projects an order may join (chosen at checkout).
	Projects []projects.Project
}

// buyingAccounts fills the accounts the viewer may buy for, and where
// their orders may wait for approval.
func (s *pages) buyingAccounts(r *http.Request, u users.User, d *serviceData) error {
	list, err := s.Accounts.ForUser(r.Context(), u)
	if err != nil {
		return err
	}
	for _, a := range list {
		if !a.Role.Can(accounts.Buy) {
			continue
		}
		d.Accounts = append(d.Accounts, a)
		if a.Role.Can(accounts.ApproveOrders) {
			continue // the admin's own orders never wait
		}
		p, err := s.Accounts.Policies(r.Context(), u, a.ID)
		if err != nil {
			return err
		}
		if p.OrderApprovalThreshold != nil {
			d.Approvals = append(d.Approvals, approvalNote{Account: a.Name, Threshold: *p.OrderApprovalThreshold})
		}
	}
	return nil
}

// quoteVAT adds to the quote the VAT an order would bear for the chosen
// account (the first when none is chosen), as billing decides it.
func (s *pages) quoteVAT(r *http.Request, d *serviceData, chosen string) error {
	buyer := d.Accounts[0].ID
	for _, a := range d.Accounts {
		if a.ID == chosen {
			buyer = a.ID
		}
	}
	tax, err := s.Billing.TaxFor(r.Context(), s.DB, buyer)
	if err != nil {
		return err
	}
	d.Tax, d.VAT = tax, tax.On(d.Quote.Total)
	d.WithVAT = money.New(d.Quote.Total.Amount+d.VAT.Amount, d.VAT.Currency)
	return nil
}

type approvalNote struct {
	Account   string
	Threshold money.Money
}

// CanOrder reports whether the order form is shown.
func (d serviceData) CanOrder() bool {
	return len(d.Accounts) > 0 && d.Service.Status == "active" && !d.Mine && len(d.Service.Packages) > 0
}

// Package returns the chosen package.
func (d serviceData) Package() catalog.Package { return d.Service.Packages[d.Selected-1] }

// servicePage shows a service, its packages and reviews, with the total
// for a package and quantity (?package=2&quantity=3): the page works as a
// calculator without JavaScript. A signed-in buyer also gets the order
// form, with the price breakdown of what they chose.
func (s *pages) servicePage(w http.ResponseWriter, r *http.Request, _ users.User) error {
	in := r.URL.Query()
	f := &site.Form{Values: in, Errors: map[string]string{}}
	return s.showService(w, r, f, in, http.StatusOK)
}

// showService renders the service page with the form f; in holds the
// package and quantity chosen (the query, or the posted order form).
func (s *pages) showService(w http.ResponseWriter, r *http.Request, f *site.Form, in url.Values, status int) error {
	ctx := r.Context()
	l, err := s.Catalog.Listing(ctx, r.PathValue("service"))
	if err != nil {
		return err
	}
	seller, err := s.Catalog.Freelancer(ctx, nil, l.FreelancerID)
	if err != nil {
		return err
	}
	reviews, err := s.Catalog.Reviews(ctx, l.ID, "", page.Request{Limit: 20})
	if err != nil {
		return err
	}
	d := serviceData{Service: l, Seller: seller, Selected: 1, Quantity: 1, Reviews: reviews.Items}
	u, signedIn := httpx.User(r)
	if signedIn && u.ID == seller.OwnerID {
		d.Mine = true
	}
	if signedIn && !d.Mine {
		if err := s.buyingAccounts(r, u, &d); err != nil {
			return err
		}
	}
	if signedIn && !d.Mine && len(d.Accounts) > 0 && s.Projects != nil {
		if d.Projects, err = s.AttachableProjects(r, u); err != nil {
			return err
		}
	}
	err = choose(&d, in)
	if len(l.Packages) > 0 {
		d.Total = d.Package().Total(d.Quantity)
		d.Quote, d.Quoted = s.Billing.Quote(d.Total), err == nil
		if d.Quoted && len(d.Accounts) > 0 {
			if terr := s.quoteVAT(r, &d, in.Get("account_id")); terr != nil {
				return terr
			}
		}
	}
	if d.CanOrder() {
		values := url.Values{}
		for k, v := range f.Values {
			values[k] = v
		}
		if values.Get("account_id") == "" {
			values.Set("account_id", d.Accounts[0].ID)
		}
		values.Set("idempotency_key", site.NewFormKey())
		f.Values = values
	}
	v := &site.View{Nav: "services", Title: l.Title, Form: f, Data: d}
	if err != nil && status < 400 {
		return site.ShowAgain(err, func(f *site.Form, status int) error {
			f.Values = v.Form.Values
			v.Form = f
			s.Render(w, r, status, "service", v)
			return nil
		})
	}
	s.Render(w, r, status, "service", v)
	return nil
}

// choose reads the package and quantity of the calculator form.
func choose(d *serviceData, in url.Values) error {
	ref, quantity := strings.TrimSpace(in.Get("package")), d.Quantity
	if raw := strings.TrimSpace(in.Get("quantity")); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			return errs.Invalid("quantity", "quantity_invalid").With("max", d.Service.MaxQuantity)
		}
		quantity = n
	}
	if ref == "" {
		ref = strconv.Itoa(max(d.Selected, 1))
	}
	_, idx, err := d.Service.Choose(ref, quantity)
	if err != nil {
		return err
	}
	d.Selected, d.Quantity = idx+1, quantity
	return nil
}

type freelancerData struct {
	Freelancer catalog.Freelancer
	Services   []catalog.Listing
	Reviews    []catalog.Review
	Mine       bool
}

// freelancerPage is a public profile; a signed-in visitor's view is
// remembered in their recently viewed list (by the domain).
func (s *pages) freelancerPage(w http.ResponseWriter, r *http.Request, _ users.User) error {
	ctx := r.Context()
	var viewer *users.User
	if u, ok := httpx.User(r); ok {
		viewer = &u
	}
	f, err := s.Catalog.Freelancer(ctx, viewer, r.PathValue("freelancer"))
	if err != nil {
		return err
	}
	// The public profile shows active services only, even to its owner,
	// who manages paused ones on the seller dashboard.
	services, err := s.Catalog.FreelancerServices(ctx, nil, f.ID, page.Request{Limit: page.MaxLimit})
	if err != nil {
		return err
	}
	reviews, err := s.Catalog.Reviews(ctx, "", f.ID, page.Request{Limit: 20})
	if err != nil {
		return err
	}
	d := freelancerData{Freelancer: f, Services: services.Items, Reviews: reviews.Items, Mine: viewer != nil && viewer.ID == f.OwnerID}
	s.Render(w, r, http.StatusOK, "freelancer", &site.View{Nav: "services", Title: f.DisplayName, Data: d})
	return nil
}

// orderFields are the inputs of the order form on the service page; a
// refusal about anything else (no card, a declined card) is an alert.
var orderFields = []string{"account_id", "package", "quantity", "requirements", "project_id"}

// placeOrder posts the service page's order form: the domain decides the
// price, the approval and the payment; the order page shows the result.
// The form's key makes a double post place one order.
func (s *pages) placeOrder(w http.ResponseWriter, r *http.Request, u users.User) error {
	r.ParseForm()
	redo := func(f *site.Form, status int) error {
		site.AlertUnless(f, orderFields...)
		return s.showService(w, r, f, r.PostForm, status)
	}
	ctx := r.Context()
	l, err := s.Catalog.Listing(ctx, r.PathValue("service"))
	if err != nil {
		return err
	}
	in := orders.NewOrder{AccountID: r.PostFormValue("account_id"), ServiceID: l.ID, Package: r.PostFormValue("package"),
		Requirements: r.PostFormValue("requirements"), ProjectID: r.PostFormValue("project_id")}
	if in.Quantity, err = site.Quantity(r.PostFormValue("quantity"), l); err != nil {
		return site.ShowAgain(err, redo)
	}
	key := r.PostFormValue("idempotency_key")
	o, repeat, err := site.OnceValue(s.Site, r, u, key, func() (orders.Order, error) {
		return s.Orders.Place(ctx, u, in, key)
	})
	switch {
	case err != nil:
		return site.ShowAgain(err, redo)
	case repeat:
		s.Done(w, r, "/orders", "flash.order_repeated")
	case o.Status == orders.PendingApproval:
		s.Done(w, r, "/orders/"+o.ID, "flash.order_waits")
	default:
		s.Done(w, r, "/orders/"+o.ID, "flash.order_placed")
	}
	return nil
}
