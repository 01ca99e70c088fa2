package catalog

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/sync/singleflight"

	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/page"
)

// Limits of a search's parameters, which ParseSearch enforces and the API
// documents.
const (
	MaxSearchRunes        = 200             // q
	MaxPriceFilter        = money.MaxAmount // min_price, max_price (minor units)
	MaxDeliveryDaysFilter = 365             // max_delivery_days
	MaxRatingFilter       = 5               // min_rating
)

// Sorts a search may ask for.
var Sorts = []string{"relevance", "price_asc", "price_desc", "rating", "newest"}

// Search is a catalog query: full text, filters, sort and page.
type Search struct {
	Q               string
	Category        string
	MinPrice        int64  // minor units; 0: none
	MaxPrice        int64  // minor units; 0: none
	Currency        string // of price filters and sorts (USD unless given): services priced in others are left out
	MaxDeliveryDays int    // 0: none
	ProOnly         bool
	MinRating       Rating // × 100; 0: none
	Sort            string
	Limit           int
	Offset          int
}

// Results is one page of a search, with the total number of matches.
type Results struct {
	Items      []Listing `json:"items"`
	NextCursor string    `json:"next_cursor"`
	Total      int       `json:"total"`
}

// ParseSearch reads a search from query parameters (the API's and the
// search page's), refusing what it cannot honour with the field at fault.
func ParseSearch(v url.Values) (Search, error) {
	s := Search{Q: strings.TrimSpace(v.Get("q")), Category: v.Get("category"), Sort: v.Get("sort")}
	if len([]rune(s.Q)) > MaxSearchRunes {
		return s, errs.Invalid("q", "too_long").With("max", MaxSearchRunes)
	}
	if s.Category != "" && !ValidCategory(s.Category) {
		return s, errs.Invalid("category", "category_unknown")
	}
	var err error
	if s.MinPrice, err = amountParam(v, "min_price"); err != nil {
		return s, err
	}
	if s.MaxPrice, err = amountParam(v, "max_price"); err != nil {
		return s, err
	}
	if s.MinPrice > 0 && s.MaxPrice > 0 && s.MinPrice > s.MaxPrice {
		return s, errs.Invalid("max_price", "max_below_min")
	}
	if c := strings.ToUpper(v.Get("currency")); c != "" {
		if !money.ValidCurrency(c) {
			return s, errs.Invalid("currency", "currency_unsupported")
		}
		s.Currency = c
	}
	if d := v.Get("max_delivery_days"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 1 || n > MaxDeliveryDaysFilter {
			return s, errs.Invalid("max_delivery_days", "delivery_days_invalid")
		}
		s.MaxDeliveryDays = n
	}
	switch v.Get("pro") {
	case "", "false", "0":
	case "true", "1", "on":
		s.ProOnly = true
	default:
		return s, errs.Invalid("pro", "boolean_invalid")
	}
	if r := v.Get("min_rating"); r != "" {
		f, err := strconv.ParseFloat(r, 64)
		if err != nil || !(f >= 0 && f <= MaxRatingFilter) { // NaN is neither
			return s, errs.Invalid("min_rating", "rating_filter_invalid")
		}
		s.MinRating = Rating(f*100 + 0.5)
	}
	if s.Sort != "" && !validSort(s.Sort) {
		return s, errs.Invalid("sort", "sort_invalid")
	}
	p, err := page.Parse(v.Get("limit"), "")
	if err != nil {
		return s, err
	}
	s.Limit = p.Limit
	if c := v.Get("cursor"); c != "" {
		b, err := base64.RawURLEncoding.DecodeString(c)
		n, err2 := strconv.Atoi(strings.TrimPrefix(string(b), "o:"))
		if err != nil || err2 != nil || !strings.HasPrefix(string(b), "o:") || n < 0 || n > 10000 {
			return s, errs.Invalid("cursor", "cursor_invalid")
		}
		s.Offset = n
	}
	return s, nil
}

func validSort(sort string) bool {
	for _, x := range Sorts {
		if x == sort {
			return true
		}
	}
	return false
}

