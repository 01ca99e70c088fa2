package web

import (
	"net/http"

	"atelier/internal/accounts"
	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/page"
	"atelier/internal/users"
)

// currencies offered when an account is opened; the domain decides which
// are valid.
var currencies = []string{"USD", "EUR", "GBP"}

func (s *Server) accountList(w http.ResponseWriter, r *http.Request, u users.User) {
	list, err := s.Accounts.ForUser(r.Context(), u)
	if err != nil {
		s.fail(w, r, err, nil)
		return
	}
	s.render(w, r, http.StatusOK, "accounts", &view{Nav: "accounts", Title: i18n.T(httpx.Lang(r), "accounts.title"), Data: list})
}

func (s *Server) newAccountPage(w http.ResponseWriter, r *http.Request, u users.User) {
	s.showNewAccount(w, r, nil, http.StatusOK)
}

func (s *Server) showNewAccount(w http.ResponseWriter, r *http.Request, f *form, status int) {
	s.render(w, r, status, "account_new", &view{Nav: "accounts", Title: i18n.T(httpx.Lang(r), "account_new.title"), Form: f, Data: currencies})
}

func (s *Server) createAccount(w http.ResponseWriter, r *http.Request, u users.User) {
	a, err := s.Accounts.Create(r.Context(), u, r.PostFormValue("name"), r.PostFormValue("currency"))
	if err != nil {
		s.fail(w, r, err, func(f *form, status int) { s.showNewAccount(w, r, f, status) })
		return
	}
	s.done(w, r, "/accounts/"+a.ID, "flash.account_created", "name", a.Name)
}

// account loads the account of the URL for u; a stranger gets the 404 page.
func (s *Server) account(w http.ResponseWriter, r *http.Request, u users.User) (accounts.Account, bool) {
	a, err := s.Accounts.Get(r.Context(), u, r.PathValue("account"))
	if err != nil {
		s.fail(w, r, err, nil)
		return a, false
	}
	return a, true
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, u users.User) {
	s.showAccount(w, r, u, nil, http.StatusOK)
}

func (s *Server) showAccount(w http.ResponseWriter, r *http.Request, u users.User, f *form, status int) {
	a, ok := s.account(w, r, u)
	if !ok {
		return
	}
	s.render(w, r, status, "account", &view{Nav: "accounts", Title: a.Name, Account: &a, Tab: "overview", Form: f})
}

func (s *Server) renameAccount(w http.ResponseWriter, r *http.Request, u users.User) {
	a, err := s.Accounts.Edit(r.Context(), u, r.PathValue("account"), accounts.Changes{Name: r.PostFormValue("name")})
	if err != nil {
		s.fail(w, r, err, func(f *form, status int) { s.showAccount(w, r, u, f, status) })
		return
	}
	s.done(w, r, "/accounts/"+a.ID, "flash.account_renamed", "name", a.Name)
}

type membersData struct {
	Members    []accounts.Membership
	NextCursor string
}

func (s *Server) membersPage(w http.ResponseWriter, r *http.Request, u users.User) {
	s.showMembers(w, r, u, nil, http.StatusOK)
}

func (s *Server) showMembers(w http.ResponseWriter, r *http.Request, u users.User, f *form, status int) {
	a, ok := s.account(w, r, u)
	if !ok {
		return
	}
	p, ok := s.cursor(w, r, page.MaxLimit)
	if !ok {
		return
	}
	list, err := s.Accounts.Members(r.Context(), u, a.ID, p)
	if err != nil {
		s.fail(w, r, err, nil)
		return
	}
	s.render(w, r, status, "members", &view{Nav: "accounts", Title: i18n.T(httpx.Lang(r), "members.title"), Account: &a, Tab: "members", Form: f,
		Data: membersData{Members: list.Items, NextCursor: list.NextCursor}})
}

func (s *Server) changeRole(w http.ResponseWriter, r *http.Request, u users.User) {
	account, user := r.PathValue("account"), r.PathValue("user")
	role := accounts.Role(r.PostFormValue("role"))
	if err := s.Accounts.ChangeRole(r.Context(), u, account, user, role); err != nil {
		s.fail(w, r, err, func(f *form, status int) { s.showMembers(w, r, u, f, status) })
		return
	}
	m, err := s.Accounts.Member(r.Context(), u, account, user)
	if err != nil {
		s.fail(w, r, err, nil)
		return
	}
	s.done(w, r, "/accounts/"+account+"/members", "flash.role_changed", "name", m.Name, "role", i18n.T(httpx.Lang(r), "role."+string(m.Role)))
}

// removeMember removes someone (the admin) or leaves the account (oneself).
func (s *Server) removeMember(w http.ResponseWriter, r *http.Request, u users.User) {
	ctx, account, user := r.Context(), r.PathValue("account"), r.PathValue("user")
	name := ""
	if m, err := s.Accounts.Member(ctx, u, account, user); err == nil {
		name = m.Name
	}
	if err := s.Accounts.RemoveMember(ctx, u, account, user); err != nil {
		s.fail(w, r, err, func(f *form, status int) { s.showMembers(w, r, u, f, status) })
		return
	}
	if user == u.ID {
		s.done(w, r, "/", "flash.left_account")
		return
	}
	s.done(w, r, "/accounts/"+account+"/members", "flash.member_removed", "name", name)
}

func (s *Server) transferAdmin(w http.ResponseWriter, r *http.Request, u users.User) {
	ctx, account, user := r.Context(), r.PathValue("account"), r.PostFormValue("user_id")
	if err := s.Accounts.TransferAdmin(ctx, u, account, user); err != nil {
		s.fail(w, r, err, func(f *form, status int) { s.showMembers(w, r, u, f, status) })
		return
	}
	name := ""
	if m, err := s.Accounts.Member(ctx, u, account, user); err == nil {
		name = m.Name
	}
	s.done(w, r, "/accounts/"+account+"/members", "flash.admin_transferred", "name", name)
}
