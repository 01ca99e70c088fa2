// Package operator holds the pages of Atelier's operators: the queues of
// Pro applications, escalated resolution requests (with the decision
// form), satisfaction guarantee claims, disputed hourly weeks and project
// manager requests, and the form that publishes a featured project. The
// domain refuses everyone else, who get the 403 page.
package operator

import "atelier/internal/web/site"

// pages holds the handlers of the area: they reach the domain and answer
// through the Site they embed.
type pages struct{ *site.Site }

// Routes are the operators' queues: Pro applications, escalations, guarantee
// claims, disputed hourly weeks, project manager requests and featured
// projects, and support's page of people.
func Routes(s *site.Site) []site.Route {
	p := &pages{s}
	return []site.Route{
		{Method: "GET", Path: "/operator/pro-applications", Handle: site.PageOf(p.showProQueue)},
		{Method: "POST", Path: "/operator/pro-applications/{app}/approve", Handle: p.approvePro},
		{Method: "POST", Path: "/operator/pro-applications/{app}/reject", Handle: p.rejectPro},
		{Method: "GET", Path: "/operator/project-managers", Handle: site.PageOf(p.showManagerQueue)},
		{Method: "POST", Path: "/operator/project-managers/{project}/assign", Handle: p.assignManager},
		{Method: "POST", Path: "/operator/featured-projects", Handle: p.createFeatured},
		{Method: "GET", Path: "/operator/resolutions", Handle: p.escalationsPage},
		{Method: "GET", Path: "/operator/resolutions/{r}", Handle: site.PageOf(p.showEscalation)},
		{Method: "POST", Path: "/operator/resolutions/{r}/decide", Handle: p.decideEscalation},
		{Method: "GET", Path: "/operator/guarantee-claims", Handle: site.PageOf(p.showClaims)},
		{Method: "GET", Path: "/operator/hourly-disputes", Handle: site.PageOf(p.showHourlyDisputes)},
		{Method: "POST", Path: "/operator/hourly-disputes/{report}/decide", Handle: p.decideHourlyDispute},
		{Method: "POST", Path: "/operator/guarantee-claims/{c}/{answer}", Handle: p.decideClaim},
		{Method: "GET", Path: "/operator/people", Handle: p.peoplePage},
		{Method: "POST", Path: "/operator/people/verify", Handle: p.verifyPerson},
	}
}