// norm fills in the defaults: 20 results, sorted by relevance when there
// are words to rank by, else by rating.
func (q Search) norm() Search {
	if q.Limit <= 0 || q.Limit > page.MaxLimit {
		q.Limit = page.DefaultLimit
	}
	if !validSort(q.Sort) {
		q.Sort = "rating"
		if len(terms(q.Q)) > 0 {
			q.Sort = "relevance"
		}
	}
	return q
}

func amountParam(v url.Values, name string) (int64, error) {
	raw := v.Get(name)
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 0 || n > MaxPriceFilter {
		return 0, errs.Invalid(name, "price_filter_invalid")
	}
	return n, nil
}

// terms splits free text into search words: letters and digits only, so no
// input can be read as query syntax by either engine; at most 8 words,
// sorted and each once. Every word must match, so neither order nor
// repeats change the results, and one search is one count to remember.
// A repeat would also cost: PostgreSQL's planner takes 'music & music'
// for two independent words, expects a thousandth of the matches, and
// reads the whole table to find them.
func terms(q string) []string {
	words := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
	if len(words) > 8 {
		words = words[:8]
	}
	slices.Sort(words)
	return slices.Compact(words)
}

// Search runs a catalog search over active services. With words, it uses
// the engine's full-text index (FTS5 on SQLite, a GIN-indexed tsvector on
// PostgreSQL), ranked by relevance; the total is counted on the same index.
func (s *Service) Search(ctx context.Context, q Search) (Results, error) {
	q = q.norm()
	words := terms(q.Q)
	switch {
	case len(words) == 0:
		return s.browse(ctx, q)
	case s.DB.Engine == db.SQLite:
		return s.searchFTS5(ctx, q, words)
	}
	return s.searchPG(ctx, q, words)
}

// filters returns the SQL conditions on services s for the filters that are
// not words. The ones a full-text index answers itself are left out: the
// facets (category, Pro) with words on both engines, the minimum rating on
// SQLite (a range of its quality key).
func (q Search) filters(facetsInIndex, ratingInIndex bool) (cond []string, args []any) {
	if !facetsInIndex && q.Category != "" {
		cond, args = append(cond, `s.category = ?`), append(args, q.Category)
	}
	if !facetsInIndex && q.ProOnly {
		cond = append(cond, `s.pro = TRUE`)
	}
	if !ratingInIndex && q.MinRating > 0 {
		cond, args = append(cond, `s.rating >= ?`), append(args, int(q.MinRating))
	}
	if q.MinPrice > 0 || q.MaxPrice > 0 || q.Sort == "price_asc" || q.Sort == "price_desc" {
		// Prices compare only within one currency: price filters and price
		// sorts list the services priced in it.
		currency := q.Currency
		if currency == "" {
			currency = money.DefaultCurrency
		}
		cond, args = append(cond, `s.currency = ?`), append(args, currency)
	}
	if q.MinPrice > 0 {
		cond, args = append(cond, `s.min_price >= ?`), append(args, q.MinPrice)
	}
	if q.MaxPrice > 0 {
		cond, args = append(cond, `s.min_price <= ?`), append(args, q.MaxPrice)
	}
	if q.MaxDeliveryDays > 0 {
		cond, args = append(cond, `s.min_delivery_days <= ?`), append(args, q.MaxDeliveryDays)
	}
	return cond, args
}

var orders = map[string]string{
	"price_asc":  `s.min_price, s.id`,
	"price_desc": `s.min_price DESC, s.id DESC`,
	"rating":     `s.rating DESC, s.reviews_count DESC, s.id DESC`,
	"newest":     `s.id DESC`,
}

