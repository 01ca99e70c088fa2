package site

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"atelier/internal/billing"
	"atelier/internal/catalog"
	"atelier/internal/i18n"
	"atelier/internal/invoicedoc"
	"atelier/internal/money"
	"atelier/internal/orders"
	"atelier/internal/projects"
)

// The words of the area pages: the methods of View that format and name
// what one area shows (an order's status, a rating, a milestone's money…).
// They live here, with View, because a template can only call methods of
// the value it is given; each section says which pages use it.

// The catalog and the seller's pages.

// Rating writes an average rating with two decimals for the language:
// "4.87" or "4,87".
func (v *View) Rating(r catalog.Rating) string {
	sep := "."
	if v.Lang == "fr" {
		sep = ","
	}
	return strconv.Itoa(int(r)/100) + sep + strconv.Itoa(int(r)%100/10) + strconv.Itoa(int(r)%10)
}

// Category names a category.
func (v *View) Category(slug string) string { return i18n.T(v.Lang, "category."+slug) }

// Count writes a count with the language's digit grouping.
func (v *View) Count(n int64) string { return FormatInt(v.Lang, n) }

// Days writes a number of days: "1 day", "3 days".
func (v *View) Days(n int) string {
	if n == 1 {
		return i18n.T(v.Lang, "common.days_one", "count", n)
	}
	return i18n.T(v.Lang, "common.days_other", "count", n)
}

// Stars writes a 1–5 rating as stars, for a review.
func (v *View) Stars(n int) string {
	if n < 0 || n > 5 {
		return ""
	}
	return strings.Repeat("★", n) + strings.Repeat("☆", 5-n)
}

// Index returns i+1, for the positions of packages.
func (v *View) Pos(i int) int { return i + 1 }

// PackageField names an input of a package row: "packages[1].price".
func (v *View) PackageField(i int, name string) string {
	return "packages[" + strconv.Itoa(i) + "]." + name
}

// Initials are the first letters of a name's first two words, for an
// avatar: "Studio Lumen" → "SL".
func (v *View) Initials(name string) string {
	var b strings.Builder
	for i, w := range strings.Fields(name) {
		if i == 2 {
			break
		}
		for _, r := range w {
			b.WriteString(strings.ToUpper(string(r)))
			break
		}
	}
	return b.String()
}

// The billing pages.

// LineText words an invoice line in the page's language.
func (v *View) LineText(l billing.Line) string { return invoicedoc.LineText(v.Lang, l) }

// The order pages.

// OrderStatus names an order's status (an orders.Status, or the word a
// read model carries).
func (v *View) OrderStatus(s any) string { return i18n.T(v.Lang, "order.status."+fmt.Sprint(s)) }

// EventText words a line of an order's timeline.
func (v *View) EventText(e orders.Event) string {
	if e.ActorID == "" {
		return i18n.T(v.Lang, "order.event."+e.Kind+"_auto") // a timer or the payment, not a person
	}
	return i18n.T(v.Lang, "order.event."+e.Kind, "name", e.ActorName)
}

// Timeline pairs the view with an order's events, for the "timeline"
// partial: order is the order's id, whose page links their files, or ""
// where they are only named.
func (v *View) Timeline(events []orders.Event, order string) sub {
	return sub{V: v, D: struct {
		Events []orders.Event
		Order  string
	}{events, order}}
}

// Size writes a file size for the language: "12 KB", "1.5 MB".
func (v *View) Size(n int64) string {
	switch {
	case n < 1024:
		return i18n.T(v.Lang, "common.size_b", "n", n)
	case n < 1<<20:
		return i18n.T(v.Lang, "common.size_kb", "n", (n+512)/1024)
	}
	mb := strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64)
	if v.Lang == "fr" {
		mb = strings.Replace(mb, ".", ",", 1)
	}
	return i18n.T(v.Lang, "common.size_mb", "n", mb)
}

// Range returns 1..n, for the rating choices.
func (v *View) Range(n int) []int {
	list := make([]int, n)
	for i := range list {
		list[i] = i + 1
	}
	return list
}

// ErrorIn returns the message of a field of one of a page's forms, named
// by the form's hidden "form" input, so two forms with a field of the
// same name each show their own.
func (f *Form) ErrorIn(which, name string) string {
	if f.Values.Get("form") != which {
		return ""
	}
	return f.Errors[name]
}

// ValueIn returns what was typed in a field of one of a page's forms.
func (f *Form) ValueIn(which, name string) string {
	if f.Values.Get("form") != which {
		return ""
	}
	return f.Values.Get(name)
}

// Args gathers strings for a partial, as .D.
func (v *View) Args(xs ...string) []string { return xs }

// The milestones of an order's page.

// MilestoneStatus names a milestone's status.
func (v *View) MilestoneStatus(s orders.MilestoneStatus) string {
	return i18n.T(v.Lang, "milestone.status."+string(s))
}

// MilestoneFunds says where a milestone's money is.
func (v *View) MilestoneFunds(m orders.Milestone) string {
	switch m.Status {
	case orders.MilestoneActive, orders.MilestoneDelivered:
		return i18n.T(v.Lang, "milestone.funds.held")
	case orders.MilestoneApproved:
		return i18n.T(v.Lang, "milestone.funds.released")
	case orders.MilestoneStopped:
		return i18n.T(v.Lang, "milestone.funds.never")
	}
	return i18n.T(v.Lang, "milestone.funds.not_charged")
}

// Custom offers.

