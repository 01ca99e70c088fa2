package accounts

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"time"

	"atelier/internal/accounts"
	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/money"
	"atelier/internal/users"
	"atelier/internal/web/site"
)

// auditRow is one audit-log entry as a person reads it.
type auditRow struct {
	At      time.Time
	Actor   string
	Action  string
	Details []detail
}

// detail is one line of an entry's details: a value, or a change from
// Before to After.
type detail struct {
	Label         string
	Value         string
	Before, After string
	Change        bool
}

type auditData struct {
	Rows       []auditRow
	NextCursor string
}

const auditPageSize = 50

func (s *pages) auditLogPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	lang := httpx.Lang(r)
	a, p, err := s.AccountPage(r, u, auditPageSize)
	if err != nil {
		return err
	}
	log, err := s.Accounts.AuditLog(r.Context(), u, a.ID, p)
	if err != nil {
		return err
	}
	names := s.nameBook(r, u, a.ID)
	d := auditData{NextCursor: log.NextCursor}
	for _, e := range log.Items {
		row := auditRow{At: e.At, Actor: e.ActorName, Action: i18n.T(lang, "audit.action."+e.Action), Details: auditDetails(lang, e, names)}
		if e.ActorID == "" {
			row.Actor = i18n.T(lang, "audit.actor.platform")
		}
		if !i18n.Has("audit.action." + e.Action) {
			row.Action = e.Action
		}
		d.Rows = append(d.Rows, row)
	}
	s.Render(w, r, http.StatusOK, "audit", &site.View{Nav: "accounts", Title: i18n.T(lang, "audit.title"), Account: &a, Tab: "audit", Data: d})
	return nil
}

// nameBook returns a function naming a user id for the audit log: a member
// by name, anyone else (who has left) by the users domain, or by the id.
func (s *pages) nameBook(r *http.Request, u users.User, accountID string) func(id string) string {
	known := map[string]string{}
	if members, err := s.AllMembers(r, u, accountID); err == nil {
		for _, m := range members {
			known[m.UserID] = m.Name
		}
	}
	return func(id string) string {
		if n, ok := known[id]; ok {
			return n
		}
		if other, err := s.Users.Get(r.Context(), id); err == nil {
			known[id] = other.Name
			return other.Name
		}
		return id
	}
}

// auditDetails words an entry's details. Known fields get a label and a
// readable value (a role's name, an amount with its currency, a person's
// name); a policy change lists each policy that changed, before → after.
func auditDetails(lang string, e accounts.AuditEntry, name func(string) string) []detail {
	if e.Action == "policies.changed" {
		return policyChanges(lang, e.Details, name)
	}
	value := func(k string, v any) string {
		s := fmt.Sprint(v)
		switch k {
		case "role", "to_role_before":
			return i18n.T(lang, "role."+s)
		case "status", "status_before":
			return i18n.T(lang, "invitation.status."+s)
		case "user_id", "invited_by", "from", "to":
			return name(s)
		case "level":
			return i18n.T(lang, "rewards.level."+s)
		case "card":
			return site.CardText(s)
		case "amount", "reward", "total":
			var m money.Money
			if b, err := json.Marshal(v); err == nil && json.Unmarshal(b, &m) == nil && m.Currency != "" {
				if m.Amount == 0 {
					return "" // no reward: nothing to say
				}
				return m.Format(lang)
			}
		}
		return s
	}
	d := e.Details
	if b, ok := d["before"]; ok {
		if a, ok := d["after"]; ok {
			var out []detail
			if uid, ok := d["user_id"]; ok {
				out = append(out, detail{Label: i18n.T(lang, "audit.field.user_id"), Value: value("user_id", uid)})
			}
			field := "name"
			switch e.Action {
			case "member.role_changed":
				field = "role"
			case "rewards.level_changed":
				field = "level"
			}
			return append(out, detail{Label: i18n.T(lang, "audit.field."+field), Before: value(field, b), After: value(field, a), Change: true})
		}
	}
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []detail
	for _, k := range keys {
		if d[k] == nil || d[k] == "" {
			continue
		}
		v := value(k, d[k])
		if v == "" {
			continue
		}
		label := i18n.T(lang, "audit.field."+k)
		if !i18n.Has("audit.field." + k) {
			label = k
		}
		out = append(out, detail{Label: label, Value: v})
	}
	return out
}

// policyChanges compares the before and after of a policies.changed entry.
func policyChanges(lang string, d map[string]any, name func(string) string) []detail {
	var before, after accounts.Policies
	decode := func(v any, p *accounts.Policies) {
		b, _ := json.Marshal(v)
		json.Unmarshal(b, p)
	}
	decode(d["before"], &before)
	decode(d["after"], &after)
	onOff := func(b bool) string {
		if b {
			return i18n.T(lang, "common.on")
		}
		return i18n.T(lang, "common.off")
	}
	amount := func(m *money.Money) string {
		if m == nil {
			return i18n.T(lang, "common.none")
		}
		return m.Format(lang)
	}
	var out []detail
	add := func(key, b, a string) {
		if b != a {
			out = append(out, detail{Label: i18n.T(lang, key), Before: b, After: a, Change: true})
		}
	}
	add("policies.invitation_approval", onOff(before.InvitationApproval), onOff(after.InvitationApproval))
	add("policies.order_approval_threshold", amount(before.OrderApprovalThreshold), amount(after.OrderApprovalThreshold))
	add("policies.member_monthly_limit", amount(before.MemberMonthlyLimit), amount(after.MemberMonthlyLimit))
	add("policies.require_two_factor", onOff(before.RequireTwoFactor), onOff(after.RequireTwoFactor))
	users := map[string]bool{}
	for u := range before.MemberLimits {
		users[u] = true
	}
	for u := range after.MemberLimits {
		users[u] = true
	}
	ids := make([]string, 0, len(users))
	for u := range users {
		ids = append(ids, u)
	}
	sort.Strings(ids)
	limit := func(m map[string]money.Money, u string) string {
		if v, ok := m[u]; ok {
			return v.Format(lang)
		}
		return i18n.T(lang, "common.none")
	}
	for _, u := range ids {
		b, a := limit(before.MemberLimits, u), limit(after.MemberLimits, u)
		if b != a {
			out = append(out, detail{Label: i18n.T(lang, "audit.field.member_limit", "name", name(u)), Before: b, After: a, Change: true})
		}
	}
	return out
}
