package catalog_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"atelier/internal/catalog"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/page"
	"atelier/internal/users"
)

type fixture struct {
	ctx   context.Context
	db    *db.DB
	users *users.Service
	cat   *catalog.Service
}

func setup(t *testing.T, e db.Engine) *fixture {
	users.UseTestCost() // sign-ups hash at the test cost; the users package checks the full one
	d := dbtest.Open(t, e, nil)
	return &fixture{ctx: context.Background(), db: d, users: &users.Service{DB: d}, cat: &catalog.Service{DB: d}}
}

func (f *fixture) user(t *testing.T, email string, operator bool) users.User {
	t.Helper()
	in := users.NewUser{Email: email, Password: "correct horse", Name: "User " + email[:3]}
	var u users.User
	var err error
	if operator {
		u, err = f.users.CreateOperator(f.ctx, in)
	} else {
		if u, err = f.users.SignUp(f.ctx, in); err == nil {
			u, err = f.users.MarkVerified(f.ctx, u.Email)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (f *fixture) freelancer(t *testing.T, owner users.User, name string, skills ...string) catalog.Freelancer {
	t.Helper()
	fr, err := f.cat.CreateFreelancer(f.ctx, owner, catalog.Profile{DisplayName: name, Headline: "Senior " + name, Skills: skills,
		Languages: []string{"English"}, Country: "fr", HourlyRate: money.New(8000, "USD")})
	if err != nil {
		t.Fatal(err)
	}
	return fr
}

func offer(fr catalog.Freelancer, title, category string, prices ...int64) catalog.Offer {
	o := catalog.Offer{FreelancerID: fr.ID, Title: title, Description: "A careful, professional job: " + title, Category: category, MaxQuantity: 5}
	for i, p := range prices {
		o.Packages = append(o.Packages, catalog.Package{Name: fmt.Sprintf("P%d", i+1), Price: money.New(p, "USD"), DeliveryDays: max(7-2*i, 1), Revisions: i + 1})
	}
	return o
}

func wantInvalid(t *testing.T, err error, field, code string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != errs.KindInvalid || e.Field != field || e.Code != code {
		t.Fatalf("got %v, want %s on %s", err, code, field)
	}
}

func count(t *testing.T, f *fixture, table string) int {
	var n int
	if err := f.db.QueryRow(f.ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestProfilesAndServicesValidation(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f *fixture) {
		ann, bob := f.user(t, "ann@example.com", false), f.user(t, "bob@example.com", false)
		_, err := f.cat.CreateFreelancer(f.ctx, ann, catalog.Profile{DisplayName: "Ann", Country: "France", HourlyRate: money.New(100, "USD")})
		wantInvalid(t, err, "country", "country_invalid")
		_, err = f.cat.CreateFreelancer(f.ctx, ann, catalog.Profile{DisplayName: "Ann", Country: "FR", HourlyRate: money.New(-1, "USD")})
		wantInvalid(t, err, "hourly_rate", "amount_not_positive")
		if count(t, f, "freelancers") != 0 {
			t.Fatal("a refused profile was stored")
		}
		fr := f.freelancer(t, ann, "Ann Studio", "logo design", "branding", "Logo Design")
		if len(fr.Skills) != 2 || fr.Country != "FR" || fr.Pro {
			t.Fatalf("profile %+v", fr)
		}
		_, err = f.cat.CreateFreelancer(f.ctx, ann, catalog.Profile{DisplayName: "Again", Country: "FR", HourlyRate: money.New(100, "USD")})
		if e, _ := errs.As(err); e == nil || e.Code != "freelancer_exists" {
			t.Fatalf("second profile: %v", err)
		}

		bad := []struct {
			o           catalog.Offer
			field, code string
		}{
			{offer(fr, "Logo design for startups", "cooking", 5000), "category", "category_unknown"},
			{offer(fr, "Logo design for startups", "graphics-design", -5000), "packages[0].price", "amount_not_positive"},
			{offer(fr, "Logo design for startups", "graphics-design"), "packages", "packages_required"},
			{offer(fr, "Logo design for startups", "graphics-design", 1, 2, 3, 4), "packages", "too_many"},
			{offer(fr, "Logo", "graphics-design", 5000), "title", "too_short"},
		}
		q := offer(fr, "Logo design for startups", "graphics-design", 5000)
		q.MaxQuantity = 1000
		bad = append(bad, struct {
			o           catalog.Offer
			field, code string
		}{q, "max_quantity", "max_quantity_invalid"})
		eur := offer(fr, "Logo design for startups", "graphics-design", 5000)
		eur.Packages[0].Price.Currency = "EUR"
		bad = append(bad, struct {
			o           catalog.Offer
			field, code string
		}{eur, "packages[0].price", "currency_mismatch"})
		pro := offer(fr, "Logo design for startups", "graphics-design", 5000)
		pro.ProOnly = true
		bad = append(bad, struct {
			o           catalog.Offer
			field, code string
		}{pro, "pro_only", "pro_required"})
		for _, b := range bad {
			_, err := f.cat.CreateService(f.ctx, ann, b.o)
			wantInvalid(t, err, b.field, b.code)
		}
		if count(t, f, "services") != 0 || count(t, f, "service_packages") != 0 {
			t.Fatal("a refused service was stored")
		}
		// Another user cannot list a service on Ann's profile.
		_, err = f.cat.CreateService(f.ctx, bob, offer(fr, "Logo design for startups", "graphics-design", 5000))
		if e, _ := errs.As(err); e == nil || e.Kind != errs.KindForbidden {
			t.Fatalf("bob lists on ann's profile: %v", err)
		}

		svc, err := f.cat.CreateService(f.ctx, ann, offer(fr, "Logo design for startups", "graphics-design", 5000, 12000, 30000))
		if err != nil {
			t.Fatal(err)
		}
		if svc.PriceFrom.Amount != 5000 || svc.DeliveryDays != 3 || len(svc.Packages) != 3 || svc.Status != "active" {
			t.Fatalf("service %+v", svc)
		}
		p, _, err := svc.Choose("p2", 2)
		if err != nil || p.Total(2) != money.New(24000, "USD") {
			t.Fatalf("standard × 2 = %v (%v)", p.Total(2), err)
		}
		if _, _, err := svc.Choose("2", 6); err == nil {
			t.Fatal("quantity above the maximum accepted")
		}
		_, _, err = svc.Choose("platinum", 1)
		wantInvalid(t, err, "package", "package_unknown")
		if _, err := f.cat.SetPaused(f.ctx, bob, svc.ID, true); err == nil {
			t.Fatal("bob paused ann's service")
		}
		paused, err := f.cat.SetPaused(f.ctx, ann, svc.ID, true)
		if err != nil || paused.Status != "paused" {
			t.Fatalf("pause: %+v %v", paused, err)
		}
		res, _ := f.cat.Search(f.ctx, catalog.Search{Q: "logo"})
		if res.Total != 0 {
			t.Fatalf("a paused service is found: %d", res.Total)
		}
	})
}

func TestProVettingShowsTheBadgeEverywhere(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f *fixture) {
		ann, op := f.user(t, "ann@example.com", false), f.user(t, "ops@example.com", true)
		fr := f.freelancer(t, ann, "Ann Studio", "branding")
		svc, _ := f.cat.CreateService(f.ctx, ann, offer(fr, "Brand identity for scale-ups", "graphics-design", 90000))

		if before, _ := f.cat.Search(f.ctx, catalog.Search{Q: "brand identity", ProOnly: true}); before.Total != 0 {
			t.Fatalf("words + pro before approval: %d", before.Total)
		}
		app, err := f.cat.ApplyForPro(f.ctx, ann, fr.ID, "Ten years of brand work.")
		if err != nil || app.Status != "pending" {
			t.Fatalf("apply: %+v %v", app, err)
		}
		if _, err := f.cat.ApplyForPro(f.ctx, ann, fr.ID, ""); err == nil {
			t.Fatal("two pending applications")
		}
		if _, err := f.cat.ProApplications(f.ctx, ann, "", page.Request{}); err == nil {
			t.Fatal("a non-operator read the queue")
		}
		if _, err := f.cat.ApproveProApplication(f.ctx, ann, app.ID); err == nil {
			t.Fatal("a freelancer approved their own application")
		}
		queue, err := f.cat.ProApplications(f.ctx, op, "", page.Request{})
		if err != nil || len(queue.Items) != 1 || queue.Items[0].FreelancerName != "Ann Studio" {
			t.Fatalf("queue %+v %v", queue, err)
		}
		_, err = f.cat.RejectProApplication(f.ctx, op, app.ID, " ")
		wantInvalid(t, err, "reason", "required")
		if _, err := f.cat.ApproveProApplication(f.ctx, op, app.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.cat.RejectProApplication(f.ctx, op, app.ID, "late"); err == nil {
			t.Fatal("decided twice")
		}
		got, _ := f.cat.Freelancer(f.ctx, nil, fr.ID)
		l, _ := f.cat.Listing(f.ctx, svc.ID)
		res, _ := f.cat.Search(f.ctx, catalog.Search{ProOnly: true})
		if words, _ := f.cat.Search(f.ctx, catalog.Search{Q: "brand identity", ProOnly: true}); words.Total != 1 {
			t.Fatalf("words + pro after approval: %d", words.Total)
		}
		if !got.Pro || !l.Pro || !l.Freelancer.Pro || res.Total != 1 {
			t.Fatalf("badge: profile %v, service %v/%v, pro search %d", got.Pro, l.Pro, l.Freelancer.Pro, res.Total)
		}
		if _, err := f.cat.ApplyForPro(f.ctx, ann, fr.ID, ""); err == nil {
			t.Fatal("a Pro applied again")
		}
	})
}

func TestSearch(t *testing.T) {
	t.Parallel()
	testSearch(t)
	// On PostgreSQL, a tier's page is read one of two ways, chosen by its
	// number of matches: the tests' catalog is small, so force the other.
	defer catalog.AlwaysWalk()()
	t.Run("walking the sort orders", testSearch)
}

func testSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		f := setup(t, e)
		var frs []catalog.Freelancer
		for i, name := range []string{"Pixel Forge", "Word Smiths", "Data Lab"} {
			frs = append(frs, f.freelancer(t, f.user(t, fmt.Sprintf("s%d@example.com", i), false), name, []string{"illustration", "copywriting", "python"}[i]))
		}
		mk := func(fr catalog.Freelancer, title, cat string, price int64) catalog.Listing {
			owner := users.User{ID: fr.OwnerID}
			l, err := f.cat.CreateService(f.ctx, owner, offer(fr, title, cat, price))
			if err != nil {
				t.Fatal(err)
			}
			return l
		}
		logo := mk(frs[0], "Minimalist logo designs for your brand", "graphics-design", 15000)
		mk(frs[0], "Hand-drawn illustrations for children's books", "graphics-design", 40000)
		mk(frs[1], "SEO blog posts that rank, about logos or anything", "writing-translation", 8000)
		mk(frs[2], "Python data pipelines and dashboards", "data", 120000)
		mk(frs[2], "Café menu photography, crisp and warm", "photography", 30000)
		tx := func(fn func(tx *db.Tx) error) {
			if err := f.db.InTx(f.ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
		tx(func(tx *db.Tx) error {
			_, err := catalog.PublishReview(f.ctx, tx, logo.ID, "", "Acme", 5, "Great")
			return err
		})

		search := func(raw string) catalog.Results {
			t.Helper()
			v, _ := url.ParseQuery(raw)
			q, err := catalog.ParseSearch(v)
			if err != nil {
				t.Fatalf("%s: %v", raw, err)
			}
			r, err := f.cat.Search(f.ctx, q)
			if err != nil {
				t.Fatalf("%s: %v", raw, err)
			}
			return r
		}
		titles := func(r catalog.Results) []string {
			var out []string
			for _, l := range r.Items {
				out = append(out, l.Title)
			}
			return out
		}
		// Stemming: "logo" finds "logos" and "designs"; the title match ranks first.
		r := search("q=logo")
		if r.Total != 2 || r.Items[0].ID != logo.ID {
			t.Fatalf("q=logo: %d %v", r.Total, titles(r))
		}
		// Merging SQLite's index segments (the daily job) changes no answer.
		if n, err := f.cat.OptimizeIndex(f.ctx, f.cat.DB.Clock.Now()); err != nil || (n == 1) != (e == db.SQLite) {
			t.Fatalf("OptimizeIndex on %s: %d %v", e, n, err)
		}
		if again := search("q=logo"); again.Total != 2 || !slices.Equal(titles(again), titles(r)) {
			t.Fatalf("after merging the index: %v, before %v", titles(again), titles(r))
		}
		if r := search("q=designing+logos"); r.Total != 1 {
			t.Fatalf("q=designing logos: %v", titles(r))
		}
		// Skills are searched too; diacritics folded on SQLite, stems on both.
		// A title match ranks before a better-rated service that has the
		// word only in its skills.
		if r := search("q=illustration"); r.Total != 2 || r.Items[0].ID == logo.ID || r.Items[1].ID != logo.ID {
			t.Fatalf("q=illustration (a title, and a skill): %v", titles(r))
		}
		// Pages of a relevance search cross the tiers without a gap or a repeat.
		if a, b := search("q=illustration&limit=1"), search("q=illustration&limit=1&cursor="+search("q=illustration&limit=1").NextCursor); a.Items[0].ID == b.Items[0].ID || b.Items[0].ID != logo.ID {
			t.Fatalf("paging across tiers: %v then %v", titles(a), titles(b))
		}
		// Neither the order of the words nor a repeat changes a search.
		for _, q := range []string{"q=logo+logo", "q=LOGO+logo+Logo", "q=logo&sort=price_asc&q=logo"} {
			if r := search(q); r.Total != 2 || len(r.Items) != 2 {
				t.Fatalf("%s: %d %v", q, r.Total, titles(r))
			}
		}
		if a, b := search("q=minimalist+logo"), search("q=logo+minimalist+logo"); a.Total != 1 || b.Total != 1 || a.Items[0].ID != logo.ID || b.Items[0].ID != logo.ID {
			t.Fatalf("minimalist logo %v, logo minimalist logo %v", titles(a), titles(b))
		}
		if r := search("q=python&category=data"); r.Total != 1 {
			t.Fatalf("python in data: %v", titles(r))
		}
		if r := search("q=logo&category=writing-translation"); r.Total != 1 {
			t.Fatalf("category filter: %v", titles(r))
		}
		// Words with the other filters and sorts.
		if r := search("q=logo&min_rating=4.5"); r.Total != 1 || r.Items[0].ID != logo.ID {
			t.Fatalf("q=logo&min_rating=4.5: %v", titles(r))
		}
		if r := search("q=logo&pro=true"); r.Total != 0 {
			t.Fatalf("q=logo&pro=true matched services of non-Pro freelancers: %v", titles(r))
		}
		if r := search("q=logo&sort=price_asc"); r.Total != 2 || r.Items[0].PriceFrom.Amount != 8000 || r.Items[1].ID != logo.ID {
			t.Fatalf("q=logo&sort=price_asc: %v", titles(r))
		}
		if r := search("q=logo&max_price=10000"); r.Total != 1 || r.Items[0].PriceFrom.Amount != 8000 {
			t.Fatalf("q=logo&max_price=10000: %v", titles(r))
		}
		// A paused service leaves the search at once, and comes back; an
		// edited title is searched by its new words.
		owner := users.User{ID: frs[0].OwnerID}
		if _, err := f.cat.SetPaused(f.ctx, owner, logo.ID, true); err != nil {
			t.Fatal(err)
		}
		if r := search("q=logo"); r.Total != 1 || r.Items[0].ID == logo.ID {
			t.Fatalf("paused service still found: %v", titles(r))
		}
		if _, err := f.cat.SetPaused(f.ctx, owner, logo.ID, false); err != nil {
			t.Fatal(err)
		}
		if r := search("q=logo"); r.Total != 2 || r.Items[0].ID != logo.ID || r.Items[0].Rating != 500 {
			t.Fatalf("resumed service: %v", titles(r))
		}
		if r := search("min_price=10000&max_price=40000&sort=price_asc"); r.Total != 3 || r.Items[0].PriceFrom.Amount != 15000 || r.Items[2].PriceFrom.Amount != 40000 {
			t.Fatalf("price range: %v", titles(r))
		}
		if r := search("sort=price_desc"); r.Items[0].PriceFrom.Amount != 120000 {
			t.Fatalf("price_desc: %v", titles(r))
		}
		if r := search("min_rating=4.5"); r.Total != 1 || r.Items[0].ID != logo.ID || r.Items[0].Rating != 500 {
			t.Fatalf("min_rating: %v", titles(r))
		}
		if r := search("max_price=40000&currency=EUR"); r.Total != 0 {
			t.Fatalf("EUR price filter matched USD services: %v", titles(r))
		}
		if r := search("max_delivery_days=6"); r.Total != 0 {
			t.Fatalf("max_delivery_days=6: %v", titles(r))
		}
		// Pagination: the cursor walks every match once.
		seen := map[string]bool{}
		cursor := ""
		for {
			r := search("limit=2&sort=newest&cursor=" + cursor)
			if r.Total != 5 {
				t.Fatalf("total %d", r.Total)
			}
			for _, l := range r.Items {
				seen[l.ID] = true
			}
			if cursor = r.NextCursor; cursor == "" {
				break
			}
		}
		if len(seen) != 5 {
			t.Fatalf("pages covered %d services", len(seen))
		}
		// An edited title is searched by its new words only.
		if _, err := f.cat.UpdateService(f.ctx, users.User{ID: frs[0].OwnerID}, logo.ID, offer(frs[0], "Minimalist monogram designs", "graphics-design", 15000)); err != nil {
			t.Fatal(err)
		}
		if a, b := search("q=monogram"), search("q=minimalist+logo"); a.Total != 1 || a.Items[0].ID != logo.ID || b.Total != 0 {
			t.Fatalf("edited title: monogram %v, minimalist logo %v", titles(a), titles(b))
		}
		// Query syntax of either engine is just text.
		for _, q := range []string{`q="logo`, `q=logo AND (`, `q=*`, `q=NEAR(a b)`, `q=a:*|!b`, `q=''`, `q=%00`} {
			search(q)
		}
		// Bad filters are refused with the field named.
		for raw, field := range map[string]string{
			"min_price=-5": "min_price", "max_price=abc": "max_price", "category=cooking": "category",
			"limit=10000": "limit", "sort=cheapest": "sort", "min_rating=9": "min_rating", "pro=maybe": "pro",
			"cursor=!!!": "cursor", "min_price=500&max_price=100": "max_price",
		} {
			v, _ := url.ParseQuery(raw)
			_, err := catalog.ParseSearch(v)
			if e, ok := errs.As(err); !ok || e.Field != field {
				t.Errorf("%s: got %v, want an error on %s", raw, err, field)
			}
		}
	})
}

func TestRecentlyViewed(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f *fixture) {
		viewer := f.user(t, "viewer@example.com", false)
		var ids []string
		for i := range 3 {
			owner := f.user(t, fmt.Sprintf("f%d@example.com", i), false)
			ids = append(ids, f.freelancer(t, owner, fmt.Sprintf("Freelancer %d", i)).ID)
		}
		for _, id := range []string{ids[0], ids[1], ids[2], ids[0]} {
			if _, err := f.cat.Freelancer(f.ctx, &viewer, id); err != nil {
				t.Fatal(err)
			}
		}
		list, err := f.cat.RecentlyViewed(f.ctx, viewer, 0)
		if err != nil || len(list) != 3 || list[0].ID != ids[0] || list[1].ID != ids[2] {
			t.Fatalf("recently viewed %v %v", list, err)
		}
		// An anonymous view is not remembered; nor is one's own profile.
		owner, _ := f.users.Get(f.ctx, list[0].OwnerID)
		f.cat.Freelancer(f.ctx, &owner, ids[0])
		if own, _ := f.cat.RecentlyViewed(f.ctx, owner, 0); len(own) != 0 {
			t.Fatalf("own profile remembered: %v", own)
		}
		// One person viewing many profiles at once (tabs, an API client),
		// more than are remembered, so each view also forgets the oldest:
		// every view answers.
		for i := range 30 {
			owner := f.user(t, fmt.Sprintf("g%d@example.com", i), false)
			ids = append(ids, f.freelancer(t, owner, fmt.Sprintf("Freelancer G%d", i)).ID)
		}
		var wg sync.WaitGroup
		errc := make(chan error, 96)
		for i := range 96 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := f.cat.Freelancer(f.ctx, &viewer, ids[i%len(ids)]); err != nil {
					errc <- err
				}
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Fatalf("a concurrent view failed: %v", err)
		}

		// Views are written in batches shortly after: another node (which
		// has no views of its own to write) sees them without anyone
		// asking this one.
		other := &catalog.Service{DB: f.db}
		deadline := time.Now().Add(5 * time.Second)
		for {
			list, err := other.RecentlyViewed(f.ctx, viewer, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) == 20 {
				seen := map[string]bool{}
				for _, fr := range list {
					if seen[fr.ID] {
						t.Fatalf("%s listed twice", fr.ID)
					}
					seen[fr.ID] = true
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("after the batch: %d profiles listed, want the 20 kept", len(list))
			}
			time.Sleep(20 * time.Millisecond)
		}
		// A node writes what it holds when asked (the app does on close).
		f.cat.Freelancer(f.ctx, &viewer, ids[1])
		if err := f.cat.FlushViews(f.ctx); err != nil {
			t.Fatal(err)
		}
		if list, _ := other.RecentlyViewed(f.ctx, viewer, 1); len(list) != 1 || list[0].ID != ids[1] {
			t.Fatalf("after FlushViews the other node lists %v first, want %s", list, ids[1])
		}
	})
}
