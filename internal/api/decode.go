package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"atelier/internal/errs"
	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/money"
)

// decode reads a JSON body into a T. Unknown fields are ignored, so clients
// written against a newer API keep working; but what is sent is never
// quietly changed: a value of the wrong type, or null where the field is
// not nullable, is refused naming the field, and so is a missing or null
// body unless the route says it may be left out (optional).
func decode[T any](c *call, optional bool) (T, error) {
	var v T
	if d, ok := any(&v).(defaulter); ok {
		d.Defaults()
	}
	raw, err := io.ReadAll(c.r.Body)
	if err != nil {
		if e := tooLarge(err); e != nil {
			return v, e
		}
		return v, errs.Malformed("malformed_json")
	}
	if trimmed := bytes.TrimSpace(raw); len(trimmed) == 0 || string(trimmed) == "null" {
		if optional {
			return v, nil
		}
		return v, errs.Malformed("body_required")
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return v, errs.Invalid(typeErr.Field, "field_type_invalid").With("type", expected(typeErr.Type))
		}
		return v, errs.Malformed("malformed_json")
	}
	if field := nullField(raw, reflect.TypeFor[T]()); field != "" {
		return v, errs.Invalid(field, "field_null")
	}
	if field := httpx.BadField(v, utf8.Valid(raw)); field != "" {
		return v, errs.Invalid(field, "text_invalid")
	}
	return v, nil
}

// defaulter is a body with defaults: what the client leaves out takes them,
// what it sends is checked as sent.
type defaulter interface{ Defaults() }

// expected names, as a message key, the JSON a Go type is read from.
func expected(t reflect.Type) i18n.Key {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == reflect.TypeFor[money.Money]():
		return "json_type.money"
	case t == reflect.TypeFor[time.Time]():
		return "json_type.time"
	}
	switch t.Kind() {
	case reflect.String:
		return "json_type.string"
	case reflect.Bool:
		return "json_type.boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "json_type.integer"
	case reflect.Float32, reflect.Float64:
		return "json_type.number"
	case reflect.Slice, reflect.Array:
		return "json_type.list"
	}
	return "json_type.object"
}

// nullField names the first field of the JSON body raw that is null where
// t's field is not nullable (not a pointer), or "": json.Unmarshal reads such
// a null as "not sent", which would quietly keep or zero the value. Paths are
// as BadField writes them ("days.0.note").
func nullField(raw []byte, t reflect.Type) string {
	if !bytes.Contains(raw, []byte("null")) { // most bodies: no second reading
		return ""
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return ""
	}
	return nullAt("", v, t)
}

func nullAt(path string, v any, t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		if v == nil {
			return ""
		}
		t = t.Elem()
	}
	if v == nil {
		if t.Kind() == reflect.Interface {
			return ""
		}
		return path
	}
	switch t.Kind() {
	case reflect.Struct:
		m, _ := v.(map[string]any)
		return nullInStruct(path, m, t)
	case reflect.Slice, reflect.Array:
		list, _ := v.([]any)
		for i, val := range list {
			if p := nullAt(joinPath(path, strconv.Itoa(i)), val, t.Elem()); p != "" {
				return p
			}
		}
	case reflect.Map:
		m, _ := v.(map[string]any)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if p := nullAt(joinPath(path, k), m[k], t.Elem()); p != "" {
				return p
			}
		}
	}
	return ""
}

// nullInStruct is nullAt for the fields of a struct sent as the object m.
func nullInStruct(path string, m map[string]any, t reflect.Type) string {
	if m == nil {
		return ""
	}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if f.Anonymous && tag == "" { // its fields are the outer's
			if p := nullAt(path, m, f.Type); p != "" {
				return p
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		for key, val := range m { // encoding/json matches names without case
			if strings.EqualFold(key, name) {
				if p := nullAt(joinPath(path, name), val, f.Type); p != "" {
					return p
				}
			}
		}
	}
	return ""
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
