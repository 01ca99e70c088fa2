package catalog

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"atelier/internal/billing"
	"atelier/internal/catalog"
	"atelier/internal/errs"
	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/money"
	"atelier/internal/page"
	"atelier/internal/users"
	"atelier/internal/web/site"
)

// sellerCurrencies are the currencies a seller prices in.
var sellerCurrencies = []string{"USD", "EUR"}

// packageRows is how many package rows the service form shows: the
// catalog's maximum.
const packageRows = 3

// profileFields are the inputs of the profile form.
var profileFields = []string{"display_name", "headline", "bio", "skills", "languages", "country", "hourly_rate", "currency", "agency"}

type sellData struct {
	Freelancer  catalog.Freelancer
	Application *catalog.ProApplication
	Services    []catalog.Listing
	Currencies  []string
	Earnings    billing.Earnings
	// Clearance periods of earnings, in days: Pro freelancers, others.
	ClearancePro, ClearanceOther int
}

// sellPage is the seller's home: the form to open a seller profile, or
// the dashboard of the profile the user has.
func (s *pages) sellPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	f, ok, err := s.Catalog.FreelancerOf(r.Context(), u.ID)
	if err != nil {
		return err
	}
	if !ok {
		return s.showSellStart(w, r, nil, http.StatusOK)
	}
	return s.showSell(w, r, u, f, nil, http.StatusOK)
}

func (s *pages) showSellStart(w http.ResponseWriter, r *http.Request, f *site.Form, status int) error {
	if f == nil {
		f = &site.Form{Values: url.Values{"currency": {money.DefaultCurrency}}, Errors: map[string]string{}}
	}
	s.Render(w, r, status, "sell_start", &site.View{Nav: "sell", Title: i18n.T(httpx.Lang(r), "sell.start.title"), Form: f,
		Data: sellData{Currencies: sellerCurrencies}})
	return nil
}

func (s *pages) showSell(w http.ResponseWriter, r *http.Request, u users.User, fr catalog.Freelancer, f *site.Form, status int) error {
	ctx := r.Context()
	app, ok, err := s.Catalog.LatestApplication(ctx, fr.ID)
	if err != nil {
		return err
	}
	services, err := s.Catalog.FreelancerServices(ctx, &u, fr.ID, page.Request{Limit: page.MaxLimit})
	if err != nil {
		return err
	}
	earnings, err := s.Billing.Earnings(ctx, u, fr.ID)
	if err != nil {
		return err
	}
	// The profile form shows the saved profile, unless it is the form that
	// was just refused.
	values := profileValues(fr)
	if f == nil {
		f = &site.Form{Values: values, Errors: map[string]string{}}
	} else if !f.Values.Has("display_name") {
		for k, v := range f.Values {
			values[k] = v
		}
		f.Values = values
	}
	// The withdraw form moves money: a fresh key each time it is shown.
	f.Values.Set("idempotency_key", site.NewFormKey())
	d := sellData{Freelancer: fr, Services: services.Items, Currencies: sellerCurrencies, Earnings: earnings,
		ClearancePro: int(s.Billing.Config.ClearancePro.Hours() / 24), ClearanceOther: int(s.Billing.Config.ClearanceOther.Hours() / 24)}
	if ok {
		d.Application = &app
	}
	s.Render(w, r, status, "sell", &site.View{Nav: "sell", Title: i18n.T(httpx.Lang(r), "sell.title"), Form: f, Data: d})
	return nil
}

// profileValues writes a profile the way its form reads it.
func profileValues(f catalog.Freelancer) url.Values {
	v := url.Values{
		"display_name": {f.DisplayName}, "headline": {f.Headline}, "bio": {f.Bio},
		"skills": {strings.Join(f.Skills, ", ")}, "languages": {strings.Join(f.Languages, ", ")},
		"country": {f.Country}, "hourly_rate": {site.AmountText(&f.HourlyRate)}, "currency": {f.HourlyRate.Currency},
	}
	if f.Agency {
		v.Set("agency", "on")
	}
	return v
}

