// Package invoicedoc turns billing invoices into documents people keep: an
// A4 PDF per invoice, in English or French, and a CSV export of a list.
//
// The PDF is drawn with go-pdf/fpdf and the DejaVu Sans fonts embedded in
// the binary (fonts/, with their licence), so "€", "£" and French accents
// render without any font installed on the machine. Every word on the page
// comes from the i18n catalog (keys "invoice.*"), money from
// money.Format, dates from the catalog's "date.day" pattern.
//
// The VAT line follows the invoice's rate. At 0% the invoice must still say
// why no VAT is charged: the mention billing decided when it issued the
// document (Invoice.Mention) — reverse charge, outside the EU, a deposit's
// prepayment, or not applicable.
package invoicedoc

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"atelier/internal/billing"
	"atelier/internal/i18n"
	"atelier/internal/money"
)

//go:embed fonts/DejaVuSans.ttf fonts/DejaVuSans-Bold.ttf
var fonts embed.FS

const (
	family = "DejaVu"

	pageW, pageH = 210.0, 297.0 // A4, mm
	marginX      = 18.0
	marginTop    = 16.0
	bodyBottom   = pageH - 26 // below this the footer lives
	contentW     = pageW - 2*marginX
)

// The palette: near-black text, grey for labels, one accent colour.
type rgb struct{ r, g, b int }

var (
	ink    = rgb{33, 37, 41}
	muted  = rgb{108, 117, 125}
	accent = rgb{49, 46, 129}
	rule   = rgb{214, 218, 224}
	shade  = rgb{243, 244, 248}
)

// Table columns, left to right: description, quantity, unit price, amount.
var colW = [4]float64{contentW - 16 - 2*33, 16, 33, 33}

// PDF renders inv as an A4 invoice in lang ("en" or "fr"; others fall back
// to English).
func PDF(inv billing.Invoice, lang string) ([]byte, error) {
	lang = i18n.Supported(lang)
	regular, err := fonts.ReadFile("fonts/DejaVuSans.ttf")
	if err != nil {
		return nil, err
	}
	bold, err := fonts.ReadFile("fonts/DejaVuSans-Bold.ttf")
	if err != nil {
		return nil, err
	}
	// The footer prints "page n of N". fpdf's page-count alias is measured
	// as its placeholder text, which misplaces right-aligned text, so the
	// page is drawn once to count the pages and again when the count
	// differs from the guess of one page.
	pages := 1
	for {
		d := &doc{inv: inv, lang: lang, pages: pages}
		d.f = fpdf.New("P", "mm", "A4", "")
		d.f.AddUTF8FontFromBytes(family, "", regular)
		d.f.AddUTF8FontFromBytes(family, "B", bold)
		d.draw()
		if err := d.f.Error(); err != nil {
			return nil, fmt.Errorf("invoicedoc: %w", err)
		}
		if n := d.f.PageCount(); n != pages {
			pages = n
			continue
		}
		var buf bytes.Buffer
		if err := d.f.Output(&buf); err != nil {
			return nil, fmt.Errorf("invoicedoc: %w", err)
		}
		return buf.Bytes(), nil
	}
}

// doc is one rendering of an invoice.
type doc struct {
	f     *fpdf.Fpdf
	inv   billing.Invoice
	lang  string
	pages int
}

func (d *doc) t(key string, args ...any) string { return i18n.T(d.lang, key, args...) }

func (d *doc) money(m money.Money) string { return m.Format(d.lang) }

func (d *doc) font(style string, size float64, c rgb) {
	d.f.SetFont(family, style, size)
	d.f.SetTextColor(c.r, c.g, c.b)
}