// searchFTS5 answers a search with words on SQLite. The FTS5 index holds
// only active services, knows each one's category and Pro badge, and walks
// its matches best rated first (its rowid is a quality key; see the
// migration 0003_search.sqlite.sql). So a search with no other filter — the
// common case — counts on the index alone, reads the page's rows and stops:
// its cost depends on the page size, not on how many services match.
//
// Relevance is two tiers: services whose title has every word, then those
// that have them only in skills or description; best rated first in each.
func (s *Service) searchFTS5(ctx context.Context, q Search, words []string) (Results, error) {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = `"` + w + `"`
	}
	all := strings.Join(quoted, " AND ")
	facets := ""
	if q.Category != "" {
		facets += ` AND facets: cat` + strings.ReplaceAll(q.Category, "-", "")
	}
	if q.ProOnly {
		facets += ` AND facets: ispro`
	}
	match := `({title skills description}: (` + all + `))` + facets
	inTitle := `({title}: (` + all + `))` + facets
	notInTitle := `(` + match + `) NOT ({title}: (` + all + `))`

	cond, fargs := q.filters(true, true)
	var countFTS func(m string) (int, error)
	// The minimum rating is a range of the index's quality key.
	minKey := int64(q.MinRating) * 1024 << 32
	// count and rows run one FTS query, on the index alone when no filter
	// needs the services table, through a join otherwise.
	count := func(m string) (int, error) {
		return s.counts.count(q.countKey(m), s.DB.Clock.Now(), func() (int, error) { return countFTS(m) })
	}
	countFTS = func(m string) (int, error) {
		query := `SELECT COUNT(*) FROM services_fts WHERE services_fts MATCH ? AND services_fts.rowid >= ?`
		if len(cond) > 0 {
			query = `SELECT COUNT(*) FROM services_fts CROSS JOIN services s ON s.seq = (services_fts.rowid & 4294967295)
				WHERE services_fts MATCH ? AND services_fts.rowid >= ? AND ` + strings.Join(cond, " AND ")
		}
		var n int
		err := s.DB.QueryRow(ctx, query, append([]any{m, minKey}, fargs...)...).Scan(&n)
		return n, err
	}
	rows := func(m, order string, limit, offset int) ([]Listing, error) {
		var query string
		switch {
		case order == "" && len(cond) == 0:
			query = `SELECT ` + listingColumns + ` FROM (SELECT rowid AS k FROM services_fts WHERE services_fts MATCH ? AND rowid >= ?
				ORDER BY rowid DESC LIMIT ? OFFSET ?) m CROSS JOIN services s ON s.seq = (m.k & 4294967295)
				JOIN freelancers f ON f.id = s.freelancer_id ORDER BY m.k DESC`
		case order == "":
			order = `services_fts.rowid DESC`
			fallthrough
		default:
			where := `services_fts MATCH ? AND services_fts.rowid >= ?`
			if len(cond) > 0 {
				where += ` AND ` + strings.Join(cond, " AND ")
			}
			query = `SELECT ` + listingColumns + ` FROM services_fts CROSS JOIN services s ON s.seq = (services_fts.rowid & 4294967295)
				JOIN freelancers f ON f.id = s.freelancer_id WHERE ` + where + ` ORDER BY ` + order + ` LIMIT ? OFFSET ?`
		}
		args := append([]any{m, minKey}, fargs...)
		return s.listings(ctx, query, append(args, limit, offset)...)
	}

	res := Results{Items: []Listing{}}
	var err error
	if res.Total, err = count(match); err != nil || res.Total == 0 || q.Offset >= res.Total {
		return res, err
	}
	if q.Sort != "relevance" {
		order := orders[q.Sort]
		if q.Sort == "rating" {
			order = "" // the index's own order: rating, then reviews
		}
		if res.Items, err = rows(match, order, q.Limit, q.Offset); err != nil {
			return Results{}, err
		}
		return res.withCursor(q), nil
	}
	titled, err := count(inTitle)
	if err != nil {
		return Results{}, err
	}
	if q.Offset < titled {
		if res.Items, err = rows(inTitle, "", q.Limit, q.Offset); err != nil {
			return Results{}, err
		}
	}
	if missing := q.Limit - len(res.Items); missing > 0 && titled < res.Total {
		more, err := rows(notInTitle, "", missing, max(0, q.Offset-titled))
		if err != nil {
			return Results{}, err
		}
		res.Items = append(res.Items, more...)
	}
	return res.withCursor(q), nil
}

