package accounts

import (
	"net/http"

	"atelier/internal/accounts"
	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/page"
	"atelier/internal/users"
	"atelier/internal/web/site"
)

// currencies offered when an account is opened; the domain decides which
// are valid.
var currencies = []string{"USD", "EUR", "GBP"}

func (s *pages) accountList(w http.ResponseWriter, r *http.Request, u users.User) error {
	list, err := s.Accounts.ForUser(r.Context(), u)
	if err != nil {
		return err
	}
	s.Render(w, r, http.StatusOK, "accounts", &site.View{Nav: "accounts", Title: i18n.T(httpx.Lang(r), "accounts.title"), Data: list})
	return nil
}

func (s *pages) newAccountPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.showNewAccount(w, r, nil, http.StatusOK)
}

func (s *pages) showNewAccount(w http.ResponseWriter, r *http.Request, f *site.Form, status int) error {
	s.Render(w, r, status, "account_new", &site.View{Nav: "accounts", Title: i18n.T(httpx.Lang(r), "account_new.title"), Form: f, Data: currencies})
	return nil
}

func (s *pages) createAccount(w http.ResponseWriter, r *http.Request, u users.User) error {
	a, err := s.Accounts.Create(r.Context(), u, r.PostFormValue("name"), r.PostFormValue("currency"))
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.showNewAccount(w, r, f, status) })
	}
	s.Done(w, r, "/accounts/"+a.ID, "flash.account_created", "name", a.Name)
	return nil
}

func (s *pages) showAccount(w http.ResponseWriter, r *http.Request, u users.User, f *site.Form, status int) error {
	a, err := s.Account(r, u)
	if err != nil {
		return err
	}
	s.Render(w, r, status, "account", &site.View{Nav: "accounts", Title: a.Name, Account: &a, Tab: "overview", Form: f})
	return nil
}

func (s *pages) renameAccount(w http.ResponseWriter, r *http.Request, u users.User) error {
	a, err := s.Accounts.Edit(r.Context(), u, r.PathValue("account"), accounts.Changes{Name: r.PostFormValue("name")})
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.showAccount(w, r, u, f, status) })
	}
	s.Done(w, r, "/accounts/"+a.ID, "flash.account_renamed", "name", a.Name)
	return nil
}

type membersData struct {
	Members    []accounts.Membership
	NextCursor string
}

func (s *pages) showMembers(w http.ResponseWriter, r *http.Request, u users.User, f *site.Form, status int) error {
	a, p, err := s.AccountPage(r, u, page.MaxLimit)
	if err != nil {
		return err
	}
	list, err := s.Accounts.Members(r.Context(), u, a.ID, p)
	if err != nil {
		return err
	}
	s.Render(w, r, status, "members", &site.View{Nav: "accounts", Title: i18n.T(httpx.Lang(r), "members.title"), Account: &a, Tab: "members", Form: f,
		Data: membersData{Members: list.Items, NextCursor: list.NextCursor}})
	return nil
}

func (s *pages) changeRole(w http.ResponseWriter, r *http.Request, u users.User) error {
	account, user := r.PathValue("account"), r.PathValue("user")
	role := accounts.Role(r.PostFormValue("role"))
	if err := s.Accounts.ChangeRole(r.Context(), u, account, user, role); err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.showMembers(w, r, u, f, status) })
	}
	m, err := s.Accounts.Member(r.Context(), u, account, user)
	if err != nil {
		return err
	}
	s.Done(w, r, "/accounts/"+account+"/members", "flash.role_changed", "name", m.Name, "role", i18n.T(httpx.Lang(r), "role."+string(m.Role)))
	return nil
}

// removeMember removes someone (the admin) or leaves the account (oneself).
func (s *pages) removeMember(w http.ResponseWriter, r *http.Request, u users.User) error {
	ctx, account, user := r.Context(), r.PathValue("account"), r.PathValue("user")
	name := ""
	if m, err := s.Accounts.Member(ctx, u, account, user); err == nil {
		name = m.Name
	}
	if err := s.Accounts.RemoveMember(ctx, u, account, user); err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.showMembers(w, r, u, f, status) })
	}
	if user == u.ID {
		s.Done(w, r, "/", "flash.left_account")
		return nil
	}
	s.Done(w, r, "/accounts/"+account+"/members", "flash.member_removed", "name", name)
	return nil
}

func (s *pages) transferAdmin(w http.ResponseWriter, r *http.Request, u users.User) error {
	ctx, account, user := r.Context(), r.PathValue("account"), r.PostFormValue("user_id")
	if err := s.Accounts.TransferAdmin(ctx, u, account, user); err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.showMembers(w, r, u, f, status) })
	}
	name := ""
	if m, err := s.Accounts.Member(ctx, u, account, user); err == nil {
		name = m.Name
	}
	s.Done(w, r, "/accounts/"+account+"/members", "flash.admin_transferred", "name", name)
	return nil
}
