package httpx

import (
	"net/url"
	"testing"
)

func TestBadText(t *testing.T) {
	t.Parallel()
	type day struct {
		Note string `json:"note"`
	}
	type report struct {
		Week string            `json:"week_start"`
		Days []day             `json:"days"`
		Tags map[string]string `json:"tags,omitempty"`
		Next *day              `json:"next,omitempty"`
	}
	for _, c := range []struct {
		v        any
		rawValid bool
		want     string
	}{
		{report{Week: "2026-11-30", Days: []day{{Note: "ok"}}}, true, ""},
		{report{Week: "2026\x00-11-30"}, true, "week_start"},
		{report{Days: []day{{Note: "fine"}, {Note: "a\x00b"}}}, true, "days.1.note"},
		{report{Tags: map[string]string{"x": "\x00"}}, true, "tags.x"},
		{report{Next: &day{Note: "caf\uFFFD"}}, false, "next.note"},
		{report{Next: &day{Note: "caf\uFFFD"}}, true, ""}, // a real U+FFFD, sent as such
		{map[string]any{"name": []any{"a", "b\x00"}}, true, "name.1"},
	} {
		if got := BadField(c.v, c.rawValid); got != c.want {
			t.Errorf("%+v: %q, want %q", c.v, got, c.want)
		}
	}
	if got := BadValue(url.Values{"q": {"logo"}, "name": {"\xff"}}); got != "name" {
		t.Errorf("form: %q", got)
	}
	if BadValue(url.Values{"q": {"café"}}) != "" {
		t.Error("good text refused")
	}
}
