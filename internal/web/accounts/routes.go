// Package accounts holds the pages of people and their business accounts:
// signing up, in and out, a forgotten password, the language switch, the
// home page (the landing page, or the dashboard of a signed-in user),
// settings (e-mails, password, sessions, security log), and an
// account's overview, members, invitations (sent and received), policies
// and audit log.
package accounts

import "atelier/internal/web/site"

// pages holds the handlers of the area: they reach the domain and answer
// through the Site they embed.
type pages struct{ *site.Site }

// Routes are the pages of people and their accounts: signing up and in, the
// home page, settings, accounts, members, invitations, policies and the
// audit log.
func Routes(s *site.Site) []site.Route {
	p := &pages{s}
	return []site.Route{
		{Method: "GET", Path: "/{$}", Public: true, Handle: p.home},
		{Method: "GET", Path: "/signup", Public: true, Handle: p.signUpPage},
		{Method: "POST", Path: "/signup", Public: true, Handle: p.signUp},
		{Method: "GET", Path: "/signin", Public: true, Handle: p.signInPage},
		{Method: "POST", Path: "/signin", Public: true, Handle: p.signIn},
		{Method: "POST", Path: "/signin/two-factor", Public: true, Handle: p.signInCode},
		{Method: "POST", Path: "/signout", Public: true, Handle: p.signOut},
		{Method: "POST", Path: "/lang", Public: true, Handle: p.setLanguage},
		{Method: "GET", Path: "/verify-email/{token}", Public: true, Handle: p.verifyEmailPage},
		{Method: "POST", Path: "/verify-email/{token}", Public: true, Handle: p.verifyEmail},
		{Method: "GET", Path: "/password-reset", Public: true, Handle: p.passwordResetPage},
		{Method: "POST", Path: "/password-reset", Public: true, Handle: p.requestPasswordReset},
		{Method: "GET", Path: "/reset-password/{token}", Public: true, Handle: p.newPasswordPage},
		{Method: "POST", Path: "/reset-password/{token}", Public: true, Handle: p.resetPassword},
		{Method: "POST", Path: "/settings/email-verification", Handle: p.resendVerification},
		{Method: "GET", Path: "/settings/security", Handle: site.PageOf(p.showSecurity)},
		{Method: "POST", Path: "/settings/password", Handle: p.changePassword},
		{Method: "GET", Path: "/settings/sessions", Handle: p.sessionsPage},
		{Method: "POST", Path: "/settings/sessions/others/revoke", Handle: p.revokeOtherSessions},
		{Method: "POST", Path: "/settings/sessions/{session}/revoke", Handle: p.revokeSession},
		{Method: "GET", Path: "/settings/security-log", Handle: p.securityLogPage},
		{Method: "GET", Path: "/settings", Handle: p.settingsPage},
		{Method: "POST", Path: "/settings", Handle: p.saveSettings},
		{Method: "GET", Path: "/settings/two-factor", Handle: site.PageOf(p.twoFactorPage)},
		{Method: "POST", Path: "/settings/two-factor/start", Handle: p.startTwoFactor},
		{Method: "POST", Path: "/settings/two-factor/confirm", Handle: p.confirmTwoFactor},
		{Method: "POST", Path: "/settings/two-factor/recovery-codes", Handle: p.newRecoveryCodes},
		{Method: "POST", Path: "/settings/two-factor/disable", Handle: p.disableTwoFactor},
		{Method: "GET", Path: "/accounts", Handle: p.accountList},
		{Method: "GET", Path: "/accounts/new", Handle: p.newAccountPage},
		{Method: "POST", Path: "/accounts", Handle: p.createAccount},
		{Method: "GET", Path: "/accounts/{account}", Handle: site.PageOf(p.showAccount)},
		{Method: "POST", Path: "/accounts/{account}/rename", Handle: p.renameAccount},
		{Method: "GET", Path: "/accounts/{account}/members", Handle: site.PageOf(p.showMembers)},
		{Method: "POST", Path: "/accounts/{account}/members/{user}/role", Handle: p.changeRole},
		{Method: "POST", Path: "/accounts/{account}/members/{user}/remove", Handle: p.removeMember},
		{Method: "POST", Path: "/accounts/{account}/transfer-admin", Handle: p.transferAdmin},
		{Method: "GET", Path: "/accounts/{account}/invitations", Handle: site.PageOf(p.showAccountInvitations)},
		{Method: "POST", Path: "/accounts/{account}/invitations", Handle: p.invite},
		{Method: "POST", Path: "/accounts/{account}/invitations/{inv}/approve", Handle: p.approveInvitation},
		{Method: "POST", Path: "/accounts/{account}/invitations/{inv}/reject", Handle: p.rejectInvitation},
		{Method: "POST", Path: "/accounts/{account}/invitations/{inv}/revoke", Handle: p.revokeInvitation},
		{Method: "GET", Path: "/accounts/{account}/policies", Handle: site.PageOf(p.showPolicies)},
		{Method: "POST", Path: "/accounts/{account}/policies", Handle: p.savePolicies},
		{Method: "GET", Path: "/accounts/{account}/audit-log", Handle: p.auditLogPage},
		{Method: "GET", Path: "/invitations", Handle: site.PageOf(p.showMyInvitations)},
		{Method: "GET", Path: "/invitations/{inv}", Handle: site.PageOf(p.showInvitation)},
		{Method: "POST", Path: "/invitations/{inv}/accept", Handle: p.acceptInvitation},
		{Method: "POST", Path: "/invitations/{inv}/decline", Handle: p.declineInvitation},
	}
}
