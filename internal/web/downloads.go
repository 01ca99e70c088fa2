package web

import (
	"bytes"
	"net/http"

	"atelier/internal/billing"
	"atelier/internal/httpx"
	"atelier/internal/invoicedoc"
	"atelier/internal/users"
)

// invoicePDF downloads an invoice as PDF, in the reader's language.
func (s *Server) invoicePDF(w http.ResponseWriter, r *http.Request, u users.User) {
	inv, err := s.Billing.Invoice(r.Context(), u, r.PathValue("invoice"))
	s.documentPDF(w, r, inv, err)
}

// creditNotePDF downloads a credit note as PDF, in the reader's language.
func (s *Server) creditNotePDF(w http.ResponseWriter, r *http.Request, u users.User) {
	cn, err := s.Billing.CreditNoteByID(r.Context(), u, r.PathValue("note"))
	s.documentPDF(w, r, cn, err)
}

// documentPDF downloads a document the domain read (err: why it did not).
func (s *Server) documentPDF(w http.ResponseWriter, r *http.Request, doc billing.Invoice, err error) {
	if err != nil {
		s.fail(w, r, err, nil)
		return
	}
	pdf, err := invoicedoc.PDF(doc, httpx.Lang(r))
	if err != nil {
		s.fail(w, r, err, nil)
		return
	}
	download(w, "application/pdf", doc.Number+".pdf", pdf)
}

// invoicesCSV downloads every invoice of an account as CSV.
func (s *Server) invoicesCSV(w http.ResponseWriter, r *http.Request, u users.User) {
	list, err := s.Billing.AllInvoices(r.Context(), u, r.PathValue("account"))
	if err != nil {
		s.fail(w, r, err, nil)
		return
	}
	var b bytes.Buffer
	if err := invoicedoc.CSV(&b, list, httpx.Lang(r)); err != nil {
		s.fail(w, r, err, nil)
		return
	}
	download(w, "text/csv; charset=utf-8", "invoices.csv", b.Bytes())
}

// download answers a file: never kept by a browser's or a proxy's cache
// (an invoice names the account, its address and what it bought).
func download(w http.ResponseWriter, contentType, name string, data []byte) {
	w.Header().Set("Content-Type", contentType)
	httpx.Attachment(w.Header(), name)
	w.Write(data)
}
