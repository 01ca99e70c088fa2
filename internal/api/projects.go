package api

import (
	"net/http"

	"atelier/internal/dashboard"
	"atelier/internal/orders"
	"atelier/internal/projects"
)

// The routes of projects, featured projects, the project management
// service and the dashboard (API.md, Collaboration). Additions to API.md:
// an account's project list, starting a project from a featured one, the
// operators' queue of manager requests, the manager's order proposals and
// their confirmation.

type userIDIn struct {
	UserID string `json:"user_id"`
}

type startFeaturedIn struct {
	AccountID string `json:"account_id"`
	Name      string `json:"name,omitempty"`
}

type projectList struct {
	Items []projects.Project `json:"items"`
}

type featuredList struct {
	Items []projects.Featured `json:"items"`
}

type managerRequestList struct {
	Items []projects.ManagerRequest `json:"items"`
}

func (s *Server) projectRoutes() []route {
	return []route{
		{Method: "POST", Path: "/accounts/{account}/projects", Tag: "projects", Status: http.StatusCreated, In: projects.NewProject{}, Out: projects.Project{},
			Summary: "Create a project (any member who may buy; becomes its first member): type website|branding|marketing_campaign|video|software|content|other, visibility account (default) or private",
			Handle: body(func(c *call, in projects.NewProject) (any, error) {
				return s.Projects.Create(c.r.Context(), c.user, c.param("account"), in)
			})},
		{Method: "GET", Path: "/accounts/{account}/projects", Tag: "projects", Out: projectList{},
			Summary: "The account's projects the caller sees, newest first, with spend against budget",
			Handle: func(c *call) (any, error) {
				list, err := s.Projects.List(c.r.Context(), c.user, c.param("account"))
				return projectList{Items: list}, err
			}},
		{Method: "GET", Path: "/projects/{project}", Tag: "projects", Out: projects.Project{},
			Summary: "A project with spent (its orders' payments net of refunds), members, orders, proposals and activity; 404 to whoever may not see it",
			Handle:  func(c *call) (any, error) { return s.Projects.Get(c.r.Context(), c.user, c.param("project")) }},
		{Method: "POST", Path: "/projects/{project}/members", Tag: "projects", Status: http.StatusCreated, In: userIDIn{}, Out: projects.Project{},
			Summary: "Add a member of the account to the project (the admin, its creator or a project member)",
			Handle: body(func(c *call, in userIDIn) (any, error) {
				return s.Projects.AddMember(c.r.Context(), c.user, c.param("project"), in.UserID)
			})},
		{Method: "GET", Path: "/featured-projects", Tag: "projects", Out: featuredList{},
			Summary: "The gallery of featured projects curated by operators (every signed-in person)",
			Handle: func(c *call) (any, error) {
				list, err := s.Projects.FeaturedList(c.r.Context())
				return featuredList{Items: list}, err
			}},
		{Method: "POST", Path: "/featured-projects", Tag: "projects", Status: http.StatusCreated, In: projects.NewFeatured{}, Out: projects.Featured{},
			Summary: "Add a featured project: title, type, brief template, suggested budget (operators only)",
			Handle: body(func(c *call, in projects.NewFeatured) (any, error) {
				return s.Projects.CreateFeatured(c.r.Context(), c.user, in)
			})},
		{Method: "POST", Path: "/featured-projects/{featured}/start", Tag: "projects", Status: http.StatusCreated, In: startFeaturedIn{}, Out: projects.Project{},
			Summary: "Start a project of an account from a featured project (its type, brief and budget copied)",
			Handle: body(func(c *call, in startFeaturedIn) (any, error) {
				return s.Projects.StartFromFeatured(c.r.Context(), c.user, c.param("featured"), in.AccountID, in.Name)
			})},
		{Method: "POST", Path: "/projects/{project}/project-manager-request", Tag: "projects", Out: projects.Project{},
			Summary: "Ask for a project manager (the admin, the creator or a project member); operators are told",
			Handle: func(c *call) (any, error) {
				return s.Projects.RequestManager(c.r.Context(), c.user, c.param("project"))
			}},
		{Method: "GET", Path: "/project-manager-requests", Tag: "projects", Out: managerRequestList{},
			Summary: "The operators' queue of projects waiting for a project manager (operators only)",
			Handle: func(c *call) (any, error) {
				list, err := s.Projects.ManagerRequests(c.r.Context(), c.user)
				return managerRequestList{Items: list}, err
			}},
		{Method: "POST", Path: "/projects/{project}/project-manager", Tag: "projects", In: userIDIn{}, Out: projects.Project{},
			Summary: "Assign a staff user (an operator) as the project manager of a requested project (operators only); the fee rate is fixed then",
			Handle: body(func(c *call, in userIDIn) (any, error) {
				return s.Projects.AssignManager(c.r.Context(), c.user, c.param("project"), in.UserID)
			})},
		{Method: "POST", Path: "/projects/{project}/proposals", Tag: "projects", Status: http.StatusCreated, In: projects.NewProposal{}, Out: projects.Proposal{},
			Summary: "Propose an order of a service package for the project (its project manager only)",
			Handle: body(func(c *call, in projects.NewProposal) (any, error) {
				return s.Projects.Propose(c.r.Context(), c.user, c.param("project"), in)
			})},
		{Method: "POST", Path: "/projects/{project}/proposals/{proposal}/confirm", Tag: "projects", Status: http.StatusCreated, Idempotent: true, Out: orders.Order{},
			Summary: "Confirm a proposal (the admin, the creator or a project member): the order is placed as theirs under the account's approval policy and limits (Idempotency-Key honoured)",
			Handle: func(c *call) (any, error) {
				return s.Projects.ConfirmProposal(c.r.Context(), c.user, c.param("project"), c.param("proposal"), c.r.Header.Get("Idempotency-Key"))
			}},
		{Method: "POST", Path: "/projects/{project}/proposals/{proposal}/decline", Tag: "projects", Out: projects.Project{},
			Summary: "Decline a proposal (the same people who may confirm)",
			Handle: func(c *call) (any, error) {
				return s.Projects.DeclineProposal(c.r.Context(), c.user, c.param("project"), c.param("proposal"))
			}},
		{Method: "GET", Path: "/me/dashboard", Tag: "projects", Out: dashboard.Dashboard{},
			Summary: "The caller's dashboard: activity, recently viewed, active orders and projects, pending approvals (admin), spend by month and rewards of ?account_id= (default: the first account)",
			Query: []param{{Name: "account_id", Description: "the account whose approvals, spend and rewards are shown; the caller's first account when absent",
				Schema: map[string]any{"type": "string"}}},
			Handle: func(c *call) (any, error) {
				return s.Dashboard.Get(c.r.Context(), c.user, c.r.URL.Query().Get("account_id"))
			}},
	}
}