func (d *doc) draw() {
	f, inv := d.f, d.inv
	title := d.title() + " " + inv.Number
	f.SetTitle(title, true)
	f.SetAuthor(nonEmpty(inv.Seller.Name, "Atelier"), true)
	f.SetCreator("Atelier", true)
	f.SetLang(d.lang)
	// A fixed creation date (the issue date) makes the same invoice render
	// to the same bytes, whenever it is downloaded.
	f.SetCreationDate(inv.IssuedAt.UTC())
	f.SetModificationDate(inv.IssuedAt.UTC())
	f.SetCatalogSort(true)
	f.SetMargins(marginX, marginTop, marginX)
	f.SetAutoPageBreak(false, 0)
	f.SetFooterFunc(d.footer)
	f.AddPage()

	d.header()
	y := d.parties(f.GetY() + 9)
	y = d.concerning(y + 8)
	y = d.lines(y + 5)
	d.totals(y + 6)
}

// credit reports whether the document is a credit note.
func (d *doc) credit() bool { return d.inv.Kind == billing.KindCreditNote }

// title is the document's name: an invoice, or a credit note (« facture
// d'avoir »).
func (d *doc) title() string {
	if d.credit() {
		return d.t("invoice.credit_note_title")
	}
	return d.t("invoice.title")
}

// header: the brand on the left; the document title, number and date on
// the right; an accent rule below.
func (d *doc) header() {
	f := d.f
	d.font("B", 24, accent)
	f.SetXY(marginX, marginTop)
	f.CellFormat(80, 11, "Atelier", "", 0, "L", false, 0, "")

	d.font("B", 20, ink)
	f.SetXY(pageW-marginX-90, marginTop)
	f.CellFormat(90, 11, strings.ToUpper(d.title()), "", 0, "R", false, 0, "")

	number := d.t("invoice.number")
	if d.credit() {
		number = d.t("invoice.credit_note_number")
	}
	y := marginTop + 13
	for _, row := range [][2]string{
		{number, d.inv.Number},
		{d.t("invoice.issued"), d.date(d.inv.IssuedAt)},
	} {
		d.font("", 9, muted)
		f.SetXY(pageW-marginX-90, y)
		f.CellFormat(55, 5, row[0], "", 0, "R", false, 0, "")
		d.font("B", 9, ink)
		f.CellFormat(35, 5, row[1], "", 0, "R", false, 0, "")
		y += 5.5
	}
	y += 3
	f.SetDrawColor(accent.r, accent.g, accent.b)
	f.SetLineWidth(0.6)
	f.Line(marginX, y, pageW-marginX, y)
	f.SetY(y)
}

// parties draws the seller and buyer side by side and returns the y below
// the taller of the two.
func (d *doc) parties(y float64) float64 {
	const w = 80.0
	y1 := d.party(marginX, y, w, d.t("invoice.seller"), d.inv.Seller)
	y2 := d.party(pageW-marginX-w, y, w, d.t("invoice.buyer"), d.inv.Buyer)
	return max(y1, y2)
}

