package api_test

import (
	"slices"
	"testing"

	"atelier/internal/app/apptest"
	"atelier/internal/db/dbtest"
)

// An order's "actions" are exactly what its viewer may do: along an
// order's life — waiting for approval, approved, delivered, sent back,
// delivered again, its review extended, accepted — every action an order
// lists to a viewer is one the API carries out (the walk takes each step
// through a listed action), and every action it does not list is refused
// and changes nothing, for the admin, the member who bought it and the
// freelancer.
func TestOrderActionsAreWhatTheAPIAccepts(t *testing.T) {
	dbtest.EachWith(t, newMarket, func(t *testing.T, m market) {
		acc := "/api/v1/accounts/" + m.ac
		m.admin.Must(201, "POST", acc+"/deposits", map[string]any{"amount": usd(500_000)})
		m.admin.Must(200, "PUT", acc+"/policies", map[string]any{"order_approval_threshold": usd(10_000)})
		place := func() string {
			return "/api/v1/orders/" + m.member.Must(201, "POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic"})["id"].(string)
		}
		path := place()
		// Each order-level action as the API call that does it.
		calls := map[string]struct {
			suffix string
			body   map[string]any
		}{
			"approve":          {"/approve", nil},
			"reject":           {"/reject", map[string]any{"reason": "No budget"}},
			"cancel":           {"/cancel", map[string]any{"reason": "Not needed"}},
			"deliver":          {"/deliveries", map[string]any{"message": "Here it is"}},
			"accept":           {"/accept", nil},
			"request_revision": {"/revisions", map[string]any{"message": "Bolder"}},
			"extend_review":    {"/extend-review", map[string]any{"days": 1}},
			"message":          {"/messages", map[string]any{"body": "Hello"}},
			"open_request":     {"/resolutions", map[string]any{"kind": "extend_delivery", "days": 1, "message": "More time"}},
			"escalate":         {"/resolutions", map[string]any{"kind": "escalate", "message": "Help"}},
			"claim_guarantee":  {"/guarantee-claim", map[string]any{"reason": "Not as described"}},
			"stop":             {"/stop", nil},
			"pay_milestone":    {"/milestones/pay", nil},
			"pause":            {"/hourly/pause", nil},
			"resume":           {"/hourly/resume", nil},
			"end":              {"/hourly/end", nil},
			"set_limit":        {"/hourly/limit", map[string]any{"weekly_limit_hours": 5}},
			"retry_charge":     {"/hourly/retry-charge", nil},
		}
		// What does not change anything: the actions that write only
		// beside the order.
		harmless := map[string]bool{"message": true, "see_invoices": true}
		viewers := []struct {
			name string
			c    *apptest.Client
		}{{"the admin", m.admin}, {"the buyer", m.member}, {"the freelancer", m.seller}}
		actionsOn := func(path string, c *apptest.Client) []string {
			var list []string
			r := c.Do("GET", path, nil)
			if r.Status == 404 {
				return nil // the freelancer learns of an order once approved
			}
			o := c.Must(200, "GET", path, nil)
			all, _ := o["actions"].([]any) // absent when there is none
			for _, a := range all {
				list = append(list, a.(string))
			}
			return list
		}
		actionsOf := func(c *apptest.Client) []string { return actionsOn(path, c) }
		// refused checks every action no viewer is offered is refused and
		// leaves the order as it was.
		refused := func(state string) {
			t.Helper()
			for _, v := range viewers {
				allowed := actionsOf(v.c)
				for a, call := range calls {
					if slices.Contains(allowed, a) {
						continue
					}
					before := m.admin.Must(200, "GET", path, nil)
					r := v.c.Do("POST", path+call.suffix, call.body)
					if r.Status < 400 || r.Status >= 500 {
						t.Errorf("%s, %s: %s was not offered (%v) but the API answered %d %s", state, v.name, a, allowed, r.Status, r.Raw)
						continue
					}
					after := m.admin.Must(200, "GET", path, nil)
					if before["status"] != after["status"] || before["revisions_used"] != after["revisions_used"] || before["review_extension_days"] != after["review_extension_days"] {
						t.Errorf("%s, %s: the refused %s changed the order", state, v.name, a)
					}
				}
			}
		}
		// take does a step through an action the viewer is offered.
		take := func(path string, v *apptest.Client, a string) {
			t.Helper()
			if !slices.Contains(actionsOn(path, v), a) {
				t.Fatalf("%s is not offered: %v", a, actionsOn(path, v))
			}
			call := calls[a]
			if r := v.Do("POST", path+call.suffix, call.body); r.Status >= 300 {
				t.Fatalf("%s was offered but the API answered %d %s", a, r.Status, r.Raw)
			}
		}
		steps := []struct {
			state string
			who   *apptest.Client
			then  string
			want  map[*apptest.Client][]string // actions a viewer must be offered here
		}{
			{"waiting for approval", m.admin, "approve", map[*apptest.Client][]string{m.admin: {"approve", "reject", "cancel", "message"}, m.member: {"cancel", "message"}}},
			{"in progress", m.seller, "deliver", map[*apptest.Client][]string{m.seller: {"deliver", "message", "open_request", "escalate"}}},
			{"delivered", m.member, "request_revision", map[*apptest.Client][]string{m.member: {"accept", "request_revision", "extend_review", "open_request"}}},
			{"sent back", m.seller, "deliver", nil},
			{"delivered again", m.admin, "extend_review", map[*apptest.Client][]string{m.admin: {"accept", "extend_review", "see_invoices"}}},
			{"its review extended", m.member, "accept", nil},
		}
		// offered checks every action a viewer is offered is carried out:
		// each on an order of its own brought to the same state.
		offered := func(n int) {
			t.Helper()
			for _, v := range viewers {
				for _, a := range actionsOf(v.c) {
					if harmless[a] || calls[a].suffix == "" {
						continue
					}
					fresh := place()
					for _, st := range steps[:n] {
						take(fresh, st.who, st.then)
					}
					call := calls[a]
					if r := v.c.Do("POST", fresh+call.suffix, call.body); r.Status >= 300 {
						t.Errorf("%s, %s: %s was offered but the API answered %d %s", steps[n].state, v.name, a, r.Status, r.Raw)
					}
				}
			}
		}
		for i, step := range steps {
			for v, want := range step.want {
				got := actionsOf(v)
				for _, a := range want {
					if !slices.Contains(got, a) {
						t.Errorf("%s: %s is not offered %s (offered %v)", step.state, a, v.Token[:6], got)
					}
				}
			}
			refused(step.state)
			offered(i)
			take(path, step.who, step.then)
		}
		if o := m.admin.Must(200, "GET", path, nil); o["status"] != "completed" {
			t.Fatalf("after the walk: %v", o["status"])
		}
		refused("completed")
		for _, v := range viewers {
			for _, a := range actionsOf(v.c) {
				if !harmless[a] {
					t.Errorf("completed, %s: offered %s", v.name, a)
				}
			}
		}
	})
}

