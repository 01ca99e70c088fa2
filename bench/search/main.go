// Command search measures catalog search over HTTP: it builds a demo
// marketplace of each size on each engine, serves it on a loopback port,
// and drives it with concurrent clients issuing a mix of searches (words,
// filters, sorts; every answer includes the total count). It prints
// requests/s and latency percentiles as Markdown table rows.
//
//	go run ./bench/search -sizes 10000,100000 -engines sqlite,postgres \
//	    -database-url 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"atelier/bench/internal/stand"
	"atelier/internal/app"
	"atelier/internal/demo"
)

func main() {
	sizes := flag.String("sizes", "10000,100000", "catalog sizes, comma-separated")
	engines := flag.String("engines", "sqlite", "sqlite, postgres, or both comma-separated")
	pgURL := flag.String("database-url", os.Getenv("ATELIER_TEST_DATABASE_URL"), "PostgreSQL URL for the postgres engine")
	clients := flag.Int("clients", 16, "concurrent clients")
	duration := flag.Duration("duration", 10*time.Second, "measuring time per run")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the measured runs (not the builds) to this file")
	target := flag.String("target", "", "measure a running server at this URL (e.g. http://127.0.0.1:8080) instead of building catalogs")
	flag.Parse()
	app.TuneRuntime() // as atelier serve does
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			log.Fatal(err)
		}
		profileTo = f
	}

	fmt.Printf("search benchmark: %d clients, %s per run, GOMAXPROCS=%d, %s\n\n", *clients, *duration, runtime.GOMAXPROCS(0), time.Now().UTC().Format("2006-01-02"))
	fmt.Println("| engine | services | build | requests/s | p50 | p90 | p99 | max | mean matches |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	if *target != "" {
		measure("server", 0, 0, strings.TrimSuffix(*target, "/"), *clients, *duration)
		*engines = ""
	}
	for _, engine := range strings.FieldsFunc(*engines, func(r rune) bool { return r == ',' }) {
		for _, s := range strings.Split(*sizes, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				log.Fatalf("size %q: %v", s, err)
			}
			run(strings.TrimSpace(engine), n, *pgURL, *clients, *duration)
		}
	}
	fmt.Println("\nBy kind of query:")
	for _, l := range perKind {
		fmt.Println(l)
	}
}

// profileTo receives a CPU profile of the measured part of the runs.
var profileTo *os.File

// perKind collects, per run, the latency of each kind of query.
var perKind []string

func run(engine string, n int, pgURL string, clients int, d time.Duration) {
	st := stand.Build(engine, pgURL, demo.Options{Services: n}, false)
	defer st.Close()
	measure(engine, st.Summary.Services, st.Summary.Took, st.URL, clients, d)
}

// measure warms a server up, then drives it and prints a row of the table.
func measure(engine string, n int, took time.Duration, target string, clients int, d time.Duration) {
	base := target + "/api/v1/services?"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients * 2}}
	// Warm up: caches, prepared plans, connections.
	drive(client, base, clients, 2*time.Second, 99)
	if profileTo != nil {
		pprof.StartCPUProfile(profileTo)
	}
	lat, matches, byKind := drive(client, base, clients, d, 1)
	if profileTo != nil {
		pprof.StopCPUProfile()
		profileTo = nil // one profile: the first run's
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(float64(len(lat))*p))] }
	ms := func(x time.Duration) string { return fmt.Sprintf("%.1f ms", float64(x.Microseconds())/1000) }
	fmt.Printf("| %s | %d | %s | %.0f | %s | %s | %s | %s | %d |\n", engine, n, took.Round(100*time.Millisecond),
		float64(len(lat))/d.Seconds(), ms(pct(0.50)), ms(pct(0.90)), ms(pct(0.99)), ms(lat[len(lat)-1]), matches)
	var parts []string
	for k, l := range byKind {
		slices.Sort(l)
		if len(l) > 0 {
			parts = append(parts, fmt.Sprintf("%s p50 %s p99 %s", kinds[k], ms(l[len(l)/2]), ms(l[min(len(l)-1, len(l)*99/100)])))
		}
	}
	perKind = append(perKind, fmt.Sprintf("- %s %d: %s", engine, n, strings.Join(parts, "; ")))
}

// kinds name the parts of the mix, for the per-kind table.
var kinds = []string{"one word", "two words", "category browse", "words + category + rating", "pro + price + rating"}

// query is the mix: single and double words, words with filters, and
// browsing a category by price or rating. It returns the query and its kind.
func query(r *rand.Rand) (string, int) {
	words := []string{"logo", "brand", "video", "python", "seo", "translation", "podcast", "dashboard", "chatbot", "photos",
		"startup", "restaurant", "wordpress", "animation", "data", "design", "marketing", "app", "website", "music"}
	cats := []string{"graphics-design", "programming-tech", "digital-marketing", "video-animation", "writing-translation",
		"music-audio", "business", "data", "ai-services", "photography"}
	v := url.Values{}
	kind := 0
	switch k := r.IntN(10); {
	case k < 4:
		v.Set("q", words[r.IntN(len(words))])
	case k < 6:
		kind = 1
		v.Set("q", words[r.IntN(len(words))]+" "+words[r.IntN(len(words))])
	case k < 8:
		kind = 2
		v.Set("category", cats[r.IntN(len(cats))])
		v.Set("sort", []string{"price_asc", "price_desc", "rating", "newest"}[r.IntN(4)])
	case k < 9:
		kind = 3
		v.Set("q", words[r.IntN(len(words))])
		v.Set("category", cats[r.IntN(len(cats))])
		v.Set("min_rating", "4")
	default:
		kind = 4
		v.Set("pro", "true")
		v.Set("max_price", "50000")
		v.Set("sort", "rating")
	}
	return v.Encode(), kind
}

func drive(client *http.Client, base string, clients int, d time.Duration, seed uint64) ([]time.Duration, int, [][]time.Duration) {
	var mu sync.Mutex
	var all []time.Duration
	byKind := make([][]time.Duration, len(kinds))
	total, count := 0, 0
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, uint64(c)))
			var lat []time.Duration
			mine := make([][]time.Duration, len(kinds))
			sum, n := 0, 0
			for time.Now().Before(deadline) {
				q, kind := query(r)
				t0 := time.Now()
				resp, err := client.Get(base + q)
				if err != nil {
					log.Fatal(err)
				}
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 {
					log.Fatalf("search answered %d: %v", resp.StatusCode, err)
				}
				found := totalOf(b)
				lat = append(lat, time.Since(t0))
				mine[kind] = append(mine[kind], lat[len(lat)-1])
				sum += found
				n++
			}
			mu.Lock()
			all = append(all, lat...)
			for k := range mine {
				byKind[k] = append(byKind[k], mine[k]...)
			}
			total += sum
			count += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	return all, total / max(count, 1), byKind
}

// totalOf reads the "total" of a search answer. The load generator shares
// the two cores with the server, so it does not decode the whole answer:
// the total is its last field (catalog.Results).
func totalOf(b []byte) int {
	i := bytes.LastIndex(b, []byte(`"total":`))
	if i < 0 {
		log.Fatalf("no total in %.200s", b)
	}
	rest := b[i+len(`"total":`):]
	j := bytes.IndexAny(rest, ",}")
	n, err := strconv.Atoi(string(bytes.TrimSpace(rest[:max(j, 0)])))
	if j < 0 || err != nil {
		log.Fatalf("bad total in %.200s", b[i:])
	}
	return n
}