func (d *doc) party(x, y, w float64, label string, p billing.Party) float64 {
	f := d.f
	d.font("B", 7.5, muted)
	f.SetXY(x, y)
	f.CellFormat(w, 4, strings.ToUpper(label), "", 2, "L", false, 0, "")
	f.SetXY(x, f.GetY()+1.5)
	d.font("B", 10.5, ink)
	f.MultiCell(w, 5.2, p.Name, "", "L", false)
	d.font("", 9, ink)
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(p.Address, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if p.Country != "" {
		lines = append(lines, p.Country)
	}
	for _, l := range lines {
		f.SetX(x)
		f.MultiCell(w, 4.6, l, "", "L", false)
	}
	if p.VATID != "" || p.Email != "" {
		f.SetY(f.GetY() + 1.5)
	}
	if p.VATID != "" {
		f.SetX(x)
		f.MultiCell(w, 4.6, d.t("invoice.vat_id", "id", p.VATID), "", "L", false)
	}
	if p.Email != "" {
		d.font("", 9, muted)
		f.SetX(x)
		f.MultiCell(w, 4.6, p.Email, "", "L", false)
	}
	if p.Legal != "" { // the seller's form, capital, RCS and SIREN
		d.font("", 8, muted)
		f.SetX(x)
		f.MultiCell(w, 4.2, p.Legal, "", "L", false)
	}
	return f.GetY()
}

// concerning says what was charged: "Order 7f3c…", "Balance deposit …".
func (d *doc) concerning(y float64) float64 {
	what := d.t("invoice.kind." + d.inv.Kind)
	if what == "invoice.kind."+d.inv.Kind { // a kind the catalog does not know
		what = d.inv.Kind
	}
	if d.inv.Ref != "" {
		what = strings.TrimSpace(what + " " + d.inv.Ref)
	}
	if d.credit() && len(d.inv.Corrects) > 0 { // the invoices it corrects
		what = d.t("invoice.corrects", "invoices", strings.Join(d.inv.Corrects, ", "))
	}
	if what == "" {
		return y
	}
	f := d.f
	label := d.t("invoice.concerning")
	d.font("B", 9, ink)
	lw := f.GetStringWidth(label) + 3
	f.SetXY(marginX, y)
	f.CellFormat(lw, 5, label, "", 0, "L", false, 0, "")
	d.font("", 9, ink)
	f.MultiCell(contentW-lw, 5, what, "", "L", false)
	return f.GetY()
}

// lines draws the table of invoice lines, starting a new page (with the
// column headings again) when a row would run into the footer.
func (d *doc) lines(y float64) float64 {
	f := d.f
	y = d.tableHead(y)
	const lineH, pad = 4.8, 2.2
	for _, l := range d.inv.Lines {
		d.font("", 9, ink)
		desc := f.SplitText(LineText(d.lang, l), colW[0]-2*f.GetCellMargin())
		if len(desc) == 0 {
			desc = []string{""}
		}
		h := float64(len(desc))*lineH + 2*pad
		if y+h > bodyBottom {
			f.AddPage()
			y = d.tableHead(marginTop)
			d.font("", 9, ink)
		}
		for i, s := range desc {
			f.SetXY(marginX, y+pad+float64(i)*lineH)
			f.CellFormat(colW[0], lineH, s, "", 0, "L", false, 0, "")
		}
		x := marginX + colW[0]
		for i, s := range []string{fmt.Sprint(l.Quantity), d.money(l.UnitPrice), d.money(l.Amount)} {
			f.SetXY(x, y+pad)
			f.CellFormat(colW[i+1], lineH, s, "", 0, "R", false, 0, "")
			x += colW[i+1]
		}
		y += h
		f.SetDrawColor(rule.r, rule.g, rule.b)
		f.SetLineWidth(0.2)
		f.Line(marginX, y, pageW-marginX, y)
	}
	return y
}

func (d *doc) tableHead(y float64) float64 {
	f := d.f
	f.SetFillColor(shade.r, shade.g, shade.b)
	f.Rect(marginX, y, contentW, 8, "F")
	d.font("B", 8, muted)
	x := marginX
	for i, key := range []string{"invoice.col.description", "invoice.col.quantity", "invoice.col.unit_price", "invoice.col.amount"} {
		align := "R"
		if i == 0 {
			align = "L"
		}
		f.SetXY(x, y)
		f.CellFormat(colW[i], 8, strings.ToUpper(d.t(key)), "", 0, align, false, 0, "")
		x += colW[i]
	}
	return y + 8
}

// totals draws subtotal, fees, VAT and the total on the right, then how it
// was paid and, at 0% VAT, the mention that explains why.
func (d *doc) totals(y float64) {
	f, inv := d.f, d.inv
	mention := ""
	vatLabel := d.t("invoice.vat_rate", "rate", rate(inv.VATRate, d.lang))
	if inv.VATRate == 0 {
		vatLabel = d.t("invoice.vat")
		mention = d.t(inv.Mention())
	}
	const need = 48.0
	if y+need > bodyBottom {
		f.AddPage()
		y = marginTop
	}
	const w, valW = 86.0, 36.0
	x := pageW - marginX - w
	row := func(label, value string) {
		d.font("", 9.5, muted)
		f.SetXY(x, y)
		f.CellFormat(w-valW, 6.5, label, "", 0, "L", false, 0, "")
		d.font("", 9.5, ink)
		f.CellFormat(valW, 6.5, value, "", 0, "R", false, 0, "")
		y += 6.5
	}
	row(d.t("invoice.subtotal"), d.money(inv.Subtotal))
	row(d.t("invoice.fees"), d.money(inv.Fees))
	row(vatLabel, d.money(inv.VAT))

	y += 1.5
	f.SetFillColor(accent.r, accent.g, accent.b)
	f.Rect(x, y, w, 10, "F")
	d.font("B", 11.5, rgb{255, 255, 255})
	f.SetXY(x+2, y)
	f.CellFormat(w-valW-2, 10, d.t("invoice.total"), "", 0, "L", false, 0, "")
	f.CellFormat(valW-2, 10, d.money(inv.Total), "", 0, "R", false, 0, "")
	y += 10

	paid := ""
	switch {
	case d.credit() && inv.Reason == "deposit_refund":
		paid = d.t("invoice.credited_to_card")
	case d.credit():
		paid = d.t("invoice.credited_to_balance")
	case inv.PaidWith != "":
		paid = d.t("invoice.paid_with", "method", d.paidWith())
	}
	if paid != "" {
		d.font("", 8.5, muted)
		f.SetXY(x, y+2)
		f.CellFormat(w, 5, paid, "", 0, "R", false, 0, "")
		y += 7
	}
	// What every invoice to a business must say in France: when it was
	// paid, and what a late payment would cost (Code de commerce L441-9 and
	// L441-10). A credit note pays nothing.
	if !d.credit() {
		if mention != "" {
			mention += "\n"
		}
		mention += d.t("invoice.payment_terms")
	}
	if mention != "" {
		d.font("", 8.5, ink)
		f.SetXY(marginX, y+5)
		f.MultiCell(contentW, 4.4, mention, "", "L", false)
	}
}

// paidWith translates the one payment method billing writes in words.
func (d *doc) paidWith() string {
	if strings.EqualFold(strings.TrimSpace(d.inv.PaidWith), "account balance") {
		return d.t("invoice.paid_with_balance")
	}
	return d.inv.PaidWith
}

func (d *doc) footer() {
	f := d.f
	y := pageH - 18
	f.SetDrawColor(rule.r, rule.g, rule.b)
	f.SetLineWidth(0.2)
	f.Line(marginX, y, pageW-marginX, y)
	d.font("", 7.5, muted)
	if e := d.inv.Seller.Email; e != "" {
		f.SetXY(marginX, y+2)
		f.CellFormat(contentW, 4, d.t("invoice.footer", "email", e), "", 0, "C", false, 0, "")
	}
	f.SetXY(marginX, y+6.5)
	f.CellFormat(contentW/2, 4, d.footerLegal(), "", 0, "L", false, 0, "")
	f.CellFormat(contentW/2, 4, d.t("invoice.page", "page", f.PageNo(), "pages", d.pages), "", 0, "R", false, 0, "")
}

// footerLegal is the issuer's identity, repeated on every page.
func (d *doc) footerLegal() string {
	parts := []string{d.inv.Number}
	if s := d.inv.Seller; s.VATID != "" {
		parts = append(parts, nonEmpty(s.Name, "Atelier")+", "+d.t("invoice.vat_id", "id", s.VATID))
	}
	return strings.Join(parts, " · ")
}

// date formats a day as the web pages do: "Nov 27, 2026", "27 nov. 2026".
func (d *doc) date(t time.Time) string {
	t = t.UTC()
	return d.t("date.day", "month", d.t("date.month."+months[t.Month()-1]), "d", t.Day(), "year", t.Year())
}

var months = [...]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// rate prints a rate in basis points as a percentage number: 2000 → "20",
// 550 → "5.5" ("5,5" in French).
func rate(bp int, lang string) string {
	s := fmt.Sprintf("%d", bp/100)
	if frac := bp % 100; frac != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%02d", frac), "0")
	}
	if lang == "fr" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

func nonEmpty(s, fallback string) string {
	if strings.TrimSpace(s) == "" {
		return fallback
	}
	return s
}
