// Command endpoints measures Atelier's main pages over HTTP against the
// machine's ceiling: it builds a demo marketplace on each engine, serves it
// on a loopback port, and drives each endpoint with concurrent clients for
// a while, then does the same against a plain net/http "hello" handler. It
// prints requests/s, p50 and p99 per endpoint and each endpoint's share of
// the hello ceiling, as Markdown table rows.
//
//	go run ./bench/endpoints -engines sqlite,postgres -services 100000 \
//	    -database-url 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"atelier/bench/internal/stand"
	"atelier/internal/app"
	"atelier/internal/db"
	"atelier/internal/demo"
)

func main() {
	engines := flag.String("engines", "sqlite", "sqlite, postgres, or both comma-separated")
	services := flag.Int("services", 100000, "services in the demo catalog")
	pgURL := flag.String("database-url", "", "PostgreSQL URL for the postgres engine")
	clients := flag.Int("clients", 32, "concurrent clients")
	d := flag.Duration("duration", 5*time.Second, "measuring time per endpoint")
	only := flag.String("only", "", "measure only the endpoints whose name contains this")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the measured runs (server and clients: one process) to this file")
	flag.Parse()
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			log.Fatal(err)
		}
		profileTo = f
	}
	onlyName = *only
	app.TuneRuntime() // as atelier serve does

	hello := ceiling(*clients, *d)
	fmt.Printf("endpoint benchmark: %d clients, %s per endpoint, %s\n\n", *clients, *d, time.Now().UTC().Format("2006-01-02"))
	fmt.Printf("hello ceiling (plain net/http handler): %.0f requests/s\n\n", hello.rps)
	fmt.Println("| engine | endpoint | requests/s | p50 | p99 | share of hello |")
	fmt.Println("|---|---|---:|---:|---:|---:|")
	for _, e := range strings.Split(*engines, ",") {
		run(strings.TrimSpace(e), *services, *pgURL, *clients, *d, hello.rps)
	}
}

// onlyName selects the endpoints measured; profileTo receives a CPU profile
// of the first one.
var (
	onlyName  string
	profileTo *os.File
)

type result struct {
	rps      float64
	p50, p99 time.Duration
	errors   int
}

// drive sends requests made by next from clients goroutines for d and
// measures them; a request is a success when it answers want.
func drive(client *http.Client, clients int, d time.Duration, want int, next func(r *rand.Rand) *http.Request) result {
	var mu sync.Mutex
	var firstBad sync.Once
	var all []time.Duration
	errors := 0
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(c), 7))
			var lat []time.Duration
			bad := 0
			for time.Now().Before(deadline) {
				req := next(r)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					log.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				lat = append(lat, time.Since(t0))
				if resp.StatusCode != want {
					if bad++; bad == 1 {
						firstBad.Do(func() { log.Printf("%s %s: %d %.300s", req.Method, req.URL.Path, resp.StatusCode, body) })
					}
				}
			}
			mu.Lock()
			all = append(all, lat...)
			errors += bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	slices.Sort(all)
	return result{rps: float64(len(all)) / d.Seconds(), p50: all[len(all)/2], p99: all[min(len(all)-1, len(all)*99/100)], errors: errors}
}

// ceiling measures a plain "hello" handler on a loopback port.
func ceiling(clients int, d time.Duration) result {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hello")) })}
	go srv.Serve(ln)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients * 2}}
	u := "http://" + ln.Addr().String() + "/"
	get := func(*rand.Rand) *http.Request { req, _ := http.NewRequest("GET", u, nil); return req }
	drive(client, clients, time.Second, 200, get)
	return drive(client, clients, d, 200, get)
}

