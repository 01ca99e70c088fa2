// Package catalog holds what buyers browse: freelancer profiles (people and
// agencies with their team), Pro vetting by operators, services with up to
// three packages, public reviews, full-text search, and the profiles each
// user viewed recently (PRODUCT.md §5).
//
// A service row carries copies of what search filters and sorts on — its
// lowest package price and delivery time, its freelancer's Pro badge and
// skills — written in the same transaction as their source, so a search is
// one indexed query on either engine.
package catalog

import (
	"encoding/json"
	"log/slog"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/users"
)

// Service is the catalog domain.
type Service struct {
	DB  *db.DB
	Log *slog.Logger // for what goes wrong in the background; slog.Default() if nil

	counts countCache
	views  viewLog
}

// Category is a top-level category of services.
type Category struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// Categories are the slugs services are filed under; their names are
// translated ("category.<slug>").
var Categories = []string{
	"graphics-design", "programming-tech", "digital-marketing", "video-animation", "writing-translation",
	"music-audio", "business", "data", "ai-services", "photography",
}

// ValidCategory reports whether slug is a category.
func ValidCategory(slug string) bool {
	for _, c := range Categories {
		if c == slug {
			return true
		}
	}
	return false
}

// Rating is an average rating out of 5 with two decimals, stored × 100.
type Rating int

// MarshalJSON writes 4.87, or null without reviews.
func (r Rating) MarshalJSON() ([]byte, error) {
	if r == 0 {
		return []byte("null"), nil
	}
	return json.Marshal(float64(r) / 100)
}

// Float is the rating as a number (0 without reviews).
func (r Rating) Float() float64 { return float64(r) / 100 }

// Average is the rating of count reviews summing to sum (× 100), rounded
// half up: 4.666… is 4.67.
func Average(sum, count int64) Rating {
	if count == 0 {
		return 0
	}
	return Rating((sum*100 + count/2) / count)
}

// text validation shared by profiles and services.
func text(field, value string, required bool, max int) (string, error) {
	value = strings.TrimSpace(value)
	if required && value == "" {
		return "", errs.Invalid(field, "required")
	}
	if utf8.RuneCountInString(value) > max {
		return "", errs.Invalid(field, "too_long").With("max", max)
	}
	return value, nil
}

// list validates a list of short labels (skills, languages): trimmed, no
// empties, no duplicates (case-insensitive), bounded.
func list(field string, values []string, maxItems, maxLen int) ([]string, error) {
	out := []string{}
	seen := map[string]bool{}
	for _, v := range values {
		v = strings.Join(strings.Fields(v), " ")
		if v == "" {
			continue
		}
		if utf8.RuneCountInString(v) > maxLen {
			return nil, errs.Invalid(field, "too_long").With("max", maxLen)
		}
		if k := strings.ToLower(v); !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	if len(out) > maxItems {
		return nil, errs.Invalid(field, "too_many").With("max", maxItems)
	}
	return out, nil
}

var countryRe = regexp.MustCompile(`^[A-Z]{2}$`)

// price checks a price: in the currency, positive, at most money.MaxAmount.
func price(field string, m money.Money, currency string) error {
	if currency != "" && m.Currency != currency {
		return errs.Invalid(field, "currency_mismatch").With("currency", currency)
	}
	if !money.ValidCurrency(m.Currency) {
		return errs.Invalid(field, "currency_unsupported")
	}
	if m.Amount <= 0 {
		return errs.Invalid(field, "amount_not_positive")
	}
	if m.Amount > money.MaxAmount {
		return errs.Invalid(field, "amount_too_large")
	}
	return nil
}

func operatorOnly(actor users.User) error {
	if !actor.IsOperator {
		return errs.Forbidden("operator_only")
	}
	return nil
}

func jsonList(v []string) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func parseList(s string) []string {
	var v []string
	json.Unmarshal([]byte(s), &v)
	if v == nil {
		v = []string{}
	}
	return v
}

func stamp(us int64) time.Time { return db.Time(us) }

// JSONSchema describes what MarshalJSON writes, for the API's document.
func (Rating) JSONSchema() map[string]any {
	return map[string]any{"type": []string{"number", "null"}, "minimum": 1, "maximum": 5,
		"description": "the average of the reviews out of 5, two decimals; null without reviews"}
}