// OptimizeIndex merges SQLite's search index into one segment (a daily
// job, and after the demo's bulk load). FTS5 adds a segment for each batch
// of changes and merges them only in part: a query seeks every segment,
// and walking a word's matches best rated first means reading its doclist
// from the end, in each. After a bulk load of 100k services, merging took
// 0.4 s and search went from 4,650 to 6,100 requests/s (bench/search
// against a served copy). PostgreSQL's GIN indexes need nothing (no
// pending list: fastupdate is off).
func (s *Service) OptimizeIndex(ctx context.Context, now time.Time) (int, error) {
	if s.DB.Engine != db.SQLite {
		return 0, nil
	}
	if _, err := s.DB.Exec(ctx, `INSERT INTO services_fts (services_fts) VALUES ('optimize')`); err != nil {
		return 0, err
	}
	return 1, nil
}

// browse answers a search without words on both engines: the services
// table has an index for each filter and sort a catalog is browsed by.
func (s *Service) browse(ctx context.Context, q Search) (Results, error) {
	cond, args := q.filters(false, false)
	where := strings.Join(append([]string{`s.status = 'active'`}, cond...), " AND ")
	var res Results
	var err error
	res.Total, err = s.counts.count(q.countKey("browse"), s.DB.Clock.Now(), func() (n int, err error) {
		err = s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM services s WHERE `+where, args...).Scan(&n)
		return n, err
	})
	if err != nil {
		return Results{}, err
	}
	res.Items = []Listing{}
	if res.Total == 0 || q.Offset >= res.Total {
		return res, nil
	}
	res.Items, err = s.page(ctx, `SELECT 1 AS tier, `+sortColumns+` FROM services s WHERE `+where+` ORDER BY `+orders[q.Sort]+` LIMIT ? OFFSET ?`,
		orders[q.Sort], append(args, q.Limit, q.Offset)...)
	if err != nil {
		return Results{}, err
	}
	return res.withCursor(q), nil
}

// sortColumns are what a page query selects to be read by page.
const sortColumns = `s.id, s.rating, s.reviews_count, s.min_price`

// page reads the listings of a page in one statement: pages selects the
// page's tier and sortColumns, ordered and limited on its own table (so the
// planner cannot join every match to its freelancer first); the page's rows
// are joined to it and ordered by tier, then order.
func (s *Service) page(ctx context.Context, pages, order string, args ...any) ([]Listing, error) {
	return s.listings(ctx, `SELECT `+listingColumns+` FROM (`+pages+`) p
		JOIN services s ON s.id = p.id JOIN freelancers f ON f.id = s.freelancer_id
		ORDER BY p.tier, `+strings.ReplaceAll(order, "s.", "p.")+``, args...)
}

// searchPG answers a search with words on PostgreSQL, on service_search
// (see the migration 0008_search_table.postgres.sql): one row per active
// service with its GIN-indexed words (facet tokens included) and title, and
// the columns the other filters and the sorts need.
//
// A request costs one statement once its totals are known (they are
// remembered, see countCache), two when they are not: both totals at once,
// then the page's rows with their freelancers.
func (s *Service) searchPG(ctx context.Context, q Search, words []string) (Results, error) {
	tsq := strings.Join(words, " & ")
	var facets []string
	if q.Category != "" {
		facets = append(facets, `'cat:`+q.Category+`'`) // a known slug: letters and dashes
	}
	if q.ProOnly {
		facets = append(facets, `'pro:'`)
	}
	filters, fargs := q.filters(true, false)
	relevance := q.Sort == "relevance"

	// The three sets of matches: all, those with every word in the title
	// (the first relevance tier), and the rest (the second). Title words are
	// words too, so the title tier tests the title alone, and the facets.
	//
	// indexed: whether the planner may find the rows with the GIN indexes.
	// A tier's page is found one of two ways, whose costs go in opposite
	// directions: walking the sort order's index and testing each row
	// stops after a page, but reads about limit × services / matches rows;
	// finding the matches with a GIN index and sorting them reads every
	// match. The planner guesses the number of matches, and guesses badly:
	// for a word in the title it multiplies the odds of the word in the
	// text and in the title as if they were unrelated, and reads and sorts
	// thousands of matches (8.5 ms instead of 1.5 ms for "python" at 100k).
	// The totals are known here, so the way is chosen on them (see walks):
	// a tier is either read whole (behind OFFSET 0, which the planner
	// cannot see through) or walked: its words tested with ts_match_vq,
	// the function behind @@, which no index answers and of which the
	// planner knows nothing, so it expects a third of the rows to match and
	// walks the sort order's index for a page (with "(… @@ …) IS TRUE" it
	// still estimated the matches, and for a correlated pair like "logo
	// design" expected too few and read the whole table).
	set := func(tier string, indexed bool) (string, []any) {
		// The query is a subquery, computed once per statement: plans are
		// made once per statement and connection (the LIMIT is written into
		// the SQL, see db.inlineLimits), and in such a plan to_tsquery(?)
		// would be computed again for every row.
		match := func(column, query string) string {
			if indexed {
				return `s.` + column + ` @@ (SELECT ` + query + `)`
			}
			return `ts_match_vq(s.` + column + `, (SELECT ` + query + `))`
		}
		var text []string
		var args []any
		switch {
		case tier == "titled":
			text, args = append(text, match("title", `to_tsquery('english', ?)`)), append(args, tsq)
			if len(facets) > 0 {
				text, args = append(text, match("words", `?::tsquery`)), append(args, strings.Join(facets, " & "))
			}
		case len(facets) > 0:
			text, args = append(text, match("words", `to_tsquery('english', ?) && ?::tsquery`)), append(args, tsq, strings.Join(facets, " & "))
		default:
			text, args = append(text, match("words", `to_tsquery('english', ?)`)), append(args, tsq)
		}
		if tier == "rest" {
			text, args = append(text, `NOT (`+match("title", `to_tsquery('english', ?)`)+`)`), append(args, tsq)
		}
		return strings.Join(append(text, filters...), " AND "), append(args, fargs...)
	}

	// Both totals in one statement.
	key := q.countKey("pg")
	if relevance {
		key = q.countKey("pg-relevance")
	}
	t, err := s.counts.totals(key, s.DB.Clock.Now(), func() (t totals, err error) {
		all, args := set("all", true)
		if !relevance {
			err = s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM service_search s WHERE `+all, args...).Scan(&t.all)
			return t, err
		}
		titled, targs := set("titled", true)
		err = s.DB.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM service_search s WHERE `+all+`),
			(SELECT COUNT(*) FROM service_search s WHERE `+titled+`)`, append(args, targs...)...).Scan(&t.all, &t.titled)
		return t, err
	})
	if err != nil {
		return Results{}, err
	}
	res := Results{Total: t.all, Items: []Listing{}}
	if res.Total == 0 || q.Offset >= res.Total {
		return res, nil
	}

	// Each tier is a query of its own, ordered like an index of
	// service_search, and the page's rows are read with them.
	order := orders[q.Sort]
	if relevance {
		order = orders["rating"]
	}
	size, err := s.counts.count("pg-catalog-size", s.DB.Clock.Now(), func() (n int, err error) {
		// The planner's figure: a count would read the whole table.
		err = s.DB.QueryRow(ctx, `SELECT reltuples::BIGINT FROM pg_class WHERE oid = 'service_search'::regclass`).Scan(&n)
		return n, err
	})
	if err != nil {
		return Results{}, err
	}
	var tiers []string
	var args []any
	tier := func(n int, name string, found, limit, offset int) {
		few := !walks(found, offset+limit, max(size, found), order == orders["rating"])
		where, wargs := set(name, few)
		from := `service_search s WHERE ` + where
		if few {
			from = `(SELECT ` + sortColumns + ` FROM ` + from + ` OFFSET 0) s`
		}
		tiers = append(tiers, `(SELECT `+strconv.Itoa(n)+` AS tier, `+sortColumns+` FROM `+from+` ORDER BY `+order+` LIMIT ? OFFSET ?)`)
		args = append(append(args, wargs...), limit, offset)
	}
	if !relevance {
		tier(1, "all", t.all, q.Limit, q.Offset)
	} else {
		if q.Offset < t.titled {
			tier(1, "titled", t.titled, q.Limit, q.Offset)
		}
		// The rest, when the titled matches do not fill the page.
		if first := min(q.Limit, max(0, t.titled-q.Offset)); first < q.Limit && t.titled < t.all {
			tier(2, "rest", t.all-t.titled, q.Limit-first, max(0, q.Offset-t.titled))
		}
	}
	if len(tiers) == 0 {
		return res, nil
	}
	if res.Items, err = s.page(ctx, strings.Join(tiers, " UNION ALL "), order, args...); err != nil {
		return Results{}, err
	}
	return res.withCursor(q), nil
}

// listings reads the listings a query returns (without their packages).
func (s *Service) listings(ctx context.Context, query string, args ...any) ([]Listing, error) {
	return db.Collect(ctx, s.DB, scanListing, query, args...)
}

// withCursor sets the cursor of the page after this one, if any.
func (res Results) withCursor(q Search) Results {
	if next := q.Offset + len(res.Items); next < res.Total && next <= 10000 {
		res.NextCursor = base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(next)))
	}
	return res
}

// walks reports whether, on PostgreSQL, a tier's page is cheaper found by
// walking its sort order's index than by reading its matches whole: the
// walk tests about rows × size / found entries, the whole read fetches and
// sorts found rows. Measured at 100k services, a match read whole costs
// about 0.8 µs, an entry walked 0.2 µs in the rating order's index (which
// holds all a search tests: an index-only scan), 1 µs in the others (they
// read the table).
func walks(found, rows, size int, indexOnly bool) bool {
	cost := 1.25 // an entry walked, for a match read whole
	if indexOnly {
		cost = 0.25
	}
	return float64(found)*float64(found) > walkBias*cost*float64(rows)*float64(size)
}

// walkBias scales the cost of a walk (tests set it to 0: always walk).
var walkBias = 1.0

// countTTL bounds how stale a cached total can be: a change on this node
// clears the cache at once; a change made on another node shows in totals
// within this time (the results themselves are always read fresh).
const countTTL = 30 * time.Second

// countCache keeps the totals of recent searches. A total costs time in
// proportion to the matches (every match is counted), while a page of
// results costs time in proportion to the page; people page through and
// repeat popular searches, so the count is what is worth remembering.
//
// When a total is not known, the requests that need it at once wait for
// one count (a popular search, uncached, was counted by every request that
// arrived while it ran). A count that started before a change to the
// catalog answers its requests but is not remembered.
type countCache struct {
	mu      sync.Mutex
	entries map[string]countEntry
	flight  singleflight.Group
	epoch   int // bumped by forget
}

// totals are the counts a search needs: all its matches and, for the
// relevance tiers on PostgreSQL, those with every word in the title.
type totals struct{ all, titled int }

type countEntry struct {
	totals
	expires time.Time
}

// count returns the cached total for key, or runs count and caches it.
func (c *countCache) count(key string, now time.Time, count func() (int, error)) (int, error) {
	t, err := c.totals(key, now, func() (t totals, err error) {
		t.all, err = count()
		return t, err
	})
	return t.all, err
}

// totals returns the cached totals for key, or runs count and caches them.
func (c *countCache) totals(key string, now time.Time, count func() (totals, error)) (totals, error) {
	c.mu.Lock()
	e, ok := c.entries[key]
	epoch := c.epoch
	c.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.totals, nil
	}
	v, err, _ := c.flight.Do(key+"|"+strconv.Itoa(epoch), func() (any, error) {
		t, err := count()
		if err != nil {
			return totals{}, err
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.epoch != epoch {
			return t, nil
		}
		if c.entries == nil || len(c.entries) >= 20000 {
			c.entries = map[string]countEntry{}
		}
		c.entries[key] = countEntry{totals: t, expires: now.Add(countTTL)}
		return t, nil
	})
	return v.(totals), err
}

// forget clears the cache after a change to the catalog.
func (c *countCache) forget() {
	c.mu.Lock()
	c.entries = nil
	c.epoch++
	c.mu.Unlock()
}

// countKey is what a total depends on: the words and the filters, not the
// sort or the page.
func (q Search) countKey(tier string) string {
	return fmt.Sprintf("%s|%q|%s|%d|%d|%s|%d|%t|%d", tier, strings.Join(terms(q.Q), " "), q.Category, q.MinPrice, q.MaxPrice,
		q.Currency, q.MaxDeliveryDays, q.ProOnly, q.MinRating)
}
