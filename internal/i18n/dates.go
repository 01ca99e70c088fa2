package i18n

import "time"

var months = [...]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// Day writes a date in lang ("Nov 27, 2026", "27 nov. 2026"), in UTC.
func Day(lang string, t time.Time) string {
	t = t.UTC()
	return T(lang, "date.day", "month", T(lang, "date.month."+months[t.Month()-1]), "d", t.Day(), "year", t.Year())
}

// DateTime writes a date and time in lang, in UTC.
func DateTime(lang string, t time.Time) string {
	return T(lang, "date.datetime", "day", Day(lang, t), "time", t.UTC().Format("15:04"))
}
