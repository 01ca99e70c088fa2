package api

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"atelier/internal/money"
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
			"type": "object",
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
		if rt.Out != nil && isPage(reflect.TypeOf(rt.Out)) {
			params = append(params,
				map[string]any{"name": "limit", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
				map[string]any{"name": "cursor", "in": "query", "schema": map[string]any{"type": "string"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.In != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(rt.In))}}}
		}
		status := rt.Status
		if status == 0 {
			status = http.StatusOK
		}
		resp := map[string]any{"description": http.StatusText(status)}
		if f, ok := rt.Out.(file); ok {
			resp["content"] = map[string]any{f.ContentType: map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}
		} else if rt.Out != nil && status != http.StatusNoContent {
			resp["content"] = map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(rt.Out))}}
		}
		errRef := map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
		responses := map[string]any{itoa(status): resp}
		for _, code := range []int{400, 401, 403, 404, 409, 422} {
			if code == 401 && rt.Public {
				continue
			}
			e := map[string]any{"description": http.StatusText(code)}
			for k, v := range errRef {
				e[k] = v
			}
			responses[itoa(code)] = e
		}
		op["responses"] = responses
		if !rt.Public {
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

// schemaOf describes a Go type as a JSON Schema.
func schemaOf(t reflect.Type) map[string]any {
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
			s = map[string]any{"type": "array", "items": schemaOf(t.Elem())}
		case reflect.Map:
			s = map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem())}
		case reflect.Interface:
			s = map[string]any{}
		case reflect.Struct:
			props := map[string]any{}
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				if !f.IsExported() || name == "-" {
					continue
				}
				if name == "" {
					name = f.Name
				}
				props[name] = schemaOf(f.Type)
			}
			s = map[string]any{"type": "object", "properties": props}
		default:
			s = map[string]any{}
		}
	}
	if nullable {
		return map[string]any{"oneOf": []any{s, map[string]any{"type": "null"}}}
	}
	return s
}
