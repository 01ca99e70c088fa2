package api

import (
	"net/http"

	"atelier/internal/catalog"
	"atelier/internal/i18n"
	"atelier/internal/money"
	"atelier/internal/page"
	"atelier/internal/users"
)

type applyIn struct {
	Message string `json:"message"`
}

type teamMemberIn struct {
	Email string `json:"email"`
	Title string `json:"title"`
}

// searchQuery are the parameters of GET /services, from the lists and limits
// catalog.ParseSearch checks them against.
func searchQuery() []param {
	price := map[string]any{"type": "integer", "minimum": 0, "maximum": catalog.MaxPriceFilter}
	return []param{
		{Name: "q", Description: "words that must all match (relevance sorts by them)",
			Schema: map[string]any{"type": "string", "maxLength": catalog.MaxSearchRunes}},
		{Name: "category", Schema: map[string]any{"type": "string", "enum": catalog.Categories}},
		{Name: "min_price", Description: "minor units of currency", Schema: price},
		{Name: "max_price", Description: "minor units of currency; not below min_price", Schema: price},
		{Name: "currency", Description: "of the price filters and sorts; services priced in others are left out",
			Schema: map[string]any{"type": "string", "enum": money.Codes(), "default": money.DefaultCurrency}},
		{Name: "max_delivery_days", Schema: map[string]any{"type": "integer", "minimum": 1, "maximum": catalog.MaxDeliveryDaysFilter}},
		{Name: "pro", Description: "only Pro freelancers' services (also 1 or 0)", Schema: map[string]any{"type": "boolean"}},
		{Name: "min_rating", Schema: map[string]any{"type": "number", "minimum": 0, "maximum": catalog.MaxRatingFilter}},
		{Name: "sort", Description: "relevance by default when q is given, else rating",
			Schema: map[string]any{"type": "string", "enum": catalog.Sorts}},
	}
}

// status is the ?status= filter of a list, one of values; def is what an
// absent status means ("" for every status).
func status[T ~string](values []T, def T) param {
	s := map[string]any{"type": "string", "enum": values}
	desc := "every status when absent"
	if def != "" {
		s["default"] = def
		desc = ""
	}
	return param{Name: "status", Description: desc, Schema: s}
}

// viewer is the signed-in user of a public route, if any.
func (c *call) viewer() *users.User {
	if c.user.ID == "" {
		return nil
	}
	u := c.user
	return &u
}

