package check_test

import (
	"errors"
	"reflect"
	"testing"

	"atelier/internal/check"
	"atelier/internal/errs"
)

type in struct {
	Name   string   `json:"name" check:"required,max=5"`
	Title  string   `json:"title" check:"max=10,min=3,prefix=title"`
	Kind   string   `json:"kind,omitempty" check:"enum=a|b,code=kind_invalid"`
	Days   int      `json:"days" check:"min=1,max=9,code=days_invalid"`
	Tags   []string `json:"tags" check:"required,max=2,prefix=tags"`
	Free   string   `json:"free"`
	Nested int      `check:"max=1"`
}

func TestClean(t *testing.T) {
	ok := func() in { return in{Name: " Ann ", Title: "abc", Kind: "a", Days: 1, Tags: []string{"x"}} }
	for _, c := range []struct {
		name        string
		edit        func(*in)
		code, field string
		arg         string
		value       any
	}{
		{"fine", func(*in) {}, "", "", "", nil},
		{"blank", func(v *in) { v.Name = "  " }, "required", "p.name", "", nil},
		{"long", func(v *in) { v.Name = "abcdef" }, "too_long", "p.name", "max", 5},
		{"short", func(v *in) { v.Title = "ab" }, "title_too_short", "p.title", "min", 3},
		{"enum", func(v *in) { v.Kind = "c" }, "kind_invalid", "p.kind", "", nil},
		{"no enum", func(v *in) { v.Kind = "" }, "", "", "", nil},
		{"range", func(v *in) { v.Days = 10 }, "days_invalid", "p.days", "", nil},
		{"below", func(v *in) { v.Days = 0 }, "days_invalid", "p.days", "", nil},
		{"empty list", func(v *in) { v.Tags = nil }, "tags_required", "p.tags", "", nil},
		{"long list", func(v *in) { v.Tags = []string{"a", "b", "c"} }, "too_many", "p.tags", "max", 2},
		{"no json name", func(v *in) { v.Nested = 2 }, "invalid", "p.Nested", "", nil},
	} {
		v := ok()
		c.edit(&v)
		err := check.Clean(&v, "p.")
		if c.code == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		e, isErr := errs.As(err)
		if !isErr || e.Kind != errs.KindInvalid || e.Code != c.code || e.Field != c.field || (c.arg != "" && e.Args[c.arg] != c.value) {
			t.Errorf("%s: %#v, want %s on %s", c.name, err, c.code, c.field)
		}
	}
	v := ok()
	if err := check.Clean(&v, ""); err != nil || v.Name != "Ann" {
		t.Fatalf("clean: %v %q", err, v.Name)
	}
	if err := check.Clean(&v, ""); errors.Is(err, errs.Invalid("", "")) {
		t.Fatal(err)
	}
}

func TestSchema(t *testing.T) {
	f, _ := reflect.TypeOf(in{}).FieldByName("Kind")
	r, _ := check.Of(f)
	s := map[string]any{}
	if r.Schema(f.Type, s) || !reflect.DeepEqual(s["enum"], []string{"", "a", "b"}) {
		t.Errorf("kind: %v", s)
	}
	f, _ = reflect.TypeOf(in{}).FieldByName("Name")
	r, _ = check.Of(f)
	s = map[string]any{}
	if !r.Schema(f.Type, s) || s["minLength"] != 1 || s["maxLength"] != 5 {
		t.Errorf("name: %v", s)
	}
	if _, err := check.Parse("maximum=3"); err == nil {
		t.Error("an unknown rule parsed")
	}
}
