package billing

import (
	"bytes"
	"net/http"

	"atelier/internal/billing"
	"atelier/internal/httpx"
	"atelier/internal/invoicedoc"
	"atelier/internal/users"
)

// invoicePDF downloads an invoice as PDF, in the reader's language.
func (s *pages) invoicePDF(w http.ResponseWriter, r *http.Request, u users.User) error {
	inv, err := s.Billing.Invoice(r.Context(), u, r.PathValue("invoice"))
	return s.documentPDF(w, r, inv, err)
}

// creditNotePDF downloads a credit note as PDF, in the reader's language.
func (s *pages) creditNotePDF(w http.ResponseWriter, r *http.Request, u users.User) error {
	cn, err := s.Billing.CreditNoteByID(r.Context(), u, r.PathValue("note"))
	return s.documentPDF(w, r, cn, err)
}

// documentPDF downloads a document the domain read (err: why it did not).
func (s *pages) documentPDF(w http.ResponseWriter, r *http.Request, doc billing.Invoice, err error) error {
	if err != nil {
		return err
	}
	pdf, err := invoicedoc.PDF(doc, httpx.Lang(r))
	if err != nil {
		return err
	}
	download(w, "application/pdf", doc.Number+".pdf", pdf)
	return nil
}

// invoicesCSV downloads every invoice of an account as CSV.
func (s *pages) invoicesCSV(w http.ResponseWriter, r *http.Request, u users.User) error {
	list, err := s.Billing.AllInvoices(r.Context(), u, r.PathValue("account"))
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := invoicedoc.CSV(&b, list, httpx.Lang(r)); err != nil {
		return err
	}
	download(w, "text/csv; charset=utf-8", "invoices.csv", b.Bytes())
	return nil
}

// download answers a file: never kept by a browser's or a proxy's cache
// (an invoice names the account, its address and what it bought).
func download(w http.ResponseWriter, contentType, name string, data []byte) {
	w.Header().Set("Content-Type", contentType)
	httpx.Attachment(w.Header(), name)
	w.Write(data)
}