// MilestoneField names an input of milestone row i.
func (v *View) MilestoneField(i int, name string) string {
	return "milestones." + strconv.Itoa(i) + "." + name
}

// RowNumber is a 0-based row's number for people.
func (v *View) RowNumber(i int) int { return i + 1 }

// OfferStatus names an offer's status.
func (v *View) OfferStatus(s any) string { return i18n.T(v.Lang, "offer.status."+fmt.Sprint(s)) }

// OfferKind names an offer's (or an order's) kind.
func (v *View) OfferKind(k orders.Kind) string { return i18n.T(v.Lang, "offer.kind."+string(k)) }

// OrderLine is the line under an order's title: the package and quantity
// of a service order, the kind of an offer's.
func (v *View) OrderLine(o orders.Order) string {
	if o.ServiceID == "" && o.OfferID != "" {
		return i18n.T(v.Lang, "order.offer_line", "kind", v.OfferKind(o.Kind))
	}
	return i18n.T(v.Lang, "order.package_quantity", "package", o.Package, "quantity", o.Quantity)
}

// Hourly contracts.

// Hours writes a number of hours for the language: "7.5 h".
func (v *View) Hours(h float64) string {
	return i18n.T(v.Lang, "hourly.hours", "n", HoursText(v.Lang, h))
}

// WeekDay names a day of a week: "Mon, Nov 23".
func (v *View) WeekDay(t time.Time) string {
	return i18n.T(v.Lang, "hourly.weekday."+strings.ToLower(t.Weekday().String()[:3]), "day", formatDay(v.Lang, t))
}

// ContractState names an hourly contract's state.
func (v *View) ContractState(s orders.ContractState) string {
	return i18n.T(v.Lang, "hourly.state."+string(s))
}

// ReportStatus names a weekly report's status.
func (v *View) ReportStatus(s orders.ReportStatus) string {
	return i18n.T(v.Lang, "hourly.report_status."+string(s))
}

// The resolution center and the operators' queues.

// RequestKind names a kind of request.
func (v *View) RequestKind(k orders.RequestKind) string {
	return i18n.T(v.Lang, "resolution.kind."+string(k))
}

// SideName names a side of an order.
func (v *View) SideName(side string) string { return i18n.T(v.Lang, "resolution.side."+side) }

// DaysLeft words the days left of a deadline.
func (v *View) DaysLeft(n int) string {
	if n == 1 {
		return i18n.T(v.Lang, "order.progress.days_left_one")
	}
	return i18n.T(v.Lang, "order.progress.days_left_other", "count", n)
}

// MoneyOf formats an optional amount.
func (v *View) MoneyOf(m *money.Money) string {
	if m == nil {
		return ""
	}
	return m.Format(v.Lang)
}

// Lists and the network.

// Rating1 writes a 1–5 rating as a number with one decimal for the language.
func (v *View) Rating1(f float64) string {
	s := strconv.FormatFloat(f, 'f', 1, 64)
	if strings.HasPrefix(v.Lang, "fr") {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Ratings are the choices of an internal review's rating.
func (v *View) Ratings() []int { return []int{5, 4, 3, 2, 1} }

// Projects and the dashboard.

// ProjectType names a project type in the language.
func (v *View) ProjectType(t string) string { return i18n.T(v.Lang, "project.type."+t) }

// ProjectEvent words a line of a project's activity.
func (v *View) ProjectEvent(e projects.Event) string {
	return i18n.T(v.Lang, "project.event."+e.Kind, "name", e.ActorName, "body", e.Body)
}

// SpendChart draws an account's spend per month as an SVG bar chart on the
// server: one bar per month, the tallest the chart's height, each with its
// amount as a title (a tooltip and what a screen reader reads) and the
// month's short name beneath.
func (v *View) SpendChart(months []billing.MonthSpend) template.HTML {
	const width, height, bar, gap, top, bottom = 480, 180, 30, 10, 16, 22
	var most int64
	for _, m := range months {
		most = max(most, m.Amount.Amount)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="spend-chart" viewBox="0 0 %d %d" role="img" aria-labelledby="spend-chart-title" xmlns="http://www.w3.org/2000/svg">`, width, height)
	fmt.Fprintf(&b, `<title id="spend-chart-title">%s</title>`, template.HTMLEscapeString(i18n.T(v.Lang, "dashboard.spend_chart")))
	fmt.Fprintf(&b, `<line x1="0" y1="%d" x2="%d" y2="%d" class="axis"/>`, height-bottom, width, height-bottom)
	for i, m := range months {
		h := 0
		if most > 0 && m.Amount.Amount > 0 {
			h = max(2, int(m.Amount.Amount*int64(height-top-bottom)/most))
		}
		x := i*(bar+gap) + gap/2
		label := template.HTMLEscapeString(monthLabel(v.Lang, m.Month))
		amount := template.HTMLEscapeString(m.Amount.Format(v.Lang))
		fmt.Fprintf(&b, `<g class="month" data-month="%s"><title>%s: %s</title><rect x="%d" y="%d" width="%d" height="%d" class="bar"/>`,
			m.Month, label, amount, x, height-bottom-h, bar, h)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" class="label">%s</text></g>`, x+bar/2, height-6, label)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// monthLabel is "2026-11" as a month's short name in the language.
func monthLabel(lang, ym string) string {
	n, err := strconv.Atoi(strings.TrimPrefix(ym[len(ym)-2:], "0"))
	if err != nil || n < 1 || n > 12 {
		return ym
	}
	return i18n.T(lang, fmt.Sprintf("month.short.%d", n))
}
