// Package catalog holds the pages of the catalog and of the people who
// sell in it: the search, a service's page (a price calculator that works
// without JavaScript, and the order form that places an order), a
// freelancer's public profile, and the seller's pages: the profile, the
// agency team, the Pro application, the services and their form, and the
// withdrawal of earnings.
package catalog

import "atelier/internal/web/site"

// pages holds the handlers of the area: they reach the domain and answer
// through the Site they embed.
type pages struct{ *site.Site }

// Routes are the catalog (search, a service page with its order form, a
// freelancer's profile) and the seller's pages (profile, team, services,
// withdrawal).
func Routes(s *site.Site) []site.Route {
	p := &pages{s}
	return []site.Route{
		{Method: "GET", Path: "/services", Public: true, Handle: p.searchPage},
		{Method: "GET", Path: "/services/{service}", Public: true, Handle: p.servicePage},
		{Method: "GET", Path: "/freelancers/{freelancer}", Public: true, Handle: p.freelancerPage},
		{Method: "GET", Path: "/sell", Handle: p.sellPage},
		{Method: "POST", Path: "/sell/profile", Handle: p.createProfile},
		{Method: "POST", Path: "/sell/profile/edit", Handle: p.updateProfile},
		{Method: "POST", Path: "/sell/pro", Handle: p.applyForPro},
		{Method: "POST", Path: "/sell/withdraw", Handle: p.withdraw},
		{Method: "POST", Path: "/sell/team", Handle: p.addTeamMember},
		{Method: "POST", Path: "/sell/team/{user}/remove", Handle: p.removeTeamMember},
		{Method: "GET", Path: "/sell/services/new", Handle: p.newServicePage},
		{Method: "POST", Path: "/sell/services", Handle: p.createService},
		{Method: "GET", Path: "/sell/services/{service}/edit", Handle: p.editServicePage},
		{Method: "POST", Path: "/sell/services/{service}", Handle: p.updateService},
		{Method: "POST", Path: "/sell/services/{service}/pause", Handle: p.pauseService},
		{Method: "POST", Path: "/sell/services/{service}/resume", Handle: p.resumeService},
		{Method: "POST", Path: "/services/{service}/orders", Handle: p.placeOrder},
	}
}
