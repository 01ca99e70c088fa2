package notify

import (
	"time"

	"atelier/internal/i18n"
)

// Text words a notice in lang, from the translation "notification.<kind>"
// and its values: a role among them is named in the language, a deadline
// written as a date of the language.
func Text(lang, kind string, params map[string]any) string {
	args := make([]any, 0, 2*len(params))
	for k, v := range params {
		if k == "role" {
			if r, ok := v.(string); ok {
				v = i18n.T(lang, "role."+r)
			}
		}
		if k == "deadline" {
			if s, ok := v.(string); ok {
				if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
					v = i18n.DateTime(lang, t)
				}
			}
		}
		args = append(args, k, v)
	}
	return i18n.T(lang, "notification."+kind, args...)
}
