package api_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"atelier/internal/app/apptest"
	"atelier/internal/db"
)

// operation returns one operation of the served document.
func operation(t *testing.T, doc map[string]any, method, path string) map[string]any {
	t.Helper()
	item, _ := doc["paths"].(map[string]any)["/api/v1"+path].(map[string]any)
	op, ok := item[strings.ToLower(method)].(map[string]any)
	if !ok {
		t.Fatalf("%s %s is not in the document", method, path)
	}
	return op
}

// dig walks a JSON value by object keys.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func queryParams(op map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	list, _ := op["parameters"].([]any)
	for _, p := range list {
		p := p.(map[string]any)
		if p["in"] == "query" {
			out[p["name"].(string)] = p
		}
	}
	return out
}

// The document says what the API really sends and reads (issue 17, part 4);
// the contract check of apptest then holds every answer of the suite to it.
func TestOpenAPITellsTheTruth(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, db.SQLite)
	anon := s.Client(t)
	doc := anon.Must(200, "GET", "/api/openapi.json", nil)
	schemaOf := func(method, path, status string) any {
		return dig(operation(t, doc, method, path), "responses", status, "content", "application/json", "schema")
	}

	// A rating is written as 4.87 or null, not as the integer it is stored as.
	rating := dig(schemaOf("GET", "/services/{service}", "200"), "properties", "rating")
	if b, _ := json.Marshal(dig(rating, "type")); string(b) != `["number","null"]` {
		t.Errorf("a service's rating is described as %v", rating)
	}
	for _, path := range []string{"/freelancers/{freelancer}", "/me/recently-viewed", "/me/dashboard", "/services"} {
		if b, _ := json.Marshal(schemaOf("GET", path, "200")); !strings.Contains(string(b), `"rating":{"description"`) {
			t.Errorf("GET %s does not describe its ratings as numbers or null: %s", path, b)
		}
	}

	// An answer requires what it always writes, and only that.
	order := schemaOf("GET", "/orders/{order}", "200")
	required, _ := dig(order, "required").([]any)
	if !slices.Contains(required, any("status")) || !slices.Contains(required, any("total")) || slices.Contains(required, any("completed_at")) {
		t.Errorf("an order requires %v", required)
	}

	// Sign-in's refusals, body limits, file types and public operations.
	signIn := operation(t, doc, "POST", "/sessions")
	if dig(signIn, "responses", "401") == nil || dig(signIn, "responses", "429", "headers", "Retry-After", "required") != true {
		t.Errorf("POST /sessions does not declare 401 and 429 with Retry-After: %v", signIn["responses"])
	}
	if sec, ok := signIn["security"].([]any); !ok || len(sec) != 0 {
		t.Errorf("a public operation's security is %v, want []", signIn["security"])
	}
	if sec, _ := operation(t, doc, "GET", "/me")["security"].([]any); len(sec) != 2 {
		t.Errorf("GET /me's security is %v", sec)
	}
	if dig(operation(t, doc, "POST", "/accounts"), "responses", "413") == nil {
		t.Error("a route with a body does not declare 413")
	}
	if dig(operation(t, doc, "GET", "/me"), "responses", "413") != nil {
		t.Error("a route without a body declares 413")
	}
	download, _ := dig(operation(t, doc, "GET", "/orders/{order}/files/{file}"), "responses", "200", "content").(map[string]any)
	if download["application/pdf"] == nil || download["image/png"] == nil || download["application/octet-stream"] != nil {
		t.Errorf("a file download declares %v", download)
	}
	if pdf, _ := dig(operation(t, doc, "GET", "/invoices/{invoice}/pdf"), "responses", "200", "content").(map[string]any); len(pdf) != 1 || pdf["application/pdf"] == nil {
		t.Errorf("an invoice's PDF declares %v", pdf)
	}

	// Query parameters, with the values the API accepts.
	search := queryParams(operation(t, doc, "GET", "/services"))
	for _, name := range []string{"q", "category", "sort", "min_price", "max_price", "currency", "max_delivery_days", "pro", "min_rating", "limit", "cursor"} {
		if search[name] == nil {
			t.Errorf("GET /services does not declare ?%s", name)
		}
	}
	if sorts, _ := dig(search["sort"], "schema", "enum").([]any); len(sorts) != 5 {
		t.Errorf("sort's values: %v", sorts)
	}
	for _, r := range []struct{ path, some string }{
		{"/accounts/{account}/orders", "running"}, {"/freelancers/{freelancer}/orders", "awaiting_payment"},
		{"/accounts/{account}/invitations", "pending_approval"}, {"/accounts/{account}/spend-approvals", "applied"},
		{"/accounts/{account}/offers", "expired"}, {"/freelancers/{freelancer}/offers", "withdrawn"},
		{"/resolutions", "decided"}, {"/guarantee-claims", "granted"}, {"/pro-applications", "approved"},
	} {
		values, _ := dig(queryParams(operation(t, doc, "GET", r.path))["status"], "schema", "enum").([]any)
		if !slices.Contains(values, any(r.some)) {
			t.Errorf("GET %s: status values %v lack %s", r.path, values, r.some)
		}
	}
	if queryParams(operation(t, doc, "GET", "/me/dashboard"))["account_id"] == nil {
		t.Error("GET /me/dashboard does not declare ?account_id")
	}
}

