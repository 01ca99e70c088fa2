// Package check holds the simple rules of input fields — required, a
// length, a range, a set of values — written once, as `check` struct tags
// on the domain's input types. The domain runs them (Clean) and the API's
// OpenAPI document describes them (Of), so what a client reads is what the
// server enforces. Rules across fields, or that need the database, stay in
// the domain's code.
//
// A tag is a comma-separated list:
//
//	required        a string not blank, a list not empty, a number not 0: "required"
//	max=N           a string of at most N characters ("too_long"), a list of at
//	                most N items ("too_many"), a number at most N
//	min=N           a string of at least N characters ("too_short"), a number at least N
//	enum=a|b|c      one of these values (an empty string passes unless required;
//	                with a code, a blank required value is that code too)
//	code=C          the code of a broken min, max or enum (a number's or a
//	                value's: "invalid" when not given)
//	prefix=P        the codes become P_required, P_too_long, P_too_short
//
// Strings are trimmed of surrounding white space before they are checked,
// and the trimmed value is kept. The error names the field by its JSON name.
package check

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"atelier/internal/errs"
)

// Rule is the parsed rule of one field.
type Rule struct {
	Required       bool
	Min, Max       int
	HasMin, HasMax bool
	Enum           []string
	Code, Prefix   string
}

// Parse reads a `check` tag.
func Parse(tag string) (Rule, error) {
	var r Rule
	for _, part := range strings.Split(tag, ",") {
		key, value, _ := strings.Cut(strings.TrimSpace(part), "=")
		var err error
		switch key {
		case "required":
			r.Required = true
		case "max":
			r.Max, err = strconv.Atoi(value)
			r.HasMax = true
		case "min":
			r.Min, err = strconv.Atoi(value)
			r.HasMin = true
		case "enum":
			r.Enum = strings.Split(value, "|")
		case "code":
			r.Code = value
		case "prefix":
			r.Prefix = value
		default:
			err = fmt.Errorf("unknown rule %q", key)
		}
		if err != nil {
			return Rule{}, fmt.Errorf("check tag %q: %w", tag, err)
		}
	}
	return r, nil
}

// rules caches each struct type's parsed tags.
var rules sync.Map // reflect.Type → []fieldRule

type fieldRule struct {
	index int
	name  string // JSON name
	rule  Rule
}

// Of returns the rule of a struct field, if it has one. A malformed tag
// panics: the tags are constants, and every test that touches the type
// finds it.
func Of(f reflect.StructField) (Rule, bool) {
	tag, ok := f.Tag.Lookup("check")
	if !ok {
		return Rule{}, false
	}
	r, err := Parse(tag)
	if err != nil {
		panic(err)
	}
	return r, true
}

func fieldsOf(t reflect.Type) []fieldRule {
	if v, ok := rules.Load(t); ok {
		return v.([]fieldRule)
	}
	var list []fieldRule
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		r, ok := Of(f)
		if !ok {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		list = append(list, fieldRule{index: i, name: name, rule: r})
	}
	rules.Store(t, list)
	return list
}

// EnumOf is the enum of a field of the struct v, for the domain to list the
// values its tag allows.
func EnumOf(v any, field string) []string {
	f, ok := reflect.TypeOf(v).FieldByName(field)
	r, tagged := Of(f)
	if !ok || !tagged || len(r.Enum) == 0 {
		panic("check.EnumOf: " + field + " has no enum")
	}
	return r.Enum
}

// Clean trims the tagged string fields of the struct v points to and checks
// every tagged field, in order: the first broken rule is returned as a
// validation error on path+the field's JSON name (path: "packages[0]." for
// a nested value, else "").
func Clean(v any, path string) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		panic("check.Clean needs a pointer to a struct, not " + rv.Type().String())
	}
	rv = rv.Elem()
	for _, f := range fieldsOf(rv.Type()) {
		if err := f.rule.check(path+f.name, rv.Field(f.index)); err != nil {
			return err
		}
	}
	return nil
}

func (r Rule) codes(suffix string) string {
	if r.Prefix != "" {
		return r.Prefix + "_" + suffix
	}
	return suffix
}

// broken is the error of a broken min, max or enum on a number or a value.
func (r Rule) broken(field string) error {
	code := r.Code
	if code == "" {
		code = "invalid"
	}
	return errs.Invalid(field, code)
}

func (r Rule) check(field string, v reflect.Value) error {
	switch v.Kind() {
	case reflect.String:
		s := strings.TrimSpace(v.String())
		v.SetString(s)
		n := utf8.RuneCountInString(s)
		switch {
		case r.Required && s == "" && len(r.Enum) > 0 && r.Code != "":
			return r.broken(field) // blank is not one of the values
		case r.Required && s == "":
			return errs.Invalid(field, r.codes("required"))
		case r.HasMax && n > r.Max:
			return errs.Invalid(field, r.codes("too_long")).With("max", r.Max)
		case r.HasMin && n < r.Min:
			return errs.Invalid(field, r.codes("too_short")).With("min", r.Min)
		case len(r.Enum) > 0 && s != "" && !contains(r.Enum, s):
			return r.broken(field)
		}
	case reflect.Slice:
		switch n := v.Len(); {
		case r.Required && n == 0:
			return errs.Invalid(field, r.codes("required"))
		case r.HasMax && n > r.Max:
			return errs.Invalid(field, "too_many").With("max", r.Max)
		}
	case reflect.Int, reflect.Int64:
		n := v.Int()
		switch {
		case r.Required && n == 0:
			return errs.Invalid(field, r.codes("required"))
		case r.HasMax && n > int64(r.Max), r.HasMin && n < int64(r.Min):
			return r.broken(field)
		}
	default:
		panic("check: no rules for a " + v.Kind().String() + " (" + field + ")")
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Schema adds the rule to the JSON Schema s of its field's value, and
// tells whether the field is required.
func (r Rule) Schema(t reflect.Type, s map[string]any) (required bool) {
	switch t.Kind() {
	case reflect.String:
		if r.Required {
			s["minLength"] = 1
		}
		if r.HasMin {
			s["minLength"] = r.Min
		}
		if r.HasMax {
			s["maxLength"] = r.Max
		}
		if len(r.Enum) > 0 {
			enum := r.Enum
			if !r.Required {
				enum = append([]string{""}, enum...)
			}
			s["enum"] = enum
		}
	case reflect.Slice:
		if r.Required {
			s["minItems"] = 1
		}
		if r.HasMax {
			s["maxItems"] = r.Max
		}
	default:
		if r.HasMin {
			s["minimum"] = r.Min
		}
		if r.HasMax {
			s["maximum"] = r.Max
		}
		if r.Required {
			s["not"] = map[string]any{"const": 0}
		}
	}
	return r.Required
}