// profileForm reads the profile form. Skills and languages are typed
// comma-separated; an empty rate is passed on for the catalog to refuse.
func profileForm(r *http.Request) (catalog.Profile, error) {
	p := catalog.Profile{
		DisplayName: r.PostFormValue("display_name"), Headline: r.PostFormValue("headline"), Bio: r.PostFormValue("bio"),
		Skills: splitList(r.PostFormValue("skills")), Languages: splitList(r.PostFormValue("languages")),
		Country: r.PostFormValue("country"), Agency: r.PostFormValue("agency") != "",
	}
	currency := r.PostFormValue("currency")
	rate, err := site.ParseAmount("hourly_rate", r.PostFormValue("hourly_rate"), currency, httpx.Lang(r))
	if err != nil {
		return p, err
	}
	p.HourlyRate = money.Money{Currency: currency}
	if rate != nil {
		p.HourlyRate = *rate
	}
	return p, nil
}

func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' })
}

func (s *pages) createProfile(w http.ResponseWriter, r *http.Request, u users.User) error {
	r.ParseForm()
	p, err := profileForm(r)
	if err == nil {
		_, err = s.Catalog.CreateFreelancer(r.Context(), u, p)
	}
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error {
			site.AlertUnless(f, profileFields...)
			return s.showSellStart(w, r, f, status)
		})
	}
	s.Done(w, r, "/sell", "flash.profile_created")
	return nil
}

func (s *pages) updateProfile(w http.ResponseWriter, r *http.Request, u users.User) error {
	fr, ok, err := s.MyProfile(w, r, u)
	if !ok {
		return err
	}
	r.ParseForm()
	p, err := profileForm(r)
	if err == nil {
		_, err = s.Catalog.UpdateFreelancer(r.Context(), u, fr.ID, p)
	}
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error {
			site.AlertUnless(f, profileFields...)
			return s.showSell(w, r, u, fr, f, status)
		})
	}
	s.Done(w, r, "/sell", "flash.profile_saved")
	return nil
}

func (s *pages) applyForPro(w http.ResponseWriter, r *http.Request, u users.User) error {
	fr, ok, err := s.MyProfile(w, r, u)
	if !ok {
		return err
	}
	if _, err := s.Catalog.ApplyForPro(r.Context(), u, fr.ID, r.PostFormValue("message")); err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.showSell(w, r, u, fr, f, status) })
	}
	s.Done(w, r, "/sell", "flash.pro_applied")
	return nil
}

func (s *pages) addTeamMember(w http.ResponseWriter, r *http.Request, u users.User) error {
	fr, ok, err := s.MyProfile(w, r, u)
	if !ok {
		return err
	}
	email := r.PostFormValue("email")
	if _, err := s.Catalog.AddAgencyMember(r.Context(), u, fr.ID, email, r.PostFormValue("title")); err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.showSell(w, r, u, fr, f, status) })
	}
	s.Done(w, r, "/sell", "flash.team_member_added", "email", strings.TrimSpace(email))
	return nil
}

func (s *pages) removeTeamMember(w http.ResponseWriter, r *http.Request, u users.User) error {
	fr, ok, err := s.MyProfile(w, r, u)
	if !ok {
		return err
	}
	name := ""
	for _, m := range fr.Members {
		if m.UserID == r.PathValue("user") {
			name = m.Name
		}
	}
	if err := s.Catalog.RemoveAgencyMember(r.Context(), u, fr.ID, r.PathValue("user")); err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.showSell(w, r, u, fr, f, status) })
	}
	s.Done(w, r, "/sell", "flash.team_member_removed", "name", name)
	return nil
}

type serviceFormData struct {
	Freelancer catalog.Freelancer
	Service    *catalog.Listing // nil for a new service
	Categories []string
	Rows       []int
}

func (s *pages) newServicePage(w http.ResponseWriter, r *http.Request, u users.User) error {
	fr, ok, err := s.MyProfile(w, r, u)
	if !ok {
		return err
	}
	return s.showServiceForm(w, r, fr, nil, &site.Form{Values: url.Values{"max_quantity": {"1"}}, Errors: map[string]string{}}, http.StatusOK)
}

