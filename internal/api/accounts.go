package api

import (
	"net/http"

	"atelier/internal/accounts"
	"atelier/internal/page"
)

type accountIn struct {
	Name     string `json:"name"`
	Currency string `json:"currency,omitempty"`
}

type roleIn struct {
	Role accounts.Role `json:"role"`
}

type transferIn struct {
	UserID string `json:"user_id"`
}

type inviteIn struct {
	Email string        `json:"email"`
	Role  accounts.Role `json:"role"`
}

type reasonIn struct {
	Reason string `json:"reason"`
}

type listOut[T any] struct {
	Items []T `json:"items"`
}

func (s *Server) accountRoutes() []route {
	return []route{
		{Method: "POST", Path: "/accounts", Tag: "accounts", Summary: "Create a business account; the caller becomes its admin",
			Status: http.StatusCreated, In: accountIn{}, Out: accounts.Account{},
			Handle: body(func(c *call, in accountIn) (any, error) {
				return s.Accounts.Create(c.r.Context(), c.user, in.Name, in.Currency)
			})},
		{Method: "GET", Path: "/accounts", Tag: "accounts", Summary: "The accounts I belong to", Out: listOut[accounts.Account]{},
			Handle: func(c *call) (any, error) {
				list, err := s.Accounts.ForUser(c.r.Context(), c.user)
				return listOut[accounts.Account]{Items: list}, err
			}},
		{Method: "GET", Path: "/accounts/{account}", Tag: "accounts", Summary: "One account", Out: accounts.Account{},
			Handle: func(c *call) (any, error) {
				return s.Accounts.Get(c.r.Context(), c.user, c.param("account"))
			}},
		{Method: "PATCH", Path: "/accounts/{account}", Tag: "accounts", Summary: "Rename the account (admin); its currency cannot change", In: accounts.Changes{}, Out: accounts.Account{},
			Handle: body(func(c *call, in accounts.Changes) (any, error) {
				return s.Accounts.Edit(c.r.Context(), c.user, c.param("account"), in)
			})},
		{Method: "GET", Path: "/accounts/{account}/members", Tag: "accounts", Summary: "Members and their roles",
			Out: page.Page[accounts.Membership]{},
			Handle: paged(func(c *call, p page.Request) (any, error) {
				return s.Accounts.Members(c.r.Context(), c.user, c.param("account"), p)
			})},
		{Method: "PATCH", Path: "/accounts/{account}/members/{user}", Tag: "accounts",
			Summary: "Change a member's role to billing_manager or member (admin)", In: roleIn{}, Out: accounts.Membership{},
			Handle: body(func(c *call, in roleIn) (any, error) {
				ctx, account, user := c.r.Context(), c.param("account"), c.param("user")
				if err := s.Accounts.ChangeRole(ctx, c.user, account, user, in.Role); err != nil {
					return nil, err
				}
				return s.Accounts.Member(ctx, c.user, account, user)
			})},
		{Method: "DELETE", Path: "/accounts/{account}/members/{user}", Tag: "accounts",
			Summary: "Remove a member (admin), or leave the account (yourself)", Status: http.StatusNoContent,
			Handle: func(c *call) (any, error) {
				return nil, s.Accounts.RemoveMember(c.r.Context(), c.user, c.param("account"), c.param("user"))
			}},
		{Method: "POST", Path: "/accounts/{account}/transfer-admin", Tag: "accounts",
			Summary: "Hand the admin role to another member; the old admin becomes a member", In: transferIn{}, Out: accounts.Account{},
			Handle: body(func(c *call, in transferIn) (any, error) {
				ctx, account := c.r.Context(), c.param("account")
				if err := s.Accounts.TransferAdmin(ctx, c.user, account, in.UserID); err != nil {
					return nil, err
				}
				return s.Accounts.Get(ctx, c.user, account)
			})},
		{Method: "POST", Path: "/accounts/{account}/invitations", Tag: "accounts",
			Summary: "Invite someone by e-mail; waits for the admin when the invitation approval policy is on",
			Status:  http.StatusCreated, In: inviteIn{}, Out: accounts.Invitation{},
			Handle: body(func(c *call, in inviteIn) (any, error) {
				return s.Accounts.Invite(c.r.Context(), c.user, c.param("account"), in.Email, in.Role)
			})},
		{Method: "GET", Path: "/accounts/{account}/invitations", Tag: "accounts",
			Summary: "The account's invitations, newest first; ?status=pending_approval for the admin's approvals (members see the ones they sent)", Out: page.Page[accounts.Invitation]{},
			Query: []param{status(accounts.InvitationStatuses, "")},
			Handle: paged(func(c *call, p page.Request) (any, error) {
				return s.Accounts.Invitations(c.r.Context(), c.user, c.param("account"), c.r.URL.Query().Get("status"), p)
			})},
		{Method: "POST", Path: "/accounts/{account}/invitations/{inv}/approve", Tag: "accounts",
			Summary: "Approve and send a waiting invitation (admin)", Out: accounts.Invitation{},
			Handle: func(c *call) (any, error) {
				return s.Accounts.ApproveInvitation(c.r.Context(), c.user, c.param("account"), c.param("inv"))
			}},
		{Method: "POST", Path: "/accounts/{account}/invitations/{inv}/reject", Tag: "accounts",
			Summary: "Reject a waiting invitation with a reason (admin)", In: reasonIn{}, Out: accounts.Invitation{},
			Handle: body(func(c *call, in reasonIn) (any, error) {
				return s.Accounts.RejectInvitation(c.r.Context(), c.user, c.param("account"), c.param("inv"), in.Reason)
			})},
		{Method: "POST", Path: "/accounts/{account}/invitations/{inv}/revoke", Tag: "accounts",
			Summary: "Revoke an open invitation (admin, or its sender)", Out: accounts.Invitation{},
			Handle: func(c *call) (any, error) {
				return s.Accounts.RevokeInvitation(c.r.Context(), c.user, c.param("account"), c.param("inv"))
			}},
		{Method: "GET", Path: "/invitations/{inv}", Tag: "accounts", Summary: "One invitation (its addressee, or the account)",
			Out: accounts.Invitation{},
			Handle: func(c *call) (any, error) {
				return s.Accounts.Invitation(c.r.Context(), c.user, c.param("inv"))
			}},
		{Method: "POST", Path: "/invitations/{inv}/accept", Tag: "accounts", Summary: "Accept an invitation sent to me",
			Out: accounts.Invitation{},
			Handle: func(c *call) (any, error) {
				return s.Accounts.AcceptInvitation(c.r.Context(), c.user, c.param("inv"))
			}},
		{Method: "POST", Path: "/invitations/{inv}/decline", Tag: "accounts", Summary: "Decline an invitation sent to me",
			Out: accounts.Invitation{},
			Handle: func(c *call) (any, error) {
				return s.Accounts.DeclineInvitation(c.r.Context(), c.user, c.param("inv"))
			}},
		{Method: "GET", Path: "/accounts/{account}/policies", Tag: "accounts", Summary: "The account's policies", Out: accounts.Policies{},
			Handle: func(c *call) (any, error) {
				return s.Accounts.Policies(c.r.Context(), c.user, c.param("account"))
			}},
		{Method: "PUT", Path: "/accounts/{account}/policies", Tag: "accounts", Summary: "Replace the account's policies (admin)",
			In: accounts.Policies{}, Out: accounts.Policies{},
			Handle: body(func(c *call, in accounts.Policies) (any, error) {
				return s.Accounts.SetPolicies(c.r.Context(), c.user, c.param("account"), in)
			})},
		{Method: "GET", Path: "/accounts/{account}/audit-log", Tag: "accounts", Summary: "The audit log, newest first (admin)",
			Out: page.Page[accounts.AuditEntry]{},
			Handle: paged(func(c *call, p page.Request) (any, error) {
				return s.Accounts.AuditLog(c.r.Context(), c.user, c.param("account"), p)
			})},
	}
}
