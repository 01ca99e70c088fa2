package catalog

import (
	"context"
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/page"
)

// Sorts a search may ask for.
var Sorts = []string{"relevance", "price_asc", "price_desc", "rating", "newest"}

// Search is a catalog query: full text, filters, sort and page.
type Search struct {
	Q               string
	Category        string
	MinPrice        int64 // minor units; 0: none
	MaxPrice        int64 // minor units; 0: none
	MaxDeliveryDays int   // 0: none
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
	if len([]rune(s.Q)) > 200 {
		return s, errs.Invalid("q", "too_long").With("max", 200)
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
	if d := v.Get("max_delivery_days"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 1 || n > 365 {
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
		if err != nil || f < 0 || f > 5 {
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
	if err != nil || n < 0 || n > maxAmount {
		return 0, errs.Invalid(name, "price_filter_invalid")
	}
	return n, nil
}

// terms splits free text into search words: letters and digits only, so no
// input can be read as query syntax by either engine; at most 8 words.
func terms(q string) []string {
	words := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
	if len(words) > 8 {
		words = words[:8]
	}
	return words
}

// Search runs a catalog search over active services. With words, it uses
// the engine's full-text index (FTS5 on SQLite, a GIN-indexed tsvector on
// PostgreSQL), ranked by relevance; the total is counted on the same index.
func (s *Service) Search(ctx context.Context, q Search) (Results, error) {
	q = q.norm()
	words := terms(q.Q)
	var from, match string
	var args []any
	switch {
	case len(words) == 0:
		from = `services s`
	case s.DB.Engine == db.Postgres:
		from = `services s`
		match = `s.search @@ to_tsquery('english', ?)`
		args = append(args, strings.Join(words, " & "))
	default:
		from = `services_fts CROSS JOIN services s ON s.rowid = services_fts.rowid`
		match = `services_fts MATCH ?`
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = `"` + w + `"`
		}
		args = append(args, strings.Join(quoted, " AND "))
	}
	where := []string{`s.status = 'active'`}
	if match != "" {
		where = append([]string{match}, where...)
	}
	if q.Category != "" {
		where, args = append(where, `s.category = ?`), append(args, q.Category)
	}
	if q.MinPrice > 0 {
		where, args = append(where, `s.min_price >= ?`), append(args, q.MinPrice)
	}
	if q.MaxPrice > 0 {
		where, args = append(where, `s.min_price <= ?`), append(args, q.MaxPrice)
	}
	if q.MaxDeliveryDays > 0 {
		where, args = append(where, `s.min_delivery_days <= ?`), append(args, q.MaxDeliveryDays)
	}
	if q.ProOnly {
		where = append(where, `s.pro = TRUE`)
	}
	if q.MinRating > 0 {
		where, args = append(where, `s.rating >= ?`), append(args, int(q.MinRating))
	}
	cond := strings.Join(where, " AND ")

	var res Results
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM `+from+` WHERE `+cond, args...).Scan(&res.Total); err != nil {
		return Results{}, err
	}
	res.Items = []Listing{}
	if res.Total == 0 || q.Offset >= res.Total {
		return res, nil
	}
	order := map[string]string{
		"price_asc":  `s.min_price, s.id`,
		"price_desc": `s.min_price DESC, s.id DESC`,
		"rating":     `s.rating DESC, s.reviews_count DESC, s.id DESC`,
		"newest":     `s.id DESC`,
	}[q.Sort]
	if q.Sort == "relevance" {
		switch {
		case len(words) == 0:
			order = `s.rating DESC, s.reviews_count DESC, s.id DESC`
		case s.DB.Engine == db.Postgres:
			order = `ts_rank(s.search, to_tsquery('english', ?), 1) DESC, s.id DESC`
			args = append(args, args[0])
		default:
			// Title matters most, then skills, then the description.
			order = `bm25(services_fts, 10.0, 4.0, 1.0), s.id DESC`
		}
	}
	args = append(args, q.Limit, q.Offset)
	rows, err := s.DB.Query(ctx, `SELECT `+listingColumns+` FROM `+from+` JOIN freelancers f ON f.id = s.freelancer_id
		WHERE `+cond+` ORDER BY `+order+` LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return Results{}, err
	}
	defer rows.Close()
	for rows.Next() {
		l, err := scanListing(rows)
		if err != nil {
			return Results{}, err
		}
		res.Items = append(res.Items, l)
	}
	if next := q.Offset + len(res.Items); next < res.Total && next <= 10000 {
		res.NextCursor = base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(next)))
	}
	return res, rows.Err()
}
