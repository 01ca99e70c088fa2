package invoicedoc

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"atelier/internal/billing"
	"atelier/internal/invoicedoc/pdftext"
	"atelier/internal/money"
)

// go test ./internal/invoicedoc -run TestSample -sample rewrites
// docs/invoice-sample.pdf and docs/invoice-sample.png.
var sample = flag.Bool("sample", false, "write docs/invoice-sample.pdf and .png")

func eur(cents int64) money.Money { return money.New(cents, "EUR") }

func sampleInvoice() billing.Invoice {
	return billing.Invoice{
		ID:        "inv_01",
		Number:    "ATL-000123",
		Seq:       123,
		Issuer:    "atelier",
		AccountID: "acc_01",
		Kind:      "order",
		Ref:       "ord_7f3c2a91",
		IssuedAt:  time.Date(2026, 11, 27, 14, 5, 0, 0, time.UTC),
		Seller: billing.Party{
			Name:    "Atelier SAS",
			Address: "12 rue de la Paix\n75002 Paris",
			Country: "FR",
			VATID:   "FR12345678901",
			Email:   "billing@atelier.example",
			Legal:   "SAS au capital de 50 000 € · RCS Paris 123 456 789",
		},
		Buyer: billing.Party{
			Name:    "Société Générale d'Études",
			Address: "8 avenue de l'Opéra\nBâtiment B, 3e étage\n69002 Lyon",
			Country: "FR",
			VATID:   "FR98765432109",
			Email:   "comptabilité@sge.example",
		},
		Lines: []billing.Line{
			{Description: "Identité visuelle complète : logo, charte graphique et déclinaisons pour l'impression et le web (formule Premium, livraison en 7 jours)", Quantity: 1, UnitPrice: eur(125000), Amount: eur(125000)},
			{Description: "Révisions supplémentaires", Quantity: 3, UnitPrice: eur(4500), Amount: eur(13500)},
		},
		Subtotal: eur(138500),
		Fees:     eur(7618),
		VATRate:  2000,
		VAT:      eur(29224),
		Total:    eur(175342),
		PaidWith: "visa •••• 4242",
	}
}

func pdfText(t *testing.T, pdf []byte) string { return pdftext.Text(t, pdf) }

func TestPDFShowsTheInvoiceInBothLanguages(t *testing.T) {
	inv := sampleInvoice()
	cases := []struct {
		lang string
		want []string
	}{
		{"en", []string{"INVOICE", "Invoice number", "Nov 27, 2026", "VAT 20%", "€1,753.42", "€1,250.00", "€76.18",
			"Paid with visa •••• 4242", "VAT ID: FR98765432109", "Order ord_7f3c2a91", "Page 1 of 1",
			"three times the French legal interest rate", "indemnity of €40 for recovery costs"}},
		{"fr", []string{"FACTURE", "Numéro de facture", "27 nov. 2026", "TVA 20 %", "1 753,42 €", "1 250,00 €", "76,18 €",
			"Payé par visa •••• 4242", "N° TVA : FR98765432109", "Commande ord_7f3c2a91", "Page 1 sur 1", "DÉSIGNATION", "ÉMETTEUR", "FACTURÉ À",
			"trois fois le taux d'intérêt légal", "indemnité forfaitaire de 40 € pour frais de recouvrement"}},
	}
	for _, c := range cases {
		t.Run(c.lang, func(t *testing.T) {
			pdf, err := PDF(inv, c.lang)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				t.Fatalf("not a PDF: %q", pdf[:min(len(pdf), 16)])
			}
			text := strings.Join(strings.Fields(pdfText(t, pdf)), " ") // long mentions wrap
			want := append([]string{"ATL-000123", "Société Générale d'Études", "Bâtiment B, 3e étage", "8 avenue de l'Opéra",
				"comptabilité@sge.example", "Révisions supplémentaires", "Atelier SAS", "€",
				"SAS au capital de 50 000 € · RCS Paris 123 456 789"}, c.want...)
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("the %s PDF does not show %q; its text:\n%s", c.lang, w, text)
				}
			}
		})
	}
}

func TestPDFIsTheSameEachTime(t *testing.T) {
	a, err := PDF(sampleInvoice(), "fr")
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		b, _ := PDF(sampleInvoice(), "fr")
		if !bytes.Equal(a, b) {
			t.Fatal("the same invoice rendered to different bytes")
		}
	}
}