func (s *pages) showServiceForm(w http.ResponseWriter, r *http.Request, fr catalog.Freelancer, l *catalog.Listing, f *site.Form, status int) error {
	title := i18n.T(httpx.Lang(r), "service_form.new_title")
	if l != nil {
		title = i18n.T(httpx.Lang(r), "service_form.edit_title")
	}
	rows := make([]int, packageRows)
	for i := range rows {
		rows[i] = i
	}
	s.Render(w, r, status, "service_form", &site.View{Nav: "sell", Title: title, Form: f,
		Data: serviceFormData{Freelancer: fr, Service: l, Categories: catalog.Categories, Rows: rows}})
	return nil
}

// serviceFields are the inputs of the service form besides package rows.
var serviceFields = []string{"title", "description", "category", "max_quantity", "pro_only"}

// packageField matches a field of a package row: "packages[1].price".
var packageField = regexp.MustCompile(`^packages\[(\d+)\]\.(name|description|price|delivery_days|revisions)$`)

// offerForm reads the service form. Package rows left empty are skipped,
// so rows[i] is the form row of the offer's package i, for putting an
// error about "packages[i]" on the row the person typed it in.
func offerForm(r *http.Request, fr catalog.Freelancer) (catalog.Offer, []int, error) {
	o := catalog.Offer{
		FreelancerID: fr.ID, Title: r.PostFormValue("title"), Description: r.PostFormValue("description"),
		Category: r.PostFormValue("category"), ProOnly: r.PostFormValue("pro_only") != "",
	}
	var err error
	if o.MaxQuantity, err = site.WholeNumber("max_quantity", r.PostFormValue("max_quantity")); err != nil {
		return o, nil, err
	}
	var rows []int
	for i := range packageRows {
		name := func(f string) string { return fmt.Sprintf("packages[%d].%s", i, f) }
		blank := true
		for _, f := range []string{"name", "description", "price", "delivery_days", "revisions"} {
			if strings.TrimSpace(r.PostFormValue(name(f))) != "" {
				blank = false
			}
		}
		if blank {
			continue
		}
		p := catalog.Package{Name: r.PostFormValue(name("name")), Description: r.PostFormValue(name("description")),
			Price: money.Money{Currency: fr.HourlyRate.Currency}}
		price, err := site.ParseAmount(name("price"), r.PostFormValue(name("price")), fr.HourlyRate.Currency, httpx.Lang(r))
		if err != nil {
			return o, rows, err
		}
		if price != nil {
			p.Price = *price
		}
		if p.DeliveryDays, err = site.WholeNumber(name("delivery_days"), r.PostFormValue(name("delivery_days"))); err != nil {
			return o, rows, err
		}
		if p.Revisions, err = site.WholeNumber(name("revisions"), r.PostFormValue(name("revisions"))); err != nil {
			return o, rows, err
		}
		o.Packages = append(o.Packages, p)
		rows = append(rows, i)
	}
	return o, rows, nil
}

// offerError puts a refusal about the offer's package i on the form row
// it came from; a refusal about no field of the form becomes an alert.
func offerError(f *site.Form, rows []int) {
	fields := site.RowErrors(f, rows, packageField, func(row int, field string) string {
		return fmt.Sprintf("packages[%d].%s", row, field)
	})
	// A refusal of the packages as a whole is shown on the first one.
	if msg, ok := f.Errors["packages"]; ok {
		delete(f.Errors, "packages")
		f.Errors["packages[0].name"] = msg
		fields = append(fields, "packages[0].name")
	}
	site.AlertUnless(f, append(fields, serviceFields...)...)
}

func (s *pages) createService(w http.ResponseWriter, r *http.Request, u users.User) error {
	fr, ok, err := s.MyProfile(w, r, u)
	if !ok {
		return err
	}
	r.ParseForm()
	o, rows, err := offerForm(r, fr)
	var l catalog.Listing
	if err == nil {
		l, err = s.Catalog.CreateService(r.Context(), u, o)
	}
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error {
			offerError(f, rows)
			return s.showServiceForm(w, r, fr, nil, f, status)
		})
	}
	s.Done(w, r, "/services/"+l.ID, "flash.service_created")
	return nil
}

