package api_test

import (
	"testing"

	"atelier/internal/app/apptest"
	"atelier/internal/users"
)

func TestCatalogOverHTTP(t *testing.T) {
	apptest.Each(t, func(t *testing.T, s *apptest.Server) {
		anon := s.Client(t)
		cats := anon.Must(200, "GET", "/api/v1/categories", nil)["items"].([]any)
		if len(cats) < 10 || cats[0].(map[string]any)["name"] == "" {
			t.Fatalf("categories %v", cats)
		}
		seller, sellerID := s.SignUp(t, "seller@example.com", "Sam Seller")
		buyer, _ := s.SignUp(t, "buyer@example.com", "Bea Buyer")
		if _, err := s.App.Users.CreateOperator(t.Context(), users.NewUser{Email: "ops@example.com", Password: "correct horse", Name: "Ops"}); err != nil {
			t.Fatal(err)
		}
		ops := s.Client(t)
		ops.Token = ops.Must(201, "POST", "/api/v1/sessions", map[string]any{"email": "ops@example.com", "password": "correct horse"})["token"].(string)

		profile := map[string]any{"display_name": "Sam Studio", "headline": "Logos", "skills": []string{"logo design"},
			"languages": []string{"English"}, "country": "GB", "hourly_rate": map[string]any{"amount": 7000, "currency": "USD"}, "agency": true}
		wantError(t, anon.Do("POST", "/api/v1/freelancers", profile), 401, "not_signed_in", "")
		bad := map[string]any{}
		for k, v := range profile {
			bad[k] = v
		}
		bad["hourly_rate"] = map[string]any{"amount": -1, "currency": "USD"}
		wantError(t, seller.Do("POST", "/api/v1/freelancers", bad), 422, "amount_not_positive", "hourly_rate")
		fr := seller.Must(201, "POST", "/api/v1/freelancers", profile)
		fid := fr["id"].(string)
		if me := seller.Must(200, "GET", "/api/v1/me", nil); me["freelancer_id"] != fid {
			t.Fatalf("me.freelancer_id = %v", me["freelancer_id"])
		}
		if fr["owner_id"] != sellerID || fr["pro"] != false || fr["rating"] != nil {
			t.Fatalf("freelancer %v", fr)
		}
		team := seller.Must(201, "POST", "/api/v1/freelancers/"+fid+"/members", map[string]any{"email": "buyer@example.com", "title": "Designer"})
		if len(team["members"].([]any)) != 1 {
			t.Fatalf("team %v", team["members"])
		}

		svc := map[string]any{"freelancer_id": fid, "title": "Minimalist logo for your startup", "description": "Three concepts.",
			"category": "graphics-design", "max_quantity": 5, "pro_only": false,
			"packages": []map[string]any{
				{"name": "Basic", "price": map[string]any{"amount": 1000, "currency": "USD"}, "delivery_days": 3, "revisions": 1},
				{"name": "Premium", "price": map[string]any{"amount": 5000, "currency": "USD"}, "delivery_days": 5, "revisions": 3},
			}}
		for field, value := range map[string]any{"category": "cooking", "max_quantity": 1000} {
			b := map[string]any{}
			for k, v := range svc {
				b[k] = v
			}
			b[field] = value
			r := seller.Do("POST", "/api/v1/services", b)
			if r.Status != 422 {
				t.Fatalf("%s=%v: %d %s", field, value, r.Status, r.Raw)
			}
		}
		negative := map[string]any{}
		for k, v := range svc {
			negative[k] = v
		}
		negative["packages"] = []map[string]any{{"name": "Basic", "price": map[string]any{"amount": -100, "currency": "USD"}, "delivery_days": 3}}
		wantError(t, seller.Do("POST", "/api/v1/services", negative), 422, "amount_not_positive", "packages[0].price")
		wantError(t, buyer.Do("POST", "/api/v1/services", svc), 403, "not_your_profile", "")
		if n := anon.Must(200, "GET", "/api/v1/services", nil)["total"].(float64); n != 0 {
			t.Fatalf("refused services were stored: %v", n)
		}
		created := seller.Must(201, "POST", "/api/v1/services", svc)
		sid := created["id"].(string)

		found := anon.Must(200, "GET", "/api/v1/services?q=logos&category=graphics-design&max_price=2000&sort=relevance", nil)
		if found["total"].(float64) != 1 || found["items"].([]any)[0].(map[string]any)["id"] != sid {
			t.Fatalf("search %v", found)
		}
		for _, q := range []string{"min_price=-1", "category=cooking", "limit=10000", "sort=best", "min_rating=x"} {
			if r := anon.Do("GET", "/api/v1/services?"+q, nil); r.Status != 422 {
				t.Fatalf("%s: %d %s", q, r.Status, r.Raw)
			}
		}
		if r := anon.Do("GET", "/api/v1/services?q=%22logo+AND+(", nil); r.Status != 200 {
			t.Fatalf("malformed query text: %d %s", r.Status, r.Raw)
		}
		got := anon.Must(200, "GET", "/api/v1/services/"+sid, nil)
		if len(got["packages"].([]any)) != 2 || got["price_from"].(map[string]any)["amount"].(float64) != 1000 {
			t.Fatalf("service %v", got)
		}
		wantError(t, anon.Do("GET", "/api/v1/services/svc_nope", nil), 404, "service_not_found", "")

		// Recently viewed: the buyer's visits, newest first.
		buyer.Must(200, "GET", "/api/v1/freelancers/"+fid, nil)
		rv := buyer.Must(200, "GET", "/api/v1/me/recently-viewed", nil)["items"].([]any)
		if len(rv) != 1 || rv[0].(map[string]any)["id"] != fid {
			t.Fatalf("recently viewed %v", rv)
		}

		// Pro vetting: the badge shows on the profile and the service.
		app := seller.Must(201, "POST", "/api/v1/freelancers/"+fid+"/pro-application", map[string]any{"message": "Portfolio attached."})
		wantError(t, seller.Do("GET", "/api/v1/pro-applications", nil), 403, "operator_only", "")
		queue := ops.Must(200, "GET", "/api/v1/pro-applications", nil)["items"].([]any)
		if len(queue) != 1 {
			t.Fatalf("queue %v", queue)
		}
		wantError(t, ops.Do("POST", "/api/v1/pro-applications/"+app["id"].(string)+"/reject", map[string]any{"reason": ""}), 422, "required", "reason")
		ops.Must(200, "POST", "/api/v1/pro-applications/"+app["id"].(string)+"/approve", nil)
		if anon.Must(200, "GET", "/api/v1/freelancers/"+fid, nil)["pro"] != true || anon.Must(200, "GET", "/api/v1/services/"+sid, nil)["pro"] != true {
			t.Fatal("no Pro badge after approval")
		}
		if n := anon.Must(200, "GET", "/api/v1/services?pro=true", nil)["total"].(float64); n != 1 {
			t.Fatalf("pro search %v", n)
		}
		// Pause hides it from search.
		seller.Must(200, "POST", "/api/v1/services/"+sid+"/pause", nil)
		if n := anon.Must(200, "GET", "/api/v1/services?q=logo", nil)["total"].(float64); n != 0 {
			t.Fatalf("paused service found: %v", n)
		}
		wantError(t, buyer.Do("POST", "/api/v1/services/"+sid+"/resume", nil), 403, "not_your_service", "")
	})
}