// A B2B invoice without VAT says why.
func TestPDFZeroVATMentions(t *testing.T) {
	cases := []struct {
		country, vatID, lang, want string
	}{
		{"BE", "BE0123456789", "fr", "Autoliquidation : TVA due par le preneur"},
		{"DE", "DE123456789", "en", "Reverse charge: VAT to be accounted for by the customer"},
		{"US", "", "en", "VAT not applicable: services supplied to a business outside the EU"},
		{"CH", "CHE-123.456.789", "fr", "TVA non applicable : prestation de services à un preneur assujetti établi hors de l'UE"},
		{"FR", "", "fr", "TVA non applicable."},
	}
	for _, c := range cases {
		inv := sampleInvoice()
		inv.Buyer.Country, inv.Buyer.VATID = c.country, c.vatID
		inv.VATRate, inv.VAT, inv.Total = 0, eur(0), eur(146118)
		pdf, err := PDF(inv, c.lang)
		if err != nil {
			t.Fatal(err)
		}
		text := pdfText(t, pdf)
		// pdftotext may wrap a long mention; compare without line breaks.
		if !strings.Contains(strings.Join(strings.Fields(text), " "), c.want) {
			t.Errorf("buyer in %s (VAT id %q), %s: no %q in\n%s", c.country, c.vatID, c.lang, c.want, text)
		}
		if strings.Contains(text, "20 %") || strings.Contains(text, "20%") {
			t.Errorf("a 0%% invoice shows a 20%% rate:\n%s", text)
		}
	}
}

func TestPDFLongInvoiceContinuesOnNextPage(t *testing.T) {
	inv := sampleInvoice()
	inv.Lines = nil
	for i := 1; i <= 60; i++ {
		inv.Lines = append(inv.Lines, billing.Line{Description: fmt.Sprintf("Semaine %d : heures de développement", i), Quantity: 1, UnitPrice: eur(10000), Amount: eur(10000)})
	}
	pdf, err := PDF(inv, "fr")
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	for _, w := range []string{"Semaine 1 :", "Semaine 60 :", "1 753,42 €"} {
		if !strings.Contains(text, w) {
			t.Errorf("long invoice: no %q", w)
		}
	}
	// Each page repeats the column headings and says which page of how
	// many it is.
	pages := strings.Count(text, "DÉSIGNATION")
	if pages < 2 {
		t.Fatalf("60 lines fit on %d page(s)?\n%s", pages, text)
	}
	for p := 1; p <= pages; p++ {
		if w := fmt.Sprintf("Page %d sur %d", p, pages); !strings.Contains(text, w) {
			t.Errorf("long invoice: no %q", w)
		}
	}
}

func TestRateAndDate(t *testing.T) {
	for _, c := range []struct {
		bp         int
		lang, want string
	}{{2000, "en", "20"}, {550, "en", "5.5"}, {550, "fr", "5,5"}, {1925, "fr", "19,25"}, {0, "en", "0"}} {
		if got := rate(c.bp, c.lang); got != c.want {
			t.Errorf("rate(%d, %s) = %q, want %q", c.bp, c.lang, got, c.want)
		}
	}
}

func TestCSV(t *testing.T) {
	a := sampleInvoice()
	b := sampleInvoice()
	b.Number, b.Kind, b.IssuedAt = "ATL-000124", "deposit", time.Date(2026, 12, 1, 23, 30, 0, 0, time.FixedZone("CET", 3600))
	b.Buyer.Name = "=HYPERLINK(\"http://evil\")"
	b.Subtotal, b.Fees, b.VAT, b.Total = eur(5), eur(0), eur(-50), eur(123456789)
	var buf bytes.Buffer
	if err := CSV(&buf, []billing.Invoice{a, b}, "fr"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v\n%s", err, buf.String())
	}
	want := [][]string{
		{"Numéro de facture", "Date d'émission", "Type", "Client", "Sous-total", "Frais de service", "TVA", "Total TTC", "Devise", "Taux de TVA (%)", "Pays du client", "N° TVA du client"},
		{"ATL-000123", "2026-11-27", "order", "Société Générale d'Études", "1385.00", "76.18", "292.24", "1753.42", "EUR", "20", "FR", "FR98765432109"},
		{"ATL-000124", "2026-12-01", "deposit", "'=HYPERLINK(\"http://evil\")", "0.05", "0.00", "-0.50", "1234567.89", "EUR", "20", "FR", "FR98765432109"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d:\n%s", len(rows), len(want), buf.String())
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q\nwant     %q", i, rows[i], want[i])
		}
	}
	buf.Reset()
	if err := CSV(&buf, nil, "en"); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(buf.String()); got != "Invoice number,Issue date,Kind,Buyer,Subtotal,Service fees,VAT,Total incl. VAT,Currency,VAT rate (%),Buyer country,Buyer VAT number" {
		t.Errorf("English header = %q", got)
	}
}

// TestSample writes the committed sample (with -sample): the PDF and a PNG
// of its page, for people to look at.
func TestSample(t *testing.T) {
	if !*sample {
		t.Skip("run with -sample to rewrite docs/invoice-sample.pdf and .png")
	}
	pdf, err := PDF(sampleInvoice(), "fr")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "docs")
	pdfPath := filepath.Join(dir, "invoice-sample.pdf")
	if err := os.WriteFile(pdfPath, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftoppm", "-png", "-r", "80", "-singlefile", pdfPath, filepath.Join(dir, "invoice-sample")).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
}
