package attachments

import (
	"strings"
	"testing"

	"atelier/internal/errs"
)

// What a delivery or a message may carry: up to ten named, non-empty files
// of 20 MiB at most, of the listed types (a parameter after the type is
// allowed); nothing executable, no path in a name.
func TestCheck(t *testing.T) {
	t.Parallel()
	file := func(name, ct string, size int) File {
		return File{Name: name, ContentType: ct, Size: int64(size), Data: make([]byte, size)}
	}
	pdf := file("brief.pdf", "application/pdf", 10)
	for _, c := range []struct {
		name  string
		files []File
		code  string // "" when accepted
	}{
		{"none", nil, ""},
		{"a PDF", []File{pdf}, ""},
		{"a type with a parameter", []File{file("notes.txt", "text/plain; charset=utf-8", 3)}, ""},
		{"the most files", make10(pdf), ""},
		{"one too many", append(make10(pdf), pdf), "too_many"},
		{"the largest file", []File{file("big.zip", "application/zip", MaxFileSize)}, ""},
		{"a byte too large", []File{file("big.zip", "application/zip", MaxFileSize+1)}, "file_too_large"},
		{"an empty file", []File{file("empty.pdf", "application/pdf", 0)}, "file_empty"},
		{"a size that lies", []File{{Name: "x.pdf", ContentType: "application/pdf", Size: 99, Data: []byte("x")}}, "file_empty"},
		{"no name", []File{file("  ", "application/pdf", 1)}, "file_name_invalid"},
		{"a path", []File{file("../etc/passwd", "text/plain", 1)}, "file_name_invalid"},
		{"a name too long", []File{file(strings.Repeat("a", 201), "text/plain", 1)}, "file_name_invalid"},
		{"a program", []File{file("run.exe", "application/octet-stream", 1)}, "file_type_not_allowed"},
		{"an unknown type", []File{file("x.sh", "application/x-sh", 1)}, "file_type_not_allowed"},
	} {
		err := Check(c.files)
		if c.code == "" {
			if err != nil {
				t.Errorf("%s: refused: %v", c.name, err)
			}
			continue
		}
		if e, ok := errs.As(err); !ok || e.Code != c.code || e.Field != "files" {
			t.Errorf("%s: %v, want %s", c.name, err, c.code)
		}
	}
	for _, ct := range Types() {
		if !allowedTypes[ct] {
			t.Errorf("Types lists %s, which is not allowed", ct)
		}
	}
}

func make10(f File) []File {
	list := make([]File, MaxFiles)
	for i := range list {
		list[i] = f
	}
	return list
}
