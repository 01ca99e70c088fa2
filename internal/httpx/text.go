package httpx

import (
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Text that Atelier stores is valid UTF-8 without NUL: PostgreSQL refuses
// both (SQLite would store them), so a request carrying them is refused
// with the field named, before anything runs, on both engines.

// BadText reports whether s cannot be stored as text.
func BadText(s string) bool { return !utf8.ValidString(s) || strings.ContainsRune(s, 0) }

// BadValue names the first parameter of values (a query or a form) whose
// text cannot be stored, or "".
func BadValue(values url.Values) string {
	for k, vs := range values {
		if BadText(k) {
			return "_"
		}
		for _, v := range vs {
			if BadText(v) {
				return k
			}
		}
	}
	return ""
}

// BadField names the first field of a decoded JSON value (a struct with
// json tags, maps, slices, pointers) whose text cannot be stored — NUL, or
// U+FFFD where the raw body was not valid UTF-8 (the decoder replaces bad
// bytes with it) — or "". The name is the JSON path: "days.0.note".
func BadField(v any, rawValid bool) string {
	return fieldWalk{rawValid}.walk("", reflect.ValueOf(v))
}

// fieldWalk looks for a bad string in a decoded value (BadField).
type fieldWalk struct{ rawValid bool }

func (w fieldWalk) bad(s string) bool {
	return strings.ContainsRune(s, 0) || (!w.rawValid && strings.ContainsRune(s, utf8.RuneError))
}

func (w fieldWalk) walk(path string, v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		if w.bad(v.String()) {
			return path
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return w.walk(path, v.Elem())
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if p := w.walk(join(path, strconv.Itoa(i)), v.Index(i)); p != "" {
				return p
			}
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			if k.Kind() == reflect.String && w.bad(k.String()) {
				return join(path, "_")
			}
			if p := w.walk(join(path, k.String()), v.MapIndex(k)); p != "" {
				return p
			}
		}
	case reflect.Struct:
		return w.walkStruct(path, v)
	}
	return ""
}

// walkStruct walks a struct's exported fields by their JSON names (an
// embedded struct's fields are the outer's).
func (w fieldWalk) walkStruct(path string, v reflect.Value) string {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		switch {
		case f.Anonymous && tag == "":
			name = path
		case name == "":
			name = join(path, f.Name)
		default:
			name = join(path, name)
		}
		if p := w.walk(name, v.Field(i)); p != "" {
			return p
		}
	}
	return ""
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
