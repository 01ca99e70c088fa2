package accounts_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"atelier/internal/accounts"
	"atelier/internal/clock"
	"atelier/internal/clock/clocktest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/domaintest"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/page"
	"atelier/internal/users"
)

type fixture struct {
	ctx   context.Context
	clk   *clock.Test
	db    *db.DB
	users *users.Service
	acc   *accounts.Service
}

func setup(t *testing.T, e db.Engine) *fixture {
	users.UseTestCost() // sign-ups hash at the test cost; the users package checks the full one
	t.Helper()
	clk := clocktest.New(t)
	d := dbtest.Open(t, e, clk)
	return &fixture{ctx: context.Background(), clk: clk, db: d, users: &users.Service{DB: d}, acc: &accounts.Service{DB: d}}
}

func (f *fixture) user(t *testing.T, email string) users.User {
	t.Helper()
	u, err := f.users.SignUp(f.ctx, users.NewUser{Email: email, Password: "correct horse", Name: email[:3]})
	if err == nil {
		u, err = f.users.MarkVerified(f.ctx, u.Email)
	}
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// join invites u into acc as role (by the admin) and has u accept.
func (f *fixture) join(t *testing.T, admin users.User, accountID string, u users.User, role accounts.Role) {
	t.Helper()
	domaintest.JoinOn(t, f.ctx, f.acc, admin, accountID, u, role)
}

func wantErr(t *testing.T, err error, kind errs.Kind, code string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != kind || e.Code != code {
		t.Fatalf("got error %v, want kind %d code %q", err, kind, code)
	}
}

func admins(t *testing.T, f *fixture, actor users.User, accountID string) []string {
	t.Helper()
	p, err := f.acc.Members(f.ctx, actor, accountID, page.Request{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var list []string
	for _, m := range p.Items {
		if m.Role == accounts.Admin {
			list = append(list, m.UserID)
		}
	}
	return list
}

func TestRolesAndExactlyOneAdmin(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f *fixture) {
		ann, bob, cat, eve := f.user(t, "ann@example.com"), f.user(t, "bob@example.com"), f.user(t, "cat@example.com"), f.user(t, "eve@example.com")
		acc, err := f.acc.Create(f.ctx, ann, "Acme", "")
		if err != nil {
			t.Fatal(err)
		}
		if acc.Role != accounts.Admin || acc.RewardsLevel != "silver" || acc.Currency != "USD" {
			t.Fatalf("new account %+v", acc)
		}
		f.join(t, ann, acc.ID, bob, accounts.Member)
		f.join(t, ann, acc.ID, cat, accounts.BillingManager)

		// A stranger sees nothing: every operation says "not found".
		_, err = f.acc.Get(f.ctx, eve, acc.ID)
		wantErr(t, err, errs.KindNotFound, "account_not_found")
		_, err = f.acc.Members(f.ctx, eve, acc.ID, page.Request{})
		wantErr(t, err, errs.KindNotFound, "account_not_found")
		wantErr(t, f.acc.ChangeRole(f.ctx, eve, acc.ID, bob.ID, accounts.BillingManager), errs.KindNotFound, "account_not_found")

		// Members and billing managers cannot manage members.
		wantErr(t, f.acc.ChangeRole(f.ctx, bob, acc.ID, cat.ID, accounts.Member), errs.KindForbidden, "role_not_allowed")
		wantErr(t, f.acc.ChangeRole(f.ctx, cat, acc.ID, bob.ID, accounts.BillingManager), errs.KindForbidden, "role_not_allowed")
		wantErr(t, f.acc.TransferAdmin(f.ctx, cat, acc.ID, cat.ID), errs.KindForbidden, "role_not_allowed")

		// No second admin by role change, and the admin's role moves only by transfer.
		wantErr(t, f.acc.ChangeRole(f.ctx, ann, acc.ID, bob.ID, accounts.Admin), errs.KindConflict, "one_admin_use_transfer")
		wantErr(t, f.acc.ChangeRole(f.ctx, ann, acc.ID, ann.ID, accounts.Member), errs.KindConflict, "admin_role_transfer_only")
		wantErr(t, f.acc.ChangeRole(f.ctx, ann, acc.ID, bob.ID, "owner"), errs.KindInvalid, "role_invalid")
		wantErr(t, f.acc.RemoveMember(f.ctx, ann, acc.ID, ann.ID), errs.KindConflict, "admin_cannot_be_removed")
		wantErr(t, f.acc.ChangeRole(f.ctx, ann, acc.ID, eve.ID, accounts.Member), errs.KindNotFound, "member_not_found")

		if err := f.acc.ChangeRole(f.ctx, ann, acc.ID, bob.ID, accounts.BillingManager); err != nil {
			t.Fatal(err)
		}
		m, _ := f.acc.Member(f.ctx, ann, acc.ID, bob.ID)
		if m.Role != accounts.BillingManager {
			t.Fatalf("bob is %s", m.Role)
		}

		// Transfer: Bob becomes admin, Ann a member; still exactly one admin.
		wantErr(t, f.acc.TransferAdmin(f.ctx, ann, acc.ID, eve.ID), errs.KindInvalid, "not_a_member")
		if err := f.acc.TransferAdmin(f.ctx, ann, acc.ID, bob.ID); err != nil {
			t.Fatal(err)
		}
		if got := admins(t, f, ann, acc.ID); len(got) != 1 || got[0] != bob.ID {
			t.Fatalf("admins after transfer = %v, want [bob]", got)
		}
		wantErr(t, f.acc.TransferAdmin(f.ctx, ann, acc.ID, cat.ID), errs.KindForbidden, "role_not_allowed")

		// Concurrent transfers to two people: exactly one admin at the end.
		var wg sync.WaitGroup
		for _, to := range []string{ann.ID, cat.ID} {
			wg.Add(1)
			go func() { defer wg.Done(); f.acc.TransferAdmin(f.ctx, bob, acc.ID, to) }()
		}
		wg.Wait()
		if got := admins(t, f, bob, acc.ID); len(got) != 1 {
			t.Fatalf("admins after concurrent transfers = %v", got)
		}

		// Anyone but the admin may leave; the admin may remove others.
		current := admins(t, f, bob, acc.ID)[0]
		var admin users.User
		for _, u := range []users.User{ann, bob, cat} {
			if u.ID == current {
				admin = u
			}
		}
		for _, u := range []users.User{ann, bob, cat} {
			if u.ID != current {
				if err := f.acc.RemoveMember(f.ctx, u, acc.ID, u.ID); err != nil {
					t.Fatalf("%s leaves: %v", u.Email, err)
				}
				break
			}
		}
		p, _ := f.acc.Members(f.ctx, admin, acc.ID, page.Request{})
		if len(p.Items) != 2 {
			t.Fatalf("members after one left: %d", len(p.Items))
		}
	})
}

func TestInvitationApprovalPolicy(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f *fixture) {
		ann, bob := f.user(t, "ann@example.com"), f.user(t, "bob@example.com")
		acc, _ := f.acc.Create(f.ctx, ann, "Acme", "EUR")
		f.join(t, ann, acc.ID, bob, accounts.Member)
		if _, err := f.acc.SetPolicies(f.ctx, ann, acc.ID, accounts.Policies{InvitationApproval: true}); err != nil {
			t.Fatal(err)
		}

		// Only the admin may invite billing managers.
		_, err := f.acc.Invite(f.ctx, bob, acc.ID, "dan@example.com", accounts.BillingManager)
		wantErr(t, err, errs.KindForbidden, "only_admin_invites_billing_managers")

		// A member's invitation waits; the invitee cannot see or accept it yet.
		inv, err := f.acc.Invite(f.ctx, bob, acc.ID, "Dan@Example.com", accounts.Member)
		if err != nil {
			t.Fatal(err)
		}
		if inv.Status != accounts.InvitePendingApproval || inv.Email != "dan@example.com" {
			t.Fatalf("member's invitation = %+v", inv)
		}
		dan := f.user(t, "dan@example.com")
		mine, _ := f.acc.MyInvitations(f.ctx, dan, page.Request{})
		if len(mine.Items) != 0 {
			t.Fatalf("pending invitation visible to invitee: %+v", mine.Items)
		}
		_, err = f.acc.AcceptInvitation(f.ctx, dan, inv.ID)
		wantErr(t, err, errs.KindNotFound, "invitation_not_found")

		// The same address cannot be invited twice while open.
		_, err = f.acc.Invite(f.ctx, ann, acc.ID, "dan@example.com", accounts.Member)
		wantErr(t, err, errs.KindInvalid, "already_invited")

		// Only the admin approves.
		_, err = f.acc.ApproveInvitation(f.ctx, bob, acc.ID, inv.ID)
		wantErr(t, err, errs.KindForbidden, "role_not_allowed")
		approved, err := f.acc.ApproveInvitation(f.ctx, ann, acc.ID, inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if approved.Status != accounts.InviteSent || approved.ExpiresAt.Sub(approved.SentAt) != accounts.InvitationLifetime {
			t.Fatalf("approved = %+v", approved)
		}
		_, err = f.acc.ApproveInvitation(f.ctx, ann, acc.ID, inv.ID)
		wantErr(t, err, errs.KindConflict, "invitation_not_open")

		mine, _ = f.acc.MyInvitations(f.ctx, dan, page.Request{})
		if len(mine.Items) != 1 || mine.Items[0].AccountName != "Acme" {
			t.Fatalf("invitee sees %+v", mine.Items)
		}
		// Someone else cannot accept Dan's invitation.
		_, err = f.acc.AcceptInvitation(f.ctx, bob, inv.ID)
		wantErr(t, err, errs.KindNotFound, "invitation_not_found")
		if _, err := f.acc.AcceptInvitation(f.ctx, dan, inv.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.acc.DeclineInvitation(f.ctx, dan, inv.ID)
		wantErr(t, err, errs.KindConflict, "invitation_not_open")

		// The admin's own invitations go out at once, even with the policy on.
		direct, err := f.acc.Invite(f.ctx, ann, acc.ID, "eve@example.com", accounts.BillingManager)
		if err != nil || direct.Status != accounts.InviteSent {
			t.Fatalf("admin invitation = %+v, %v", direct, err)
		}
		// Members see only the invitations they sent.
		bobs, _ := f.acc.Invitations(f.ctx, bob, acc.ID, "", page.Request{})
		if len(bobs.Items) != 1 || bobs.Items[0].ID != inv.ID {
			t.Fatalf("bob sees %d invitations", len(bobs.Items))
		}
		// A rejected invitation carries the reason.
		pending, _ := f.acc.Invite(f.ctx, bob, acc.ID, "fay@example.com", accounts.Member)
		rejected, err := f.acc.RejectInvitation(f.ctx, ann, acc.ID, pending.ID, "not needed")
		if err != nil || rejected.Status != accounts.InviteRejected || rejected.Reason != "not needed" {
			t.Fatalf("rejected = %+v, %v", rejected, err)
		}
		// Revoke: the sender or the admin, not another member.
		pending2, _ := f.acc.Invite(f.ctx, ann, acc.ID, "gus@example.com", accounts.Member)
		_, err = f.acc.RevokeInvitation(f.ctx, bob, acc.ID, pending2.ID)
		wantErr(t, err, errs.KindNotFound, "invitation_not_found")
		if r, err := f.acc.RevokeInvitation(f.ctx, ann, acc.ID, pending2.ID); err != nil || r.Status != accounts.InviteRevoked {
			t.Fatalf("revoke = %+v, %v", r, err)
		}

		// The audit log holds every step, newest first; only the admin reads it.
		_, err = f.acc.AuditLog(f.ctx, bob, acc.ID, page.Request{})
		wantErr(t, err, errs.KindForbidden, "role_not_allowed")
		log, err := f.acc.AuditLog(f.ctx, ann, acc.ID, page.Request{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for i := len(log.Items) - 1; i >= 0; i-- {
			actions = append(actions, log.Items[i].Action)
		}
		want := []string{"account.created", "invitation.created", "invitation.accepted", "policies.changed",
			"invitation.created", "invitation.approved", "invitation.accepted", "invitation.created",
			"invitation.created", "invitation.rejected", "invitation.created", "invitation.revoked"}
		if len(actions) != len(want) {
			t.Fatalf("audit actions = %v\nwant %v", actions, want)
		}
		for i := range want {
			if actions[i] != want[i] {
				t.Fatalf("audit actions = %v\nwant %v", actions, want)
			}
		}
	})
}

func TestInvitationExpiresOnceAfterSevenDays(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f *fixture) {
		ann := f.user(t, "ann@example.com")
		acc, _ := f.acc.Create(f.ctx, ann, "Acme", "")
		inv, _ := f.acc.Invite(f.ctx, ann, acc.ID, "dan@example.com", accounts.Member)
		dan := f.user(t, "dan@example.com")

		f.clk.Advance(accounts.InvitationLifetime - time.Minute)
		if n, err := f.acc.ExpireInvitations(f.ctx, f.clk.Now()); err != nil || n != 0 {
			t.Fatalf("expired %d before the 7 days (%v)", n, err)
		}
		f.clk.Advance(2 * time.Minute)
		// Past the deadline but before the sweep: accepting is refused already.
		_, err := f.acc.AcceptInvitation(f.ctx, dan, inv.ID)
		wantErr(t, err, errs.KindConflict, "invitation_expired")

		// Four sweepers at once: the invitation expires exactly once.
		var wg sync.WaitGroup
		total := 0
		var mu sync.Mutex
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := f.acc.ExpireInvitations(f.ctx, f.clk.Now())
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		if total != 1 {
			t.Fatalf("expiry applied %d times, want 1", total)
		}
		got, _ := f.acc.Invitation(f.ctx, ann, inv.ID)
		if got.Status != accounts.InviteExpired {
			t.Fatalf("status %s", got.Status)
		}
		log, _ := f.acc.AuditLog(f.ctx, ann, acc.ID, page.Request{})
		if log.Items[0].Action != "invitation.expired" || log.Items[0].ActorID != "" {
			t.Fatalf("last audit entry %+v", log.Items[0])
		}
		// Once expired, the address may be invited again.
		if _, err := f.acc.Invite(f.ctx, ann, acc.ID, "dan@example.com", accounts.Member); err != nil {
			t.Fatal(err)
		}
	})
}

func TestPoliciesValidationChangesNothing(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f *fixture) {
		ann, bob := f.user(t, "ann@example.com"), f.user(t, "bob@example.com")
		acc, _ := f.acc.Create(f.ctx, ann, "Acme", "")
		f.join(t, ann, acc.ID, bob, accounts.Member)
		usd := func(a int64) *money.Money { m := money.New(a, "USD"); return &m }

		good := accounts.Policies{OrderApprovalThreshold: usd(50000), MemberMonthlyLimit: usd(200000),
			MemberLimits: map[string]money.Money{bob.ID: money.New(10000, "USD")}}
		if _, err := f.acc.SetPolicies(f.ctx, ann, acc.ID, good); err != nil {
			t.Fatal(err)
		}
		_, err := f.acc.SetPolicies(f.ctx, bob, acc.ID, accounts.Policies{})
		wantErr(t, err, errs.KindForbidden, "role_not_allowed")

		bad := []struct {
			p     accounts.Policies
			field string
			code  string
		}{
			{accounts.Policies{OrderApprovalThreshold: usd(-1)}, "order_approval_threshold", "amount_negative"},
			{accounts.Policies{MemberMonthlyLimit: &money.Money{Amount: 10, Currency: "EUR"}}, "member_monthly_limit", "currency_mismatch"},
			{accounts.Policies{MemberLimits: map[string]money.Money{"usr_nobody": money.New(1, "USD")}}, "member_limits.usr_nobody", "not_a_member"},
			{accounts.Policies{MemberLimits: map[string]money.Money{ann.ID: money.New(1, "USD")}}, "member_limits." + ann.ID, "admin_has_no_limit"},
		}
		for _, b := range bad {
			_, err := f.acc.SetPolicies(f.ctx, ann, acc.ID, b.p)
			e, ok := errs.As(err)
			if !ok || e.Kind != errs.KindInvalid || e.Field != b.field || e.Code != b.code {
				t.Fatalf("policies %+v: got %v, want %s on %s", b.p, err, b.code, b.field)
			}
		}
		got, _ := f.acc.Policies(f.ctx, bob, acc.ID)
		if got.OrderApprovalThreshold.Amount != 50000 || got.MemberMonthlyLimit.Amount != 200000 || got.MemberLimits[bob.ID].Amount != 10000 {
			t.Fatalf("policies changed by refused updates: %+v", got)
		}
		log, _ := f.acc.AuditLog(f.ctx, ann, acc.ID, page.Request{})
		if log.Items[0].Action != "policies.changed" {
			t.Fatalf("last audit %+v", log.Items[0])
		}
		before := log.Items[0].Details["before"].(map[string]any)
		if before["order_approval_threshold"] != nil {
			t.Fatalf("before = %v", before)
		}
		// Saving the same policies again records nothing.
		f.acc.SetPolicies(f.ctx, ann, acc.ID, good)
		log2, _ := f.acc.AuditLog(f.ctx, ann, acc.ID, page.Request{})
		if len(log2.Items) != len(log.Items) {
			t.Fatalf("an unchanged save was audited")
		}
		// A removed member's own limit goes with them.
		if err := f.acc.RemoveMember(f.ctx, ann, acc.ID, bob.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = f.acc.Policies(f.ctx, ann, acc.ID)
		if len(got.MemberLimits) != 0 {
			t.Fatalf("limits after removal: %v", got.MemberLimits)
		}
	})
}

func TestPendingApprovalsFilter(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f *fixture) {
		ann, bob := f.user(t, "ann@example.com"), f.user(t, "bob@example.com")
		acc, _ := f.acc.Create(f.ctx, ann, "Acme", "")
		f.join(t, ann, acc.ID, bob, accounts.Member)
		f.acc.SetPolicies(f.ctx, ann, acc.ID, accounts.Policies{InvitationApproval: true})
		for i := range 3 {
			if _, err := f.acc.Invite(f.ctx, bob, acc.ID, fmt.Sprintf("p%d@example.com", i), accounts.Member); err != nil {
				t.Fatal(err)
			}
		}
		f.acc.Invite(f.ctx, ann, acc.ID, "direct@example.com", accounts.Member)
		p, err := f.acc.Invitations(f.ctx, ann, acc.ID, accounts.InvitePendingApproval, page.Request{Limit: 2})
		if err != nil || len(p.Items) != 2 || p.NextCursor == "" {
			t.Fatalf("first page %+v %v", p, err)
		}
		_, err = f.acc.Invitations(f.ctx, ann, acc.ID, "waiting", page.Request{})
		wantErr(t, err, errs.KindInvalid, "status_invalid")
	})
}
