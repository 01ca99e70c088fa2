package accounts

import (
	"net/http"
	"time"

	"atelier/internal/accounts"
	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/page"
	"atelier/internal/users"
	"atelier/internal/web/site"
)

type accountInvitationsData struct {
	Pending    []accounts.Invitation // waiting for the admin
	All        []accounts.Invitation
	NextCursor string
	Roles      []accounts.Role // the roles the viewer may invite as
	// NeedsApproval: the viewer's invitations wait for the admin (a hint;
	// the domain decides).
	NeedsApproval bool
}

func (s *pages) showAccountInvitations(w http.ResponseWriter, r *http.Request, u users.User, f *site.Form, status int) error {
	a, p, err := s.AccountPage(r, u, page.MaxLimit)
	if err != nil {
		return err
	}
	list, err := s.Accounts.Invitations(r.Context(), u, a.ID, "", p)
	if err != nil {
		return err
	}
	d := accountInvitationsData{All: list.Items, NextCursor: list.NextCursor, Roles: []accounts.Role{accounts.Member}}
	if a.Role.Can(accounts.InviteBillingManager) {
		d.Roles = append(d.Roles, accounts.BillingManager)
	}
	pol, err := s.Accounts.Policies(r.Context(), u, a.ID)
	if err != nil {
		return err
	}
	d.NeedsApproval = pol.InvitationApproval && !a.Role.Can(accounts.ApproveInvitations)
	if a.Role.Can(accounts.ApproveInvitations) {
		pending, err := s.Accounts.Invitations(r.Context(), u, a.ID, accounts.InvitePendingApproval, page.Request{Limit: page.MaxLimit})
		if err != nil {
			return err
		}
		d.Pending = pending.Items
	}
	s.Render(w, r, status, "account_invitations", &site.View{Nav: "accounts", Title: i18n.T(httpx.Lang(r), "invitations.title"),
		Account: &a, Tab: "invitations", Form: f, Data: d})
	return nil
}

func (s *pages) invite(w http.ResponseWriter, r *http.Request, u users.User) error {
	account := r.PathValue("account")
	inv, err := s.Accounts.Invite(r.Context(), u, account, r.PostFormValue("email"), accounts.Role(r.PostFormValue("role")))
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.showAccountInvitations(w, r, u, f, status) })
	}
	key := "flash.invitation_sent"
	if inv.Status == accounts.InvitePendingApproval {
		key = "flash.invitation_pending"
	}
	s.Done(w, r, "/accounts/"+account+"/invitations", key, "email", inv.Email)
	return nil
}

// invitationAction runs one admin or sender action on an account's
// invitation and comes back to the account's invitations.
func (s *pages) invitationAction(w http.ResponseWriter, r *http.Request, u users.User, flashKey string,
	act func(account, inv string) (accounts.Invitation, error)) error {
	account := r.PathValue("account")
	r.ParseForm()
	inv, err := act(account, r.PathValue("inv"))
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.showAccountInvitations(w, r, u, f, status) })
	}
	s.Done(w, r, "/accounts/"+account+"/invitations", flashKey, "email", inv.Email)
	return nil
}

func (s *pages) approveInvitation(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.invitationAction(w, r, u, "flash.invitation_approved", func(account, inv string) (accounts.Invitation, error) {
		return s.Accounts.ApproveInvitation(r.Context(), u, account, inv)
	})
}

func (s *pages) rejectInvitation(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.invitationAction(w, r, u, "flash.invitation_rejected", func(account, inv string) (accounts.Invitation, error) {
		return s.Accounts.RejectInvitation(r.Context(), u, account, inv, r.PostFormValue("reason"))
	})
}

func (s *pages) revokeInvitation(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.invitationAction(w, r, u, "flash.invitation_revoked", func(account, inv string) (accounts.Invitation, error) {
		return s.Accounts.RevokeInvitation(r.Context(), u, account, inv)
	})
}

func (s *pages) showMyInvitations(w http.ResponseWriter, r *http.Request, u users.User, f *site.Form, status int) error {
	list, err := s.Accounts.MyInvitations(r.Context(), u, page.Request{Limit: page.MaxLimit})
	if err != nil {
		return err
	}
	s.Render(w, r, status, "invitations", &site.View{Nav: "invitations", Title: i18n.T(httpx.Lang(r), "my_invitations.title"), Form: f, Data: list.Items})
	return nil
}

type invitationData struct {
	Invitation accounts.Invitation
	Mine       bool // addressed to the viewer
	// DaysLeft and Percent show the time left to answer a sent invitation.
	DaysLeft int
	Percent  int
}

// showInvitation shows one invitation: the page the invitation e-mail
// links to.
func (s *pages) showInvitation(w http.ResponseWriter, r *http.Request, u users.User, f *site.Form, status int) error {
	lang := httpx.Lang(r)
	inv, err := s.Accounts.Invitation(r.Context(), u, r.PathValue("inv"))
	if err != nil {
		if httpx.Status(err) == http.StatusNotFound {
			// Most often the link was opened while signed in with another
			// address: say so.
			s.Render(w, r, http.StatusNotFound, "error", &site.View{Status: http.StatusNotFound, Title: i18n.T(lang, "error.title.not_found"),
				Message: i18n.T(lang, "invitation.not_found_hint", "email", u.Email)})
			return nil
		}
		return err
	}
	d := invitationData{Invitation: inv, Mine: inv.Email == u.Email}
	if inv.Status == accounts.InviteSent && !inv.ExpiresAt.IsZero() {
		left := inv.ExpiresAt.Sub(s.DB.Clock.Now())
		if left < 0 {
			left = 0
		}
		d.DaysLeft = int((left + 24*time.Hour - 1) / (24 * time.Hour))
		d.Percent = int(100 * left / accounts.InvitationLifetime)
	}
	s.Render(w, r, status, "invitation", &site.View{Nav: "invitations", Title: i18n.T(lang, "invitation.title", "account", inv.AccountName), Form: f, Data: d})
	return nil
}

func (s *pages) acceptInvitation(w http.ResponseWriter, r *http.Request, u users.User) error {
	inv, err := s.Accounts.AcceptInvitation(r.Context(), u, r.PathValue("inv"))
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.showInvitation(w, r, u, f, status) })
	}
	s.Done(w, r, "/accounts/"+inv.AccountID, "flash.invitation_accepted", "account", inv.AccountName)
	return nil
}

func (s *pages) declineInvitation(w http.ResponseWriter, r *http.Request, u users.User) error {
	inv, err := s.Accounts.DeclineInvitation(r.Context(), u, r.PathValue("inv"))
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.showInvitation(w, r, u, f, status) })
	}
	s.Done(w, r, "/invitations", "flash.invitation_declined", "account", inv.AccountName)
	return nil
}
