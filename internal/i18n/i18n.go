// Package i18n is the translation catalog: every sentence a person reads —
// pages, API error messages, e-mails, PDFs — is looked up here by a message
// key, in English or French. The catalogs are the JSON files next to this
// file; a test fails when a key lacks a translation.
//
// Messages may hold {name} placeholders filled from the arguments.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

//go:embed *.json
var files embed.FS

// Languages Atelier speaks; the first is the fallback.
var Languages = []string{"en", "fr"}

var catalogs = map[string]map[string]string{}

func init() {
	for _, lang := range Languages {
		b, err := files.ReadFile(lang + ".json")
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("i18n: %s.json: %v", lang, err))
		}
		catalogs[lang] = m
	}
}

// Has reports whether key exists in the English catalog.
func Has(key string) bool {
	_, ok := catalogs["en"][key]
	return ok
}

// Key is an argument that is itself a message key: T translates it into the
// same language before putting it in place ("expected {type}" → "a number",
// « un nombre »).
type Key string

// T translates key into lang, filling {placeholders} from args (pairs of
// name, value). A missing key shows as the key itself, so it is noticed.
func T(lang, key string, args ...any) string {
	msg, ok := catalogs[Supported(lang)][key]
	if !ok {
		if msg, ok = catalogs["en"][key]; !ok {
			return key
		}
	}
	if len(args) == 0 || !strings.Contains(msg, "{") {
		return msg
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		v := args[i+1]
		if k, ok := v.(Key); ok {
			v = T(lang, string(k))
		}
		pairs = append(pairs, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(v))
	}
	return strings.NewReplacer(pairs...).Replace(msg)
}

// TMap is T with its arguments in a map.
func TMap(lang, key string, args map[string]any) string {
	list := make([]any, 0, 2*len(args))
	for k, v := range args {
		list = append(list, k, v)
	}
	return T(lang, key, list...)
}

// Supported returns lang if Atelier speaks it (by its primary subtag), else
// English.
func Supported(lang string) string {
	lang = strings.ToLower(strings.TrimSpace(lang))
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	for _, l := range Languages {
		if l == lang {
			return l
		}
	}
	return "en"
}

// Negotiate picks the language of a request: the user's saved preference
// wins, then the Accept-Language header (by quality), then English.
func Negotiate(saved, acceptLanguage string) string {
	if saved != "" {
		return Supported(saved)
	}
	type choice struct {
		lang string
		q    float64
	}
	var choices []choice
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if tag == "" {
			continue
		}
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			fmt.Sscanf(v, "%g", &q)
		}
		choices = append(choices, choice{tag, q})
	}
	sort.SliceStable(choices, func(i, j int) bool { return choices[i].q > choices[j].q })
	for _, c := range choices {
		if c.q <= 0 {
			continue
		}
		if l := Supported(c.lang); l != "en" || strings.HasPrefix(strings.ToLower(c.lang), "en") {
			return l
		}
	}
	return "en"
}

// Keys returns every key of a language's catalog, sorted.
func Keys(lang string) []string {
	keys := make([]string, 0, len(catalogs[lang]))
	for k := range catalogs[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
