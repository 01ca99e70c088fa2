// Package pdftext reads the text of a PDF for tests, as a person copying it
// would get it: poppler's pdftotext, with no-break spaces made plain.
package pdftext

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Text extracts the text of pdf. Without pdftotext the test is skipped,
// or fails when ATELIER_REQUIRE_BROWSER is set (CI installs it).
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		const msg = "pdftotext not installed (Debian: apt-get install poppler-utils)"
		if os.Getenv("ATELIER_REQUIRE_BROWSER") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	cmd := exec.Command(bin, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return Plain(string(out))
}

// Plain makes no-break spaces plain ones.
func Plain(s string) string {
	return strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(s)
}