func run(engine string, n int, pgURL string, clients int, d time.Duration, hello float64) {
	ctx := context.Background()
	st := stand.Build(engine, pgURL, demo.Options{Services: n}, true)
	defer st.Close()
	a := st.App
	base := st.URL + "/api/v1"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients * 2}}

	// The demo admin, and an account of its own that pays by card and has
	// no approval policy, for placing orders.
	token := call(client, "POST", base+"/sessions", "", map[string]any{"email": "admin@northwind.test", "password": "atelier-demo"})["token"].(string)
	me := call(client, "GET", base+"/me", token, nil)
	demoAccount := me["memberships"].([]any)[0].(map[string]any)["account_id"].(string)
	benchAccount := call(client, "POST", base+"/accounts", token, map[string]any{"name": "Bench Corp"})["id"].(string)
	call(client, "POST", base+"/accounts/"+benchAccount+"/payment-methods", token, map[string]any{"type": "card", "token": "tok_visa"})

	sample := func(q string) []string {
		ids, err := db.Strings(ctx, a.DB, q)
		if err != nil || len(ids) == 0 {
			log.Fatalf("%s: %v", q, err)
		}
		return ids
	}
	svcs := sample(`SELECT id FROM services WHERE status = 'active' ORDER BY id LIMIT 2000`)
	frs := sample(`SELECT id FROM freelancers ORDER BY id LIMIT 2000`)
	ords := sample(`SELECT id FROM orders WHERE account_id = '` + demoAccount + `' ORDER BY id`)
	// Services with a "Basic" package, in the account's currency, to order.
	basic := sample(`SELECT s.id FROM services s JOIN service_packages p ON p.service_id = s.id AND p.name = 'Basic'
		WHERE s.status = 'active' AND s.pro_only = FALSE AND s.currency = 'USD' ORDER BY s.id LIMIT 500`)
	cats := []string{"graphics-design", "programming-tech", "digital-marketing", "video-animation", "writing-translation",
		"music-audio", "business", "data", "ai-services", "photography"}
	words := []string{"logo", "video", "python", "seo", "website", "design", "marketing", "app"}

	get := func(path string) *http.Request {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		return req
	}
	endpoints := []struct {
		name string
		want int
		next func(r *rand.Rand) *http.Request
	}{
		{"service page (GET /services/{id})", 200, func(r *rand.Rand) *http.Request { return get("/services/" + svcs[r.IntN(len(svcs))]) }},
		{"freelancer profile (GET /freelancers/{id})", 200, func(r *rand.Rand) *http.Request { return get("/freelancers/" + frs[r.IntN(len(frs))]) }},
		{"category by price, 20 (GET /services?category=…&sort=price_asc)", 200, func(r *rand.Rand) *http.Request {
			return get("/services?sort=price_asc&category=" + cats[r.IntN(len(cats))])
		}},
		{"search, 20 with total (GET /services?q=…)", 200, func(r *rand.Rand) *http.Request { return get("/services?q=" + words[r.IntN(len(words))]) }},
		{"dashboard (GET /me/dashboard)", 200, func(r *rand.Rand) *http.Request { return get("/me/dashboard?account_id=" + demoAccount) }},
		{"order page (GET /orders/{id})", 200, func(r *rand.Rand) *http.Request { return get("/orders/" + ords[r.IntN(len(ords))]) }},
		{"place an order, paid by card (POST /orders)", 201, func(r *rand.Rand) *http.Request {
			b, _ := json.Marshal(map[string]any{"account_id": benchAccount, "service_id": basic[r.IntN(len(basic))], "package": "Basic"})
			req, _ := http.NewRequest("POST", base+"/orders", bytes.NewReader(b))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			return req
		}},
	}
	for _, ep := range endpoints {
		if !strings.Contains(ep.name, onlyName) {
			continue
		}
		drive(client, clients, time.Second, ep.want, ep.next) // warm up
		if profileTo != nil {
			pprof.StartCPUProfile(profileTo)
		}
		res := drive(client, clients, d, ep.want, ep.next)
		if profileTo != nil {
			pprof.StopCPUProfile()
			profileTo = nil // one profile: the first endpoint measured
		}
		if res.errors > 0 {
			log.Printf("%s %s: %d answers were not %d", engine, ep.name, res.errors, ep.want)
		}
		fmt.Printf("| %s | %s | %.0f | %.1f ms | %.1f ms | %.1f%% |\n", engine, ep.name, res.rps,
			float64(res.p50.Microseconds())/1000, float64(res.p99.Microseconds())/1000, 100*res.rps/hello)
	}
}

func call(c *http.Client, method, u, token string, body any) map[string]any {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, u, r)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode >= 300 {
		log.Fatalf("%s %s: %d %v", method, u, resp.StatusCode, out)
	}
	return out
}
