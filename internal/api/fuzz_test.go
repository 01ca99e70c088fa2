package api_test

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"

	"atelier/internal/app/apptest"
	"atelier/internal/db"
)

// fuzzRoutes are API routes with a JSON body, as an account admin who is
// also a freelancer with a service; {account}, {freelancer} and {service}
// are filled in.
var fuzzRoutes = []string{
	"POST /api/v1/users",
	"POST /api/v1/sessions",
	"POST /api/v1/accounts",
	"PATCH /api/v1/accounts/{account}",
	"PUT /api/v1/accounts/{account}/policies",
	"POST /api/v1/accounts/{account}/invitations",
	"PUT /api/v1/accounts/{account}/billing-info",
	"POST /api/v1/accounts/{account}/deposits",
	"POST /api/v1/accounts/{account}/lists",
	"POST /api/v1/accounts/{account}/projects",
	"PUT /api/v1/freelancers/{freelancer}",
	"POST /api/v1/services",
	"PUT /api/v1/services/{service}",
	"POST /api/v1/orders",
	"POST /api/v1/offers",
}

// FuzzAPIJSONBodies posts arbitrary bytes to API routes with a JSON body:
// whatever arrives, the answer is never a 5xx (bad input is a 4xx with the
// API's error body). go test runs the seeds; to search longer:
//
//	go test -run '^$' -fuzz FuzzAPIJSONBodies -fuzztime 1m ./internal/api/
func FuzzAPIJSONBodies(f *testing.F) {
	seeds := []string{``, `{}`, `null`, `[]`, `"x"`, `{"name":"Acme","currency":"EUR"}`, `{"name":1}`,
		`{"email":"a@example.com","password":"correct horse","name":"A"}`, `{"amount":{"amount":-1,"currency":"EUR"}}`,
		`{"amount":1e400}`, `{"amount":{"amount":9223372036854775807,"currency":"EUR"}}`, `{"title":"\u0000"}`,
		`{"packages":[{"name":"B","price":{"amount":1,"currency":"USD"},"delivery_days":0}]}`, `{"service_id":"x","package":99,"quantity":-1}`,
		`{"member_limits":{"usr_x":{"amount":5,"currency":"EUR"}}}`, `{`, `{"a":` + strings.Repeat("[", 10000), "\xff\xfe"}
	for i := range fuzzRoutes {
		for _, s := range seeds {
			f.Add(uint8(i), []byte(s))
		}
	}
	s := apptest.Start(f, db.SQLite)
	admin, _ := s.SignUp(f, "admin@example.com", "Ada Admin")
	acc := admin.Must(201, "POST", "/api/v1/accounts", map[string]any{"name": "Acme", "currency": "EUR"})
	fl := admin.Must(201, "POST", "/api/v1/freelancers", map[string]any{"display_name": "Ada Studio", "headline": "Logos", "hourly_rate": map[string]any{"amount": 5000, "currency": "EUR"}, "country": "FR"})
	svc := admin.Do("POST", "/api/v1/services", map[string]any{"freelancer_id": fl["id"], "title": "A logo for your brand", "description": "A clean logo for your brand, with the source files and three concepts to choose from.", "category": "graphics-design",
		"packages": []map[string]any{{"name": "Basic", "description": "One concept", "price": map[string]any{"amount": 10000, "currency": "EUR"}, "delivery_days": 3, "revisions": 1}}})
	svcID, _ := svc.Body["id"].(string)
	if svcID == "" {
		f.Fatalf("no service: %s", svc.Raw)
	}
	h := s.App.Handler()
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		method, path, _ := strings.Cut(fuzzRoutes[int(route)%len(fuzzRoutes)], " ")
		path = strings.NewReplacer("{account}", acc["id"].(string), "{freelancer}", fl["id"].(string), "{service}", svcID).Replace(path)
		req := httptest.NewRequest(method, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+admin.Token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", method, path, body, rec.Code, rec.Body)
		}
		if rec.Code >= 400 && !bytes.Contains(rec.Body.Bytes(), []byte(`"error"`)) {
			t.Fatalf("%s %s %q: %d without the error body: %s", method, path, body, rec.Code, rec.Body)
		}
	})
}