// ownService loads a service of the user's profile for its edit form; the
// catalog refuses changes by anyone else, and the form is not shown to
// them either.
func (s *pages) ownService(w http.ResponseWriter, r *http.Request, u users.User) (catalog.Freelancer, catalog.Listing, bool, error) {
	fr, ok, err := s.MyProfile(w, r, u)
	if !ok {
		return fr, catalog.Listing{}, false, err
	}
	l, err := s.Catalog.Listing(r.Context(), r.PathValue("service"))
	if err == nil && l.FreelancerID != fr.ID {
		err = errs.Forbidden("not_your_service")
	}
	return fr, l, err == nil, err
}

func (s *pages) editServicePage(w http.ResponseWriter, r *http.Request, u users.User) error {
	fr, l, ok, err := s.ownService(w, r, u)
	if !ok {
		return err
	}
	v := url.Values{"title": {l.Title}, "description": {l.Description}, "category": {l.Category},
		"max_quantity": {strconv.Itoa(l.MaxQuantity)}}
	if l.ProOnly {
		v.Set("pro_only", "on")
	}
	for i, p := range l.Packages {
		v.Set(fmt.Sprintf("packages[%d].name", i), p.Name)
		v.Set(fmt.Sprintf("packages[%d].description", i), p.Description)
		v.Set(fmt.Sprintf("packages[%d].price", i), site.AmountText(&p.Price))
		v.Set(fmt.Sprintf("packages[%d].delivery_days", i), strconv.Itoa(p.DeliveryDays))
		v.Set(fmt.Sprintf("packages[%d].revisions", i), strconv.Itoa(p.Revisions))
	}
	return s.showServiceForm(w, r, fr, &l, &site.Form{Values: v, Errors: map[string]string{}}, http.StatusOK)
}

func (s *pages) updateService(w http.ResponseWriter, r *http.Request, u users.User) error {
	fr, l, ok, err := s.ownService(w, r, u)
	if !ok {
		return err
	}
	r.ParseForm()
	o, rows, err := offerForm(r, fr)
	if err == nil {
		_, err = s.Catalog.UpdateService(r.Context(), u, l.ID, o)
	}
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error {
			offerError(f, rows)
			return s.showServiceForm(w, r, fr, &l, f, status)
		})
	}
	s.Done(w, r, "/sell", "flash.service_saved", "title", strings.TrimSpace(o.Title))
	return nil
}

func (s *pages) pauseService(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.setPaused(w, r, u, true)
}

func (s *pages) resumeService(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.setPaused(w, r, u, false)
}

func (s *pages) setPaused(w http.ResponseWriter, r *http.Request, u users.User, paused bool) error {
	l, err := s.Catalog.SetPaused(r.Context(), u, r.PathValue("service"), paused)
	if err != nil {
		return err
	}
	key := "flash.service_resumed"
	if paused {
		key = "flash.service_paused"
	}
	s.Done(w, r, "/sell", key, "title", l.Title)
	return nil
}

// withdraw sends a freelancer's available earnings to their bank, once
// per form.
func (s *pages) withdraw(w http.ResponseWriter, r *http.Request, u users.User) error {
	fr, ok, err := s.MyProfile(w, r, u)
	if !ok {
		return err
	}
	redo := func(f *site.Form, status int) error {
		// "Not enough money" has no field: it is about the amount.
		if f.Alert != "" && len(f.Errors) == 0 {
			f.Errors["amount"], f.Alert = f.Alert, ""
		}
		site.AlertUnless(f, "amount")
		return s.showSell(w, r, u, fr, f, status)
	}
	e, err := s.Billing.Earnings(r.Context(), u, fr.ID)
	if err != nil {
		return err
	}
	amount, err := site.RequiredAmount("amount", r.PostFormValue("amount"), e.Available.Currency, httpx.Lang(r))
	if err != nil {
		return site.ShowAgain(err, redo)
	}
	wd, repeat, err := site.OnceValue(s.Site, r, u, r.PostFormValue("idempotency_key"), func() (billing.Withdrawal, error) {
		return s.Billing.Withdraw(r.Context(), u, fr.ID, amount)
	})
	switch {
	case err != nil:
		return site.ShowAgain(err, redo)
	case repeat:
		s.Done(w, r, "/sell", "flash.withdrawal_repeated")
	default:
		s.Done(w, r, "/sell", "flash.withdrawal_made", "amount", wd.Amount.Format(httpx.Lang(r)))
	}
	return nil
}