// The members an order may be shared with are the domain's (ShareOrder's
// rule): members of the account who do not see it yet, never someone on the
// freelancer's side — not the admin or a billing manager (they see every
// order), not the buyer, not one it is shared with already.
func TestShareCandidatesFollowTheSharingRule(t *testing.T) {
	dbtest.EachWith(t, newMarket, func(t *testing.T, m market) {
		acc := "/api/v1/accounts/" + m.ac
		invite := func(email, name, role string) (*apptest.Client, string) {
			c, _ := m.s.SignUp(t, email, name)
			inv := m.admin.Must(201, "POST", acc+"/invitations", map[string]any{"email": email, "role": role})
			c.Must(200, "POST", "/api/v1/invitations/"+inv["id"].(string)+"/accept", nil)
			return c, c.Must(200, "GET", "/api/v1/me", nil)["id"].(string)
		}
		_, bea := invite("bea@acme.test", "Bea Billing", "billing_manager")
		_, cal := invite("cal@acme.test", "Cal Colleague", "member")
		_, dan := invite("dan@acme.test", "Dan Shared", "member")
		m.admin.Must(201, "POST", acc+"/invitations", map[string]any{"email": "seller@studio.test"})
		for _, it := range items(m.seller.Must(200, "GET", "/api/v1/me/invitations", nil)) {
			m.seller.Must(200, "POST", "/api/v1/invitations/"+it.(map[string]any)["id"].(string)+"/accept", nil)
		}
		m.admin.Must(201, "POST", acc+"/deposits", map[string]any{"amount": usd(100_000)})
		o := m.member.Must(201, "POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic"})
		m.member.Must(201, "POST", "/api/v1/orders/"+o["id"].(string)+"/shares", map[string]any{"user_id": dan})
		buyer, _, err := m.s.App.Users.ByEmail(t.Context(), m.s.App.DB, "member@acme.test")
		if err != nil {
			t.Fatal(err)
		}
		list, err := m.s.App.Sharing.ShareCandidates(t.Context(), buyer, o["id"].(string))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range list {
			got = append(got, c.UserID)
		}
		if len(got) != 1 || got[0] != cal {
			t.Fatalf("candidates %v, want only Cal %s (not Bea %s, Dan %s, the admin, the buyer or the seller)", got, cal, bea, dan)
		}
	})
}

