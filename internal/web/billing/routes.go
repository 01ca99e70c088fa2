// Package billing holds the billing pages of an account: the balance with
// its deposits and refunds, the saved cards, the billing info, invoices
// and credit notes (as pages, and downloaded as PDF or CSV) and the
// rewards program. A freelancer's withdrawal is on the seller's page
// (internal/web/catalog).
package billing

import "atelier/internal/web/site"

// pages holds the handlers of the area: they reach the domain and answer
// through the Site they embed.
type pages struct{ *site.Site }

// Routes are the billing pages of an account: its balance, deposits and
// cards, billing info, invoices and credit notes (as pages, PDF and CSV) and
// rewards.
func Routes(s *site.Site) []site.Route {
	p := &pages{s}
	return []site.Route{
		{Method: "GET", Path: "/accounts/{account}/billing", Handle: site.PageOf(p.showBilling)},
		{Method: "POST", Path: "/accounts/{account}/billing/deposits", Handle: p.deposit},
		{Method: "POST", Path: "/accounts/{account}/billing/balance-refund", Handle: p.refundBalance},
		{Method: "POST", Path: "/accounts/{account}/billing/cards", Handle: p.addCard},
		{Method: "POST", Path: "/accounts/{account}/billing/cards/{pm}/default", Handle: p.setDefaultCard},
		{Method: "POST", Path: "/accounts/{account}/billing/cards/{pm}/remove", Handle: p.removeCard},
		{Method: "POST", Path: "/accounts/{account}/billing/info", Handle: p.saveBillingInfo},
		{Method: "GET", Path: "/accounts/{account}/invoices", Handle: p.invoicesPage},
		{Method: "GET", Path: "/accounts/{account}/rewards", Handle: p.rewardsPage},
		{Method: "GET", Path: "/invoices/{invoice}", Handle: p.invoicePage},
		{Method: "GET", Path: "/invoices/{invoice}/pdf", Handle: p.invoicePDF},
		{Method: "GET", Path: "/credit-notes/{note}", Handle: p.creditNotePage},
		{Method: "GET", Path: "/credit-notes/{note}/pdf", Handle: p.creditNotePDF},
		{Method: "GET", Path: "/accounts/{account}/invoices.csv", Handle: p.invoicesCSV},
	}
}