func (s *Server) catalogRoutes() []route {
	return []route{
		{Method: "GET", Path: "/categories", Tag: "catalog", Summary: "The categories of services", Public: true,
			Out: listOut[catalog.Category]{},
			Handle: func(c *call) (any, error) {
				out := listOut[catalog.Category]{Items: []catalog.Category{}}
				for _, slug := range catalog.Categories {
					out.Items = append(out.Items, catalog.Category{Slug: slug, Name: i18n.T(c.lang, "category."+slug)})
				}
				return out, nil
			}},
		{Method: "POST", Path: "/freelancers", Tag: "catalog", Summary: "Create my seller profile (a person or an agency)",
			Status: http.StatusCreated, In: catalog.Profile{}, Out: catalog.Freelancer{},
			Handle: body(func(c *call, in catalog.Profile) (any, error) {
				return s.Catalog.CreateFreelancer(c.r.Context(), c.user, in)
			})},
		{Method: "GET", Path: "/freelancers/{freelancer}", Tag: "catalog", Public: true, Out: catalog.Freelancer{},
			Summary: "A public profile; remembered in the caller's recently viewed",
			Handle: func(c *call) (any, error) {
				return s.Catalog.Freelancer(c.r.Context(), c.viewer(), c.param("freelancer"))
			}},
		{Method: "PUT", Path: "/freelancers/{freelancer}", Tag: "catalog", Summary: "Replace my profile (owner)",
			In: catalog.Profile{}, Out: catalog.Freelancer{},
			Handle: body(func(c *call, in catalog.Profile) (any, error) {
				return s.Catalog.UpdateFreelancer(c.r.Context(), c.user, c.param("freelancer"), in)
			})},
		{Method: "POST", Path: "/freelancers/{freelancer}/members", Tag: "catalog", Summary: "Add a registered user to an agency's team (owner)",
			Status: http.StatusCreated, In: teamMemberIn{}, Out: catalog.Freelancer{},
			Handle: body(func(c *call, in teamMemberIn) (any, error) {
				return s.Catalog.AddAgencyMember(c.r.Context(), c.user, c.param("freelancer"), in.Email, in.Title)
			})},
		{Method: "DELETE", Path: "/freelancers/{freelancer}/members/{user}", Tag: "catalog", Summary: "Remove someone from an agency's team (owner)",
			Status: http.StatusNoContent,
			Handle: func(c *call) (any, error) {
				return nil, s.Catalog.RemoveAgencyMember(c.r.Context(), c.user, c.param("freelancer"), c.param("user"))
			}},
		{Method: "GET", Path: "/freelancers/{freelancer}/services", Tag: "catalog", Public: true, Out: page.Page[catalog.Listing]{},
			Summary: "A freelancer's services (paused ones only for the owner)",
			Handle: paged(func(c *call, p page.Request) (any, error) {
				return s.Catalog.FreelancerServices(c.r.Context(), c.viewer(), c.param("freelancer"), p)
			})},
		{Method: "GET", Path: "/freelancers/{freelancer}/reviews", Tag: "catalog", Public: true, Out: page.Page[catalog.Review]{},
			Summary: "Public reviews of a freelancer's work",
			Handle: paged(func(c *call, p page.Request) (any, error) {
				if _, err := s.Catalog.Freelancer(c.r.Context(), nil, c.param("freelancer")); err != nil {
					return nil, err
				}
				return s.Catalog.Reviews(c.r.Context(), "", c.param("freelancer"), p)
			})},
		{Method: "POST", Path: "/freelancers/{freelancer}/pro-application", Tag: "vetting", Summary: "Apply for the Pro badge (owner)",
			Status: http.StatusCreated, In: applyIn{}, Out: catalog.ProApplication{},
			Handle: body(func(c *call, in applyIn) (any, error) {
				return s.Catalog.ApplyForPro(c.r.Context(), c.user, c.param("freelancer"), in.Message)
			})},
		{Method: "GET", Path: "/pro-applications", Tag: "vetting", Summary: "The vetting queue, oldest first (operators); ?status=pending|approved|rejected",
			Query: []param{status(catalog.ApplicationStatuses, "pending")}, Out: page.Page[catalog.ProApplication]{},
			Handle: paged(func(c *call, p page.Request) (any, error) {
				return s.Catalog.ProApplications(c.r.Context(), c.user, c.r.URL.Query().Get("status"), p)
			})},
		{Method: "POST", Path: "/pro-applications/{app}/approve", Tag: "vetting", Summary: "Grant the Pro badge (operators)",
			Out: catalog.ProApplication{},
			Handle: func(c *call) (any, error) {
				return s.Catalog.ApproveProApplication(c.r.Context(), c.user, c.param("app"))
			}},
		{Method: "POST", Path: "/pro-applications/{app}/reject", Tag: "vetting", Summary: "Refuse the Pro badge with a reason (operators)",
			In: reasonIn{}, Out: catalog.ProApplication{},
			Handle: body(func(c *call, in reasonIn) (any, error) {
				return s.Catalog.RejectProApplication(c.r.Context(), c.user, c.param("app"), in.Reason)
			})},
		{Method: "POST", Path: "/services", Tag: "catalog", Summary: "List a service for my freelancer profile",
			Status: http.StatusCreated, In: catalog.Offer{}, Out: catalog.Listing{},
			Handle: body(func(c *call, in catalog.Offer) (any, error) {
				return s.Catalog.CreateService(c.r.Context(), c.user, in)
			})},
		{Method: "GET", Path: "/services", Tag: "catalog", Public: true, Out: catalog.Results{}, Query: searchQuery(),
			Summary: "Search services: ?q=&category=&min_price=&max_price=&max_delivery_days=&pro=true&min_rating=&sort=relevance|price_asc|price_desc|rating|newest&limit=&cursor=",
			Handle: func(c *call) (any, error) {
				q, err := catalog.ParseSearch(c.r.URL.Query())
				if err != nil {
					return nil, err
				}
				return s.Catalog.Search(c.r.Context(), q)
			}},
		{Method: "GET", Path: "/services/{service}", Tag: "catalog", Public: true, Out: catalog.Listing{}, Summary: "A service with its packages",
			Handle: func(c *call) (any, error) {
				return s.Catalog.Listing(c.r.Context(), c.param("service"))
			}},
		{Method: "PUT", Path: "/services/{service}", Tag: "catalog", Summary: "Replace a service's offer (owner)",
			In: catalog.Offer{}, Out: catalog.Listing{},
			Handle: body(func(c *call, in catalog.Offer) (any, error) {
				return s.Catalog.UpdateService(c.r.Context(), c.user, c.param("service"), in)
			})},
		{Method: "POST", Path: "/services/{service}/pause", Tag: "catalog", Summary: "Pause a service: hidden from search (owner)", Out: catalog.Listing{},
			Handle: func(c *call) (any, error) {
				return s.Catalog.SetPaused(c.r.Context(), c.user, c.param("service"), true)
			}},
		{Method: "POST", Path: "/services/{service}/resume", Tag: "catalog", Summary: "Make a paused service active again (owner)", Out: catalog.Listing{},
			Handle: func(c *call) (any, error) {
				return s.Catalog.SetPaused(c.r.Context(), c.user, c.param("service"), false)
			}},
		{Method: "GET", Path: "/services/{service}/reviews", Tag: "catalog", Public: true, Out: page.Page[catalog.Review]{},
			Summary: "Public reviews of a service",
			Handle: paged(func(c *call, p page.Request) (any, error) {
				if _, err := s.Catalog.Listing(c.r.Context(), c.param("service")); err != nil {
					return nil, err
				}
				return s.Catalog.Reviews(c.r.Context(), c.param("service"), "", p)
			})},
		{Method: "GET", Path: "/me/recently-viewed", Tag: "catalog", Summary: "Freelancers I viewed, newest first",
			Out: listOut[catalog.Freelancer]{},
			Handle: func(c *call) (any, error) {
				list, err := s.Catalog.RecentlyViewed(c.r.Context(), c.user, 0)
				return listOut[catalog.Freelancer]{Items: list}, err
			}},
	}
}