// An admin who also manages the project of an order acts on it as the
// client (what the account gives comes first), not as its manager: they
// accept a delivery on an order they placed.
func TestTheAdminWhoManagesTheProjectIsTheClient(t *testing.T) {
	dbtest.EachWith(t, newMarket, func(t *testing.T, m market) {
		ops := operator(t, m)
		opsID := ops.Must(200, "GET", "/api/v1/me", nil)["id"].(string)
		ac := ops.Must(201, "POST", "/api/v1/accounts", map[string]any{"name": "Ops Studio"})["id"].(string)
		ops.Must(201, "POST", "/api/v1/accounts/"+ac+"/payment-methods", map[string]any{"type": "card", "token": "tok_visa"})
		pid := ops.Must(201, "POST", "/api/v1/accounts/"+ac+"/projects", map[string]any{"name": "Site", "type": "website"})["id"].(string)
		ops.Must(200, "POST", "/api/v1/projects/"+pid+"/project-manager-request", nil)
		ops.Must(200, "POST", "/api/v1/projects/"+pid+"/project-manager", map[string]any{"user_id": opsID})
		id := ops.Must(201, "POST", "/api/v1/orders", map[string]any{"account_id": ac, "service_id": m.service, "package": "Basic", "project_id": pid})["id"].(string)
		m.seller.Must(201, "POST", "/api/v1/orders/"+id+"/deliveries", map[string]any{"message": "Done"})
		o := ops.Must(200, "GET", "/api/v1/orders/"+id, nil)
		if o["side"] != "client" || !slices.Contains(o["actions"].([]any), any("accept")) {
			t.Fatalf("the admin who manages the project: side %v, actions %v", o["side"], o["actions"])
		}
		ops.Must(200, "POST", "/api/v1/orders/"+id+"/accept", nil)
	})
}

