package api_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"

	"atelier/internal/app/apptest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/demo"
)

var updateMatrix = flag.Bool("update-matrix", false, "rewrite testdata/authz_matrix.txt from the answers")

// matrixRoles are the callers of the authorization matrix, in the order
// they call each route (the admin last, since the admin's calls change the
// most).
var matrixRoles = []string{"anonymous", "member", "billing", "freelancer", "other_admin", "operator", "admin"}

// matrixParams finds, in a demo marketplace, the record each path
// parameter names: the Northwind account's, its freelancer's, their first
// order's… in an order that does not depend on random ids. A parameter
// with no record is "missing" (a 404 for everyone who may look).
var matrixParams = map[string][]string{
	"account":    {`SELECT m.account_id FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = 'admin@northwind.test'`},
	"user":       {`SELECT id FROM users WHERE email = 'member@northwind.test'`},
	"freelancer": {`SELECT f.id FROM freelancers f JOIN users u ON u.id = f.owner_id WHERE u.email = 'freelancer@atelier.test'`},
	"service":    {`SELECT id FROM services WHERE freelancer_id = {freelancer} ORDER BY created_at, title`},
	"order":      {`SELECT id FROM orders WHERE account_id = {account} AND freelancer_id = {freelancer} ORDER BY created_at, title`, `SELECT id FROM orders WHERE account_id = {account} ORDER BY created_at, title`},
	"inv":        {`SELECT id FROM invitations WHERE account_id = {account} ORDER BY created_at`},
	"app":        {`SELECT id FROM pro_applications ORDER BY created_at`},
	"list":       {`SELECT id FROM lists WHERE account_id = {account} ORDER BY created_at, name`},
	"item":       {`SELECT id FROM list_items WHERE list_id = {list} ORDER BY created_at`},
	"pm":         {`SELECT id FROM payment_methods WHERE account_id = {account} ORDER BY created_at`},
	"deposit":    {`SELECT id FROM deposits WHERE account_id = {account} ORDER BY created_at`},
	"invoice":    {`SELECT id FROM invoices WHERE account_id = {account} ORDER BY number`},
	"offer":      {`SELECT id FROM offers WHERE freelancer_id = {freelancer} ORDER BY created_at, title`},
	"milestone":  {`SELECT id FROM order_milestones WHERE order_id = {order} ORDER BY position`},
	"project":    {`SELECT id FROM projects WHERE account_id = {account} ORDER BY created_at, name`},
	"proposal":   {`SELECT id FROM project_proposals WHERE project_id = {project} ORDER BY created_at`},
	"featured":   {`SELECT id FROM featured_projects ORDER BY created_at, title`},
	"report":     {`SELECT id FROM hourly_reports WHERE order_id = {order} ORDER BY week_start`},
	"r":          {`SELECT id FROM order_requests WHERE order_id = {order} ORDER BY created_at`},
	"file":       {`SELECT id FROM order_files WHERE order_id = {order} ORDER BY name`},
	"c":          {`SELECT id FROM guarantee_claims ORDER BY created_at`},
	"approval":   {`SELECT id FROM spend_approvals WHERE account_id = {account} ORDER BY created_at`},
	"id":         {`SELECT id FROM credit_notes WHERE account_id = {account} ORDER BY seq`},
}

