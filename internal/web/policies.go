package web

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"atelier/internal/accounts"
	"atelier/internal/errs"
	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/money"
	"atelier/internal/page"
	"atelier/internal/users"
)

type policiesData struct {
	Policies accounts.Policies
	// Members who can have a limit of their own (everyone but the admin).
	Members []accounts.Membership
}

func (s *Server) showPolicies(w http.ResponseWriter, r *http.Request, u users.User, f *form, status int) error {
	a, err := s.account(r, u)
	if err != nil {
		return err
	}
	p, err := s.Accounts.Policies(r.Context(), u, a.ID)
	if err != nil {
		return err
	}
	all, err := s.allMembers(r, u, a.ID)
	if err != nil {
		return err
	}
	var members []accounts.Membership
	for _, m := range all {
		if m.Role != accounts.Admin {
			members = append(members, m)
		}
	}
	if f == nil {
		// Show the saved policies in the form, typed the way a person
		// types them.
		f = &form{Values: map[string][]string{}, Errors: map[string]string{}}
		if p.InvitationApproval {
			f.Values.Set("invitation_approval", "on")
		}
		f.Values.Set("order_approval_threshold", amountText(p.OrderApprovalThreshold))
		f.Values.Set("member_monthly_limit", amountText(p.MemberMonthlyLimit))
		for user, m := range p.MemberLimits {
			f.Values.Set("member_limits."+user, amountText(&m))
		}
	}
	s.render(w, r, status, "policies", &view{Nav: "accounts", Title: i18n.T(httpx.Lang(r), "policies.title"), Account: &a, Tab: "policies", Form: f,
		Data: policiesData{Policies: p, Members: members}})
	return nil
}

// allMembers reads every page of an account's members: the policies form
// replaces all per-member limits, so it must show all of them.
func (s *Server) allMembers(r *http.Request, u users.User, accountID string) ([]accounts.Membership, error) {
	var all []accounts.Membership
	p := page.Request{Limit: page.MaxLimit}
	for {
		list, err := s.Accounts.Members(r.Context(), u, accountID, p)
		if err != nil {
			return nil, err
		}
		all = append(all, list.Items...)
		if list.NextCursor == "" {
			return all, nil
		}
		p.After = list.Items[len(list.Items)-1].UserID
	}
}

func (s *Server) savePolicies(w http.ResponseWriter, r *http.Request, u users.User) error {
	redo := func(f *form, status int) error { return s.showPolicies(w, r, u, f, status) }
	a, err := s.account(r, u)
	if err != nil {
		return err
	}
	r.ParseForm()
	p, err := policiesForm(r, a.Currency)
	if err == nil {
		_, err = s.Accounts.SetPolicies(r.Context(), u, a.ID, p)
	}
	if err != nil {
		return showAgain(err, redo)
	}
	s.done(w, r, "/accounts/"+a.ID+"/policies", "flash.policies_saved")
	return nil
}

// policiesForm reads the policies form. An empty amount means "none".
func policiesForm(r *http.Request, currency string) (accounts.Policies, error) {
	p := accounts.Policies{InvitationApproval: r.PostFormValue("invitation_approval") != "", MemberLimits: map[string]money.Money{}}
	var err error
	if p.OrderApprovalThreshold, err = parseAmount("order_approval_threshold", r.PostFormValue("order_approval_threshold"), currency, httpx.Lang(r)); err != nil {
		return p, err
	}
	if p.MemberMonthlyLimit, err = parseAmount("member_monthly_limit", r.PostFormValue("member_monthly_limit"), currency, httpx.Lang(r)); err != nil {
		return p, err
	}
	keys := make([]string, 0, len(r.PostForm))
	for k := range r.PostForm {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		user, ok := strings.CutPrefix(k, "member_limits.")
		if !ok {
			continue
		}
		m, err := parseAmount(k, r.PostForm.Get(k), currency, httpx.Lang(r))
		if err != nil {
			return p, err
		}
		if m != nil {
			p.MemberLimits[user] = *m
		}
	}
	return p, nil
}

// parseAmount reads an amount as a person types it on a page in lang,
// into minor units of currency: in English "1,250.50" (a comma groups
// three digits, the point is the decimal point); in French "1 250,50" (a
// space, no-break or narrow no-break space groups; the comma is the
// decimal one, and a point is read as one too when there is no comma, as
// numeric keypads type it). Spaces group in either language. A group that
// is not three digits, or more decimals than the currency has, is refused,
// never guessed: "12.345" is not 12,345.00, and "0.001" not 1.00. Empty is
// nil. A negative amount is passed on for the domain to refuse.
func parseAmount(field, s, currency, lang string) (*money.Money, error) {
	s = strings.TrimSpace(s)
	for _, sym := range []string{currency, "$", "€", "£"} {
		if sym != "" {
			s = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(s, sym), sym))
		}
	}
	if s == "" {
		return nil, nil
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	point := "."
	if lang == "fr" && strings.Contains(s, ",") {
		point = ","
	}
	units, frac, hasPoint := strings.Cut(s, point)
	bad := errs.Invalid(field, "amount_invalid")
	if hasPoint && strings.Contains(frac, point) {
		return nil, bad // two decimal points
	}
	// Split the units at each grouping character, keeping empty groups:
	// "1,,234", ",5" and "1, " are no numbers either.
	isGroup := func(r rune) bool { return r == ' ' || r == '\u00a0' || r == '\u202f' || (lang != "fr" && r == ',') }
	var groups []string
	var g strings.Builder
	for _, r := range units {
		if isGroup(r) {
			groups = append(groups, g.String())
			g.Reset()
			continue
		}
		g.WriteRune(r)
	}
	groups = append(groups, g.String())
	for i, g := range groups {
		if g == "" || (i > 0 && len(g) != 3) || (len(groups) > 1 && len(g) > 3) {
			return nil, bad // "1,2,3" or "12,34" is no number
		}
	}
	units = strings.Join(groups, "")
	if units == "" || len(units) > 13 || !digits(units) || !digits(frac) {
		return nil, bad
	}
	decimals := money.Decimals(currency)
	if len(frac) > decimals {
		return nil, errs.Invalid(field, "amount_too_precise").With("decimals", decimals)
	}
	for len(frac) < decimals {
		frac += "0"
	}
	u, _ := strconv.ParseInt(units, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	scale := int64(1)
	for range decimals {
		scale *= 10
	}
	amount := u*scale + f
	if neg {
		amount = -amount
	}
	return &money.Money{Amount: amount, Currency: currency}, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// amountText writes an amount the way the form reads it back: "250.00".
func amountText(m *money.Money) string {
	if m == nil {
		return ""
	}
	a := m.Amount
	sign := ""
	if a < 0 {
		sign, a = "-", -a
	}
	return sign + strconv.FormatInt(a/100, 10) + "." + strconv.FormatInt(a%100/10, 10) + strconv.FormatInt(a%10, 10)
}
