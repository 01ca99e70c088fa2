// Package collab holds the pages where a team works together: an
// account's projects (members, a project manager, proposed orders) and the
// featured projects any account may start from, the account's lists of
// freelancers and services (shared read-only with other accounts), its
// network of freelancers (saved, reviewed internally, asked to work
// again), and saving a service or a freelancer to them. An order's
// internal notes are a section of the order page (internal/web/orders).
package collab

import "atelier/internal/web/site"

// pages holds the handlers of the area: they reach the domain and answer
// through the Site they embed.
type pages struct{ *site.Site }

// Routes are the team collaboration pages: projects and featured projects,
// an account's lists and network, and saving to them.
func Routes(s *site.Site) []site.Route {
	p := &pages{s}
	return []site.Route{
		{Method: "GET", Path: "/accounts/{account}/projects", Handle: site.PageOf(p.showProjects)},
		{Method: "POST", Path: "/accounts/{account}/projects", Handle: p.createProject},
		{Method: "GET", Path: "/projects/{project}", Handle: site.PageOf(p.showProject)},
		{Method: "POST", Path: "/projects/{project}/members", Handle: p.addProjectMember},
		{Method: "POST", Path: "/projects/{project}/project-manager-request", Handle: p.requestManager},
		{Method: "POST", Path: "/projects/{project}/proposals", Handle: p.proposeOrder},
		{Method: "POST", Path: "/projects/{project}/proposals/{proposal}/confirm", Handle: p.confirmProposal},
		{Method: "POST", Path: "/projects/{project}/proposals/{proposal}/decline", Handle: p.declineProposal},
		{Method: "GET", Path: "/featured-projects", Handle: site.PageOf(p.showFeatured)},
		{Method: "POST", Path: "/featured-projects/{featured}/start", Handle: p.startFeatured},
		{Method: "GET", Path: "/accounts/{account}/lists", Handle: site.PageOf(p.showAccountLists)},
		{Method: "POST", Path: "/accounts/{account}/lists", Handle: p.createList},
		{Method: "GET", Path: "/lists/save", Handle: p.saveToListPage},
		{Method: "POST", Path: "/lists/save", Handle: p.saveToList},
		{Method: "GET", Path: "/lists/{list}", Handle: site.PageOf(p.showList)},
		{Method: "POST", Path: "/lists/{list}/rename", Handle: p.renameList},
		{Method: "POST", Path: "/lists/{list}/delete", Handle: p.deleteList},
		{Method: "POST", Path: "/lists/{list}/items", Handle: p.addListItem},
		{Method: "POST", Path: "/lists/{list}/items/{item}/remove", Handle: p.removeListItem},
		{Method: "POST", Path: "/lists/{list}/shares", Handle: p.shareList},
		{Method: "POST", Path: "/lists/{list}/shares/{account}/revoke", Handle: p.revokeListShare},
		{Method: "GET", Path: "/accounts/{account}/network", Handle: site.PageOf(p.showNetwork)},
		{Method: "POST", Path: "/network/save", Handle: p.saveToNetworkForm},
		{Method: "POST", Path: "/accounts/{account}/network/{freelancer}/save", Handle: p.saveToNetwork},
		{Method: "POST", Path: "/accounts/{account}/network/{freelancer}/unsave", Handle: p.unsaveFromNetwork},
		{Method: "POST", Path: "/accounts/{account}/network/{freelancer}/internal-reviews", Handle: p.reviewInNetwork},
		{Method: "POST", Path: "/accounts/{account}/network/{freelancer}/rehire", Handle: p.rehire},
	}
}