// Every API route, called by every kind of caller on a demo marketplace,
// answers as testdata/authz_matrix.txt says (the table is reviewed like
// code: regenerate it with -update-matrix and read the diff). Besides the
// table: nothing is ever a 5xx, an anonymous caller gets 401 from every
// route that is not public, and another account's admin never succeeds on
// a route of the Northwind account.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		ctx := context.Background()
		s := apptest.Start(t, e)
		a := s.App
		sum, err := demo.Fill(ctx, demo.Services{DB: a.DB, Users: a.Users, Accounts: a.Accounts, Catalog: a.Catalog,
			Billing: a.Billing, Orders: a.Orders, Resolutions: a.Resolutions, Projects: a.Projects, Lists: a.Lists, Network: a.Network}, demo.Options{Services: 30})
		if err != nil {
			t.Fatal(err)
		}
		clients := map[string]*apptest.Client{"anonymous": s.Client(t)}
		roleOf := map[string]string{"operator": "operator", "account admin": "admin", "billing manager": "billing", "member": "member", "freelancer": "freelancer"}
		for _, l := range sum.Logins {
			c := s.Client(t)
			sess := c.Must(201, "POST", "/api/v1/sessions", map[string]any{"email": l.Email, "password": demo.Password})
			c.Token = sess["token"].(string)
			clients[roleOf[l.Role]] = c
		}
		other, _ := s.SignUp(t, "other-admin@example.com", "Otto Other")
		other.Must(201, "POST", "/api/v1/accounts", map[string]any{"name": "Other Co", "currency": "EUR"})
		clients["other_admin"] = other

		params := map[string]string{}
		for _, name := range []string{"account", "user", "freelancer", "service", "order", "inv", "app", "list", "item", "pm", "deposit",
			"invoice", "offer", "milestone", "project", "proposal", "featured", "report", "r", "file", "c", "approval", "id"} {
			params[name] = "missing"
			for _, q := range matrixParams[name] {
				for k, v := range params {
					q = strings.ReplaceAll(q, "{"+k+"}", "'"+v+"'")
				}
				var id string
				if err := a.DB.QueryRow(ctx, q+` LIMIT 1`).Scan(&id); err == nil && id != "" {
					params[name] = id
					break
				} else if err != nil && !errors.Is(err, db.ErrNotFound) && !errors.Is(err, sql.ErrNoRows) {
					t.Fatalf("{%s}: %v", name, err)
				}
			}
		}

		var missing []string
		for k, v := range params {
			if v == "missing" {
				missing = append(missing, k)
			}
		}
		sort.Strings(missing)
		t.Logf("no record for {%s}", strings.Join(missing, "}, {"))

		var doc struct {
			Paths map[string]map[string]struct {
				Security []any `json:"security"`
			} `json:"paths"`
		}
		resp, err := http.Get(s.URL + "/api/openapi.json")
		if err != nil {
			t.Fatal(err)
		}
		json.NewDecoder(resp.Body).Decode(&doc)
		resp.Body.Close()
		var routes []string
		for path, ops := range doc.Paths {
			for method := range ops {
				r := strings.ToUpper(method) + " " + path
				if strings.Contains(path, "/test-clock") || r == "DELETE /api/v1/sessions/current" {
					continue // test mode only; ends the caller's own session
				}
				routes = append(routes, r)
			}
		}
		// Deletions come last: a member leaving the account or a list
		// deleted would change every answer after it.
		// A member leaving the account goes very last.
		rank := func(r string) int {
			switch {
			case r == "DELETE /api/v1/accounts/{account}/members/{user}":
				return 2
			case strings.HasPrefix(r, "DELETE "):
				return 1
			}
			return 0
		}
		sort.Slice(routes, func(i, j int) bool {
			if ri, rj := rank(routes[i]), rank(routes[j]); ri != rj {
				return ri < rj
			}
			return routes[i] < routes[j]
		})
		if len(routes) < 100 {
			t.Fatalf("only %d routes in the OpenAPI document", len(routes))
		}

		var got strings.Builder
		for _, r := range routes {
			method, path, _ := strings.Cut(r, " ")
			filled := path
			for k, v := range params {
				filled = strings.ReplaceAll(filled, "{"+k+"}", v)
			}
			fmt.Fprintf(&got, "%s", r)
			for _, role := range matrixRoles {
				var body any
				if method == "POST" || method == "PUT" || method == "PATCH" {
					body = map[string]any{}
				}
				code := clients[role].Do(method, filled, body).Status
				fmt.Fprintf(&got, " %s=%d", role, code)
				if code >= 500 {
					t.Errorf("%s as %s: %d", r, role, code)
				}
				public := true
				if op, ok := doc.Paths[path][strings.ToLower(method)]; ok && len(op.Security) > 0 {
					public = false
				}
				if role == "anonymous" && !public && code != 401 {
					t.Errorf("%s anonymously: %d, want 401", r, code)
				}
				if role == "other_admin" && strings.Contains(path, "{account}") && code < 300 {
					t.Errorf("%s as another account's admin: %d", r, code)
				}
			}
			got.WriteString("\n")
		}
		const golden = "testdata/authz_matrix.txt"
		if *updateMatrix && e == db.SQLite {
			if err := os.WriteFile(golden, []byte(got.String()), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -update-matrix to write it)", err)
		}
		wantLines, gotLines := strings.Split(string(want), "\n"), strings.Split(got.String(), "\n")
		wantBy := map[string]string{}
		for _, l := range wantLines {
			r, _, _ := strings.Cut(l, " anonymous=")
			wantBy[r] = l
		}
		for _, l := range gotLines {
			if l == "" {
				continue
			}
			r, _, _ := strings.Cut(l, " anonymous=")
			if w, ok := wantBy[r]; !ok {
				t.Errorf("a route not in the matrix: %s", l)
			} else if w != l {
				t.Errorf("matrix differs:\n  want %s\n  got  %s", w, l)
			}
			delete(wantBy, r)
		}
		for r := range wantBy {
			if r != "" {
				t.Errorf("in the matrix, not in the API: %s", r)
			}
		}
	})
}
