package apptest

import (
	"bytes"
	"crypto/sha256"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/helpers"
)

// The API's contract is its served OpenAPI document. Every answer under
// /api/v1/ that a test receives from a Server is checked against it, so the
// document cannot drift from what the API sends: the status must be
// declared for the operation, the content type declared for that status,
// the body must match the schema and the declared required headers must be
// there. A mismatch fails the test that made the request.

// contracts holds one validator per distinct document (the document is the
// same for every server of a test run; parsing it once keeps the suite
// fast).
var contracts struct {
	sync.Mutex
	byDoc map[[32]byte]*contract
}

type contract struct {
	once sync.Once
	v    validator.Validator
	err  string
}

// contractOf reads the document h serves and returns its validator.
func contractOf(t testing.TB, h http.Handler) validator.Validator {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/openapi.json: %d %s", rec.Code, rec.Body)
	}
	doc := rec.Body.Bytes()
	key := sha256.Sum256(doc)
	contracts.Lock()
	if contracts.byDoc == nil {
		contracts.byDoc = map[[32]byte]*contract{}
	}
	c := contracts.byDoc[key]
	if c == nil {
		c = &contract{}
		contracts.byDoc[key] = c
	}
	contracts.Unlock()
	c.once.Do(func() {
		d, err := libopenapi.NewDocument(bytes.Clone(doc))
		if err != nil {
			c.err = err.Error()
			return
		}
		v, errs := validator.NewValidator(d)
		if len(errs) > 0 {
			c.err = errs[0].Error()
			return
		}
		if ok, errs := v.ValidateDocument(); !ok {
			c.err = "the document breaks OpenAPI 3.1: " + describe(errs)
			return
		}
		c.v = v
	})
	if c.err != "" {
		t.Fatalf("OpenAPI document: %s", c.err)
	}
	return c.v
}

// checked serves h, and fails t when an API answer breaks the document.
func checked(t testing.TB, h http.Handler) http.Handler {
	v := contractOf(t, h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/v1/") {
			h.ServeHTTP(w, r)
			return
		}
		rec := &recorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		resp := &http.Response{
			StatusCode: rec.status, Header: w.Header().Clone(), Request: r,
			Body: io.NopCloser(bytes.NewReader(rec.body.Bytes())),
		}
		if ok, errs := v.ValidateHttpResponse(r, resp); !ok {
			if errs = contractErrors(errs); len(errs) > 0 {
				t.Errorf("%s %s answered %d, which the OpenAPI document does not allow: %s\nbody: %.500s",
					r.Method, r.URL.RequestURI(), rec.status, describe(errs), rec.body.Bytes())
			}
		}
	})
}

// contractErrors drops what is not a breach of the contract: a path or a
// method the document does not have is the API's JSON 404 (or 405), which
// no operation describes.
func contractErrors(list []*errors.ValidationError) []*errors.ValidationError {
	var out []*errors.ValidationError
	for _, e := range list {
		if e.ValidationType == helpers.PathValidation && e.ValidationSubType == helpers.ValidationMissing ||
			e.ValidationSubType == helpers.ValidationMissingOperation {
			continue
		}
		out = append(out, e)
	}
	return out
}

func describe(list []*errors.ValidationError) string {
	var b strings.Builder
	for _, e := range list {
		b.WriteString("\n  - " + e.Message)
		if e.Reason != "" {
			b.WriteString(": " + e.Reason)
		}
		for _, s := range e.SchemaValidationErrors {
			b.WriteString("\n      " + s.Reason)
			if s.FieldPath != "" {
				b.WriteString(" at " + s.FieldPath)
			}
		}
	}
	return b.String()
}

// recorder keeps a copy of what a handler writes.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
