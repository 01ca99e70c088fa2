package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"atelier/internal/check"
	"atelier/internal/money"
	"atelier/internal/page"
)

// openAPI builds the OpenAPI 3.1 document of a route table. Schemas come
// from the Go types of each route's body and answer, by their json tags.
func openAPI(table []route) map[string]any {
	schemas := map[string]any{
		"Money": map[string]any{
			"type":     "object",
			"required": []string{"amount", "currency"},
			"properties": map[string]any{
				"amount":   map[string]any{"type": "integer", "description": "minor units (cents)"},
				"currency": map[string]any{"type": "string", "example": "USD"},
			},
		},
		"Error": map[string]any{
			"type":     "object",
			"required": []string{"error"},
			"properties": map[string]any{"error": map[string]any{
				"type":     "object",
				"required": []string{"code", "message"},
				"properties": map[string]any{
					"code":    map[string]any{"type": "string"},
					"message": map[string]any{"type": "string"},
					"field":   map[string]any{"type": "string"},
				},
			}},
		},
	}
	paths := map[string]any{}
	for _, rt := range table {
		p := Prefix + rt.Path
		item, _ := paths[p].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[p] = item
		}
		op := map[string]any{
			"summary":     rt.Summary,
			"tags":        []string{rt.Tag},
			"operationId": strings.ToLower(rt.Method) + strings.NewReplacer("/", "_", "{", "", "}", "", "-", "_").Replace(rt.Path),
		}
		var params []any
		for _, name := range pathParams(rt.Path) {
			params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, q := range rt.Query {
			p := map[string]any{"name": q.Name, "in": "query", "schema": q.Schema}
			if q.Description != "" {
				p["description"] = q.Description
			}
			params = append(params, p)
		}
		if rt.Out != nil && isPage(reflect.TypeOf(rt.Out)) {
			params = append(params,
				map[string]any{"name": "limit", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": page.MaxLimit, "default": page.DefaultLimit}},
				map[string]any{"name": "cursor", "in": "query", "schema": map[string]any{"type": "string"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.In != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(rt.In), request)}}}
		}
		status := rt.Status
		if status == 0 {
			status = http.StatusOK
		}
		resp := map[string]any{"description": http.StatusText(status)}
		if f, ok := rt.Out.(file); ok {
			content := map[string]any{}
			for _, t := range f.types() {
				content[t] = map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}
			}
			resp["content"] = content
			resp["headers"] = map[string]any{"Content-Disposition": map[string]any{
				"required": true, "description": "attachment, with the file's name", "schema": map[string]any{"type": "string"}}}
		} else if rt.Out != nil && status != http.StatusNoContent {
			resp["content"] = map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(rt.Out), response)}}
		}
		responses := map[string]any{itoa(status): resp}
		for _, code := range refusals(rt) {
			e := map[string]any{"description": http.StatusText(code), "content": map[string]any{
				"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
			if code == http.StatusTooManyRequests {
				e["headers"] = map[string]any{"Retry-After": map[string]any{
					"required": true, "description": "seconds to wait before trying again",
					"schema": map[string]any{"type": "integer", "minimum": 1}}}
			}
			responses[itoa(code)] = e
		}
		op["responses"] = responses
		if rt.Public {
			op["security"] = []any{} // answers without a session
		} else {
			op["security"] = []any{map[string]any{"bearer": []string{}}, map[string]any{"cookie": []string{}}}
		}
		item[strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Atelier API",
			"version":     "1",
			"description": "The JSON API of Atelier, a marketplace where business teams buy services from vetted freelancers. Money is {amount, currency} in minor units; lists are {items, next_cursor}; errors are {error: {code, message, field}}.",
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer", "description": "token from POST /api/v1/sessions"},
				"cookie": map[string]any{"type": "apiKey", "in": "cookie", "name": "atelier_session"},
			},
		},
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// refusals are the error statuses a route may answer: the usual ones, 401
// unless it is public, 413 when it reads a body (an idempotent route reads
// it to compare a repeat), and what the route adds (Also).
func refusals(rt route) []int {
	codes := []int{400, 403, 404, 409, 422}
	if !rt.Public {
		codes = append(codes, http.StatusUnauthorized)
	}
	if rt.In != nil || rt.Idempotent {
		codes = append(codes, http.StatusRequestEntityTooLarge)
	}
	codes = append(codes, rt.Also...)
	slices.Sort(codes)
	return slices.Compact(codes)
}

var (
	timeType  = reflect.TypeOf(time.Time{})
	moneyType = reflect.TypeOf(money.Money{})
)

func isPage(t reflect.Type) bool {
	if t.Kind() != reflect.Struct {
		return false
	}
	_, items := t.FieldByName("Items")
	_, next := t.FieldByName("NextCursor")
	return items && next
}

// direction tells a request body's schema from an answer's: an answer
// requires every field it always writes, a request the fields its rules
// require.
type direction int

const (
	request direction = iota
	response
)

// describer is a type that marshals itself (json.Marshaler) and so
// describes the JSON Schema of what it writes; reflection on its Go kind
// would tell a lie (catalog.Rating is an int written as 4.87 or null).
type describer interface{ JSONSchema() map[string]any }

var (
	describerType = reflect.TypeOf((*describer)(nil)).Elem()
	marshalerType = reflect.TypeOf((*json.Marshaler)(nil)).Elem()
)

// schemaOf describes a Go type as a JSON Schema.
func schemaOf(t reflect.Type, dir direction) map[string]any {
	nullable := false
	for t.Kind() == reflect.Pointer {
		t, nullable = t.Elem(), true
	}
	var s map[string]any
	switch {
	case t == timeType:
		s = map[string]any{"type": "string", "format": "date-time"}
	case t == moneyType:
		s = map[string]any{"$ref": "#/components/schemas/Money"}
	case t.Implements(describerType):
		s = reflect.Zero(t).Interface().(describer).JSONSchema()
	case t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType):
		panic("api: " + t.String() + " marshals itself but does not describe its schema (JSONSchema)")
	default:
		switch t.Kind() {
		case reflect.String:
			s = map[string]any{"type": "string"}
		case reflect.Bool:
			s = map[string]any{"type": "boolean"}
		case reflect.Int, reflect.Int32, reflect.Int64:
			s = map[string]any{"type": "integer"}
		case reflect.Float64:
			s = map[string]any{"type": "number"}
		case reflect.Slice:
			s = map[string]any{"type": "array", "items": schemaOf(t.Elem(), dir)}
		case reflect.Map:
			s = map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), dir)}
		case reflect.Interface:
			s = map[string]any{}
		case reflect.Struct:
			s = structSchema(t, dir)
		default:
			s = map[string]any{}
		}
	}
	if nullable {
		return map[string]any{"oneOf": []any{s, map[string]any{"type": "null"}}}
	}
	return s
}

// structSchema describes a struct by its json tags, embedded structs
// flattened as encoding/json writes them. A request's fields carry the
// rules of their check tags (the ones the domain runs). In an answer, a
// field without omitempty or omitzero is always written (a nil pointer as
// null): it is required.
func structSchema(t reflect.Type, dir direction) map[string]any {
	props := map[string]any{}
	var required []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if f.Anonymous && name == "" {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			fs := schemaOf(f.Type, dir)
			props[name] = fs
			switch r, ok := check.Of(f); {
			case dir == response && !omitted(opts):
				required = append(required, name)
			case dir == request && ok && r.Schema(f.Type, fs):
				required = append(required, name)
			}
		}
	}
	walk(t)
	s := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// omitted tells whether json options let a field be left out.
func omitted(opts string) bool {
	for _, o := range strings.Split(opts, ",") {
		if o == "omitempty" || o == "omitzero" {
			return true
		}
	}
	return false
}
