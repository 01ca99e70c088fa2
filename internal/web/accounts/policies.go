package accounts

import (
	"net/http"
	"sort"
	"strings"

	"atelier/internal/accounts"
	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/money"
	"atelier/internal/users"
	"atelier/internal/web/site"
)

type policiesData struct {
	Policies accounts.Policies
	// Members who can have a limit of their own (everyone but the admin).
	Members []accounts.Membership
}

func (s *pages) showPolicies(w http.ResponseWriter, r *http.Request, u users.User, f *site.Form, status int) error {
	a, err := s.Account(r, u)
	if err != nil {
		return err
	}
	p, err := s.Accounts.Policies(r.Context(), u, a.ID)
	if err != nil {
		return err
	}
	all, err := s.AllMembers(r, u, a.ID)
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
		f = &site.Form{Values: map[string][]string{}, Errors: map[string]string{}}
		if p.InvitationApproval {
			f.Values.Set("invitation_approval", "on")
		}
		if p.RequireTwoFactor {
			f.Values.Set("require_two_factor", "on")
		}
		f.Values.Set("order_approval_threshold", site.AmountText(p.OrderApprovalThreshold))
		f.Values.Set("member_monthly_limit", site.AmountText(p.MemberMonthlyLimit))
		for user, m := range p.MemberLimits {
			f.Values.Set("member_limits."+user, site.AmountText(&m))
		}
	}
	s.Render(w, r, status, "policies", &site.View{Nav: "accounts", Title: i18n.T(httpx.Lang(r), "policies.title"), Account: &a, Tab: "policies", Form: f,
		Data: policiesData{Policies: p, Members: members}})
	return nil
}

func (s *pages) savePolicies(w http.ResponseWriter, r *http.Request, u users.User) error {
	redo := func(f *site.Form, status int) error { return s.showPolicies(w, r, u, f, status) }
	a, err := s.Account(r, u)
	if err != nil {
		return err
	}
	r.ParseForm()
	p, err := policiesForm(r, a.Currency)
	if err == nil {
		_, err = s.Accounts.SetPolicies(r.Context(), u, a.ID, p)
	}
	if err != nil {
		return site.ShowAgain(err, redo)
	}
	s.Done(w, r, "/accounts/"+a.ID+"/policies", "flash.policies_saved")
	return nil
}

// policiesForm reads the policies form. An empty amount means "none".
func policiesForm(r *http.Request, currency string) (accounts.Policies, error) {
	p := accounts.Policies{InvitationApproval: r.PostFormValue("invitation_approval") != "", RequireTwoFactor: r.PostFormValue("require_two_factor") != "",
		MemberLimits: map[string]money.Money{}}
	var err error
	if p.OrderApprovalThreshold, err = site.ParseAmount("order_approval_threshold", r.PostFormValue("order_approval_threshold"), currency, httpx.Lang(r)); err != nil {
		return p, err
	}
	if p.MemberMonthlyLimit, err = site.ParseAmount("member_monthly_limit", r.PostFormValue("member_monthly_limit"), currency, httpx.Lang(r)); err != nil {
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
		m, err := site.ParseAmount(k, r.PostForm.Get(k), currency, httpx.Lang(r))
		if err != nil {
			return p, err
		}
		if m != nil {
			p.MemberLimits[user] = *m
		}
	}
	return p, nil
}