// Every status a list declares is one it accepts, and one it does not
// declare is refused.
func TestDeclaredStatusesAreAccepted(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, db.SQLite)
	doc := s.Client(t).Must(200, "GET", "/api/openapi.json", nil)
	ann, _ := s.SignUp(t, "ann@example.com", "Ann")
	acc := ann.Must(201, "POST", "/api/v1/accounts", map[string]any{"name": "Acme"})["id"].(string)
	for _, path := range []string{"/accounts/{account}/orders", "/accounts/{account}/invitations", "/accounts/{account}/spend-approvals", "/accounts/{account}/offers"} {
		concrete := "/api/v1" + strings.Replace(path, "{account}", acc, 1)
		values, _ := dig(queryParams(operation(t, doc, "GET", path))["status"], "schema", "enum").([]any)
		for _, v := range values {
			ann.Must(200, "GET", concrete+"?status="+v.(string), nil)
		}
		wantError(t, ann.Do("GET", concrete+"?status=nonsense", nil), 422, "status_invalid", "status")
	}
}

// A request's schema carries the rules the domain runs on it, from the same
// check tags: what is required, lengths, ranges and values.
func TestOpenAPIRequestsCarryTheDomainsRules(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, db.SQLite)
	doc := s.Client(t).Must(200, "GET", "/api/openapi.json", nil)
	body := func(method, path string) any {
		return dig(operation(t, doc, method, path), "requestBody", "content", "application/json", "schema")
	}
	compact := func(v any) string { b, _ := json.Marshal(v); return string(b) }

	service := body("POST", "/services")
	if got := compact(dig(service, "required")); got != `["title","description","packages"]` {
		t.Errorf("a service requires %s", got)
	}
	if got := compact(dig(service, "properties", "title")); got != `{"maxLength":120,"minLength":10,"type":"string"}` {
		t.Errorf("a service's title: %s", got)
	}
	if got := compact(dig(service, "properties", "packages", "maxItems")); got != "3" {
		t.Errorf("a service's packages: %s", compact(dig(service, "properties", "packages")))
	}
	pkg := dig(service, "properties", "packages", "items")
	if got := compact(dig(pkg, "properties", "delivery_days")); got != `{"maximum":365,"minimum":1,"type":"integer"}` {
		t.Errorf("a package's delivery days: %s", got)
	}
	if got := compact(dig(body("POST", "/freelancers"), "required")); got != `["display_name"]` {
		t.Errorf("a profile requires %s", got)
	}
	project := body("POST", "/accounts/{account}/projects")
	if got := compact(dig(project, "properties", "type", "enum")); got != `["website","branding","marketing_campaign","video","software","content","other"]` {
		t.Errorf("a project's types: %s", got)
	}
	if got := compact(dig(body("PUT", "/accounts/{account}/billing-info"), "properties", "vat_id", "maxLength")); got != "30" {
		t.Errorf("billing info's vat_id: %s", got)
	}

	// And the domain refuses what the document refuses, with its codes.
	ann, _ := s.SignUp(t, "ann@example.com", "Ann")
	acc := ann.Must(201, "POST", "/api/v1/accounts", map[string]any{"name": "Acme"})["id"].(string)
	wantError(t, ann.Do("POST", "/api/v1/accounts/"+acc+"/projects", map[string]any{"name": "Site", "type": "opera"}), 422, "project_type_invalid", "type")
	wantError(t, ann.Do("POST", "/api/v1/accounts/"+acc+"/projects", map[string]any{"name": "Site", "type": "website", "visibility": "public"}), 422, "visibility_invalid", "visibility")
	r := ann.Do("PUT", "/api/v1/accounts/"+acc+"/billing-info", map[string]any{"vat_id": strings.Repeat("X", 31)})
	wantError(t, r, 422, "too_long", "vat_id")
	wantError(t, ann.Do("POST", "/api/v1/freelancers", map[string]any{"display_name": " ", "country": "FR", "hourly_rate": map[string]any{"amount": 5000, "currency": "USD"}}), 422, "required", "display_name")
}