// A milestone's "actions" are what its viewer may do, the same way: along
// a two-milestone order — the first running, delivered, sent back,
// delivered again, approved (the second starts), the second delivered —
// each milestone action listed is carried out on an order brought to the
// same state, and each one not listed is refused and changes nothing.
func TestMilestoneActionsAreWhatTheAPIAccepts(t *testing.T) {
	dbtest.EachWith(t, newMarket, func(t *testing.T, m market) {
		m.admin.Must(201, "POST", "/api/v1/accounts/"+m.ac+"/deposits", map[string]any{"amount": usd(500_000)})
		place := func() string {
			offer := m.seller.Must(201, "POST", "/api/v1/offers", milestonesOffer(m.ac, 10_000, 20_000))["id"].(string)
			return "/api/v1/orders/" + m.admin.Must(201, "POST", "/api/v1/offers/"+offer+"/accept", map[string]any{})["id"].(string)
		}
		calls := map[string]struct {
			suffix string
			body   map[string]any
		}{
			"deliver":          {"/deliver", map[string]any{"message": "Stage done"}},
			"approve":          {"/approve", map[string]any{}},
			"request_revision": {"/revision", map[string]any{"message": "Again"}},
		}
		milestone := func(path string, c *apptest.Client, i int) (id string, actions []string, status string) {
			r := c.Do("GET", path, nil)
			if r.Status == 404 {
				return "", nil, ""
			}
			ms := c.Must(200, "GET", path, nil)["milestones"].([]any)[i].(map[string]any)
			list, _ := ms["actions"].([]any) // absent when there is none
			for _, a := range list {
				actions = append(actions, a.(string))
			}
			return ms["id"].(string), actions, ms["status"].(string)
		}
		do := func(path string, c *apptest.Client, i int, a string) apptest.Response {
			id, _, _ := milestone(path, m.admin, i)
			call := calls[a]
			return c.Do("POST", path+"/milestones/"+id+call.suffix, call.body)
		}
		steps := []struct {
			who *apptest.Client
			i   int
			a   string
		}{{m.seller, 0, "deliver"}, {m.admin, 0, "request_revision"}, {m.seller, 0, "deliver"}, {m.admin, 0, "approve"}, {m.seller, 1, "deliver"}, {m.admin, 1, "approve"}}
		viewers := []struct {
			name string
			c    *apptest.Client
		}{{"the admin", m.admin}, {"a member", m.member}, {"the freelancer", m.seller}}
		path := place()
		for n, step := range steps {
			for _, v := range viewers {
				for i := range 2 {
					_, listed, status := milestone(path, v.c, i)
					for a := range calls {
						if slices.Contains(listed, a) {
							fresh := place()
							for _, st := range steps[:n] {
								if r := do(fresh, st.who, st.i, st.a); r.Status >= 300 {
									t.Fatalf("replaying %s on milestone %d: %d %s", st.a, st.i, r.Status, r.Raw)
								}
							}
							if r := do(fresh, v.c, i, a); r.Status >= 300 {
								t.Errorf("step %d, %s, milestone %d (%s): %s was offered but the API answered %d %s", n, v.name, i, status, a, r.Status, r.Raw)
							}
							continue
						}
						_, _, before := milestone(path, m.admin, i)
						if r := do(path, v.c, i, a); r.Status < 400 || r.Status >= 500 {
							t.Errorf("step %d, %s, milestone %d (%s): %s was not offered (%v) but the API answered %d", n, v.name, i, status, a, listed, r.Status)
						}
						if _, _, after := milestone(path, m.admin, i); after != before {
							t.Errorf("step %d, %s: the refused %s moved milestone %d from %s to %s", n, v.name, a, i, before, after)
						}
					}
				}
			}
			// Stopping the order is offered exactly when the API accepts it
			// (a delivered last milestone leaves nothing to stop).
			for _, v := range viewers {
				r := v.c.Do("GET", path, nil)
				if r.Status == 404 {
					continue
				}
				offered := slices.Contains(anyStrings(v.c.Must(200, "GET", path, nil)["actions"]), "stop")
				fresh := place()
				for _, st := range steps[:n] {
					do(fresh, st.who, st.i, st.a)
				}
				before := m.admin.Must(200, "GET", fresh, nil)["status"]
				got := v.c.Do("POST", fresh+"/stop", nil)
				if offered != (got.Status < 300) || got.Status >= 500 {
					t.Errorf("step %d, %s: stop offered %v, the API answered %d %s", n, v.name, offered, got.Status, got.Raw)
				}
				if after := m.admin.Must(200, "GET", fresh, nil)["status"]; !offered && after != before {
					t.Errorf("step %d, %s: the refused stop moved the order from %v to %v", n, v.name, before, after)
				}
			}
			if _, listed, _ := milestone(path, step.who, step.i); !slices.Contains(listed, step.a) {
				t.Fatalf("step %d: %s is not offered on milestone %d: %v", n, step.a, step.i, listed)
			}
			if r := do(path, step.who, step.i, step.a); r.Status >= 300 {
				t.Fatalf("step %d: %s: %d %s", n, step.a, r.Status, r.Raw)
			}
		}
		if o := m.admin.Must(200, "GET", path, nil); o["status"] != "completed" {
			t.Fatalf("after the walk: %v", o["status"])
		}
	})
}

// anyStrings reads a JSON list of strings (nil when absent).
func anyStrings(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		out = append(out, x.(string))
	}
	return out
}
