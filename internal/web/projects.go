package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"atelier/internal/accounts"
	"atelier/internal/billing"
	"atelier/internal/catalog"
	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/money"
	"atelier/internal/projects"
	"atelier/internal/users"
)

// The pages of projects, featured projects and the project management
// service. Every rule is the projects domain's; these pages read forms and
// show what it returns.

// projectRoutes are the routes of this file.
func (s *Server) projectRoutes() []route {
	return []route{
		{Method: "GET", Path: "/accounts/{account}/projects", Handle: pageOf(s.showProjects)},
		{Method: "POST", Path: "/accounts/{account}/projects", Handle: s.createProject},
		{Method: "GET", Path: "/projects/{project}", Handle: pageOf(s.showProject)},
		{Method: "POST", Path: "/projects/{project}/members", Handle: s.addProjectMember},
		{Method: "POST", Path: "/projects/{project}/project-manager-request", Handle: s.requestManager},
		{Method: "POST", Path: "/projects/{project}/proposals", Handle: s.proposeOrder},
		{Method: "POST", Path: "/projects/{project}/proposals/{proposal}/confirm", Handle: s.confirmProposal},
		{Method: "POST", Path: "/projects/{project}/proposals/{proposal}/decline", Handle: s.declineProposal},
		{Method: "GET", Path: "/featured-projects", Handle: pageOf(s.showFeatured)},
		{Method: "POST", Path: "/featured-projects/{featured}/start", Handle: s.startFeatured},
		{Method: "GET", Path: "/operator/project-managers", Handle: pageOf(s.showManagerQueue)},
		{Method: "POST", Path: "/operator/project-managers/{project}/assign", Handle: s.assignManager},
		{Method: "POST", Path: "/operator/featured-projects", Handle: s.createFeatured},
	}
}

type projectsData struct {
	Projects []projects.Project
	Types    []string
}

func (s *Server) showProjects(w http.ResponseWriter, r *http.Request, u users.User, f *form, status int) error {
	a, err := s.account(r, u)
	if err != nil {
		return err
	}
	list, err := s.Projects.List(r.Context(), u, a.ID)
	if err != nil {
		return err
	}
	s.render(w, r, status, "projects", &view{Nav: "accounts", Title: i18n.T(httpx.Lang(r), "projects.title"), Account: &a, Tab: "projects", Form: f,
		Data: projectsData{Projects: list, Types: projects.Types}})
	return nil
}

func (s *Server) createProject(w http.ResponseWriter, r *http.Request, u users.User) error {
	a, err := s.account(r, u)
	if err != nil {
		return err
	}
	redo := func(f *form, status int) error { return s.showProjects(w, r, u, f, status) }
	budget, err := requiredAmount("budget", r.PostFormValue("budget"), a.Currency, httpx.Lang(r))
	if err != nil {
		return showAgain(err, redo)
	}
	visibility := projects.VisibleToAccount
	if r.PostFormValue("private") != "" {
		visibility = projects.Private
	}
	p, err := s.Projects.Create(r.Context(), u, a.ID, projects.NewProject{Name: r.PostFormValue("name"), Type: r.PostFormValue("type"),
		Brief: r.PostFormValue("brief"), Budget: budget, Visibility: visibility})
	if err != nil {
		return showAgain(err, redo)
	}
	s.done(w, r, "/projects/"+p.ID, "flash.project_created", "name", p.Name)
	return nil
}

type projectData struct {
	Project projects.Project
	Account accounts.Account // the viewer's membership ("" role for the manager)
	Members []accounts.Membership
	// Openable are the attached orders the viewer may open: the others
	// show their summary without a link (their page would be a 404).
	Openable map[string]bool
}

func (s *Server) showProject(w http.ResponseWriter, r *http.Request, u users.User, f *form, status int) error {
	p, err := s.Projects.Get(r.Context(), u, r.PathValue("project"))
	if err != nil {
		return err
	}
	d := projectData{Project: p}
	if d.Openable, err = s.Orders.Openable(r.Context(), u, p.Orders); err != nil {
		return err
	}
	if p.Access != projects.AccessManager {
		if d.Account, err = s.Accounts.Get(r.Context(), u, p.AccountID); err != nil {
			return err
		}
		if d.Members, err = s.allMembers(r, u, p.AccountID); err != nil {
			return err
		}
	}
	s.render(w, r, status, "project", &view{Nav: "projects", Title: p.Name, Form: f, Data: d})
	return nil
}

func (s *Server) projectAction(w http.ResponseWriter, r *http.Request, u users.User, flash string, act func() (string, error)) error {
	name, err := act()
	if err != nil {
		return showAgain(err, func(f *form, status int) error { return s.showProject(w, r, u, f, status) })
	}
	s.done(w, r, "/projects/"+r.PathValue("project"), flash, "name", name)
	return nil
}

func (s *Server) addProjectMember(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.projectAction(w, r, u, "flash.project_member_added", func() (string, error) {
		p, err := s.Projects.AddMember(r.Context(), u, r.PathValue("project"), r.PostFormValue("user_id"))
		return p.Name, err
	})
}

func (s *Server) requestManager(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.projectAction(w, r, u, "flash.project_manager_requested", func() (string, error) {
		p, err := s.Projects.RequestManager(r.Context(), u, r.PathValue("project"))
		return p.Name, err
	})
}

func (s *Server) proposeOrder(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.projectAction(w, r, u, "flash.project_proposal_made", func() (string, error) {
		q, err := quantity(r.PostFormValue("quantity"), catalog.Listing{MaxQuantity: catalog.MaxQuantity})
		if err != nil {
			return "", err
		}
		pr, err := s.Projects.Propose(r.Context(), u, r.PathValue("project"), projects.NewProposal{ServiceID: strings.TrimSpace(r.PostFormValue("service_id")),
			Package: r.PostFormValue("package"), Quantity: q, Requirements: r.PostFormValue("requirements"), Note: r.PostFormValue("note")})
		return pr.ServiceTitle, err
	})
}

func (s *Server) confirmProposal(w http.ResponseWriter, r *http.Request, u users.User) error {
	o, err := s.Projects.ConfirmProposal(r.Context(), u, r.PathValue("project"), r.PathValue("proposal"), r.PostFormValue("idempotency_key"))
	if err != nil {
		return showAgain(err, func(f *form, status int) error { return s.showProject(w, r, u, f, status) })
	}
	s.done(w, r, "/orders/"+o.ID, "flash.project_proposal_confirmed", "name", o.Title)
	return nil
}

func (s *Server) declineProposal(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.projectAction(w, r, u, "flash.project_proposal_declined", func() (string, error) {
		p, err := s.Projects.DeclineProposal(r.Context(), u, r.PathValue("project"), r.PathValue("proposal"))
		return p.Name, err
	})
}

type featuredData struct {
	Featured []projects.Featured
	Accounts []accounts.Account
	Types    []string
}

func (s *Server) showFeatured(w http.ResponseWriter, r *http.Request, u users.User, f *form, status int) error {
	list, err := s.Projects.FeaturedList(r.Context())
	if err != nil {
		return err
	}
	accs, err := s.Accounts.ForUser(r.Context(), u)
	if err != nil {
		return err
	}
	s.render(w, r, status, "featured_projects", &view{Nav: "projects", Title: i18n.T(httpx.Lang(r), "featured.title"), Form: f,
		Data: featuredData{Featured: list, Accounts: accs, Types: projects.Types}})
	return nil
}

func (s *Server) startFeatured(w http.ResponseWriter, r *http.Request, u users.User) error {
	p, err := s.Projects.StartFromFeatured(r.Context(), u, r.PathValue("featured"), r.PostFormValue("account_id"), r.PostFormValue("name"))
	if err != nil {
		return showAgain(err, func(f *form, status int) error {
			f.Target = r.PathValue("featured")
			return s.showFeatured(w, r, u, f, status)
		})
	}
	s.done(w, r, "/projects/"+p.ID, "flash.project_created", "name", p.Name)
	return nil
}

func (s *Server) createFeatured(w http.ResponseWriter, r *http.Request, u users.User) error {
	redo := func(f *form, status int) error { return s.showManagerQueue(w, r, u, f, status) }
	cur := strings.ToUpper(r.PostFormValue("currency"))
	if cur == "" {
		cur = money.DefaultCurrency
	}
	budget, err := requiredAmount("budget", r.PostFormValue("budget"), cur, httpx.Lang(r))
	if err != nil {
		return showAgain(err, redo)
	}
	f, err := s.Projects.CreateFeatured(r.Context(), u, projects.NewFeatured{Title: r.PostFormValue("title"), Type: r.PostFormValue("type"),
		Brief: r.PostFormValue("brief"), Budget: budget})
	if err != nil {
		return showAgain(err, redo)
	}
	s.done(w, r, "/featured-projects", "flash.featured_created", "name", f.Title)
	return nil
}

type managerQueueData struct {
	Requests []projects.ManagerRequest
	Staff    []users.User
	Types    []string
}

func (s *Server) showManagerQueue(w http.ResponseWriter, r *http.Request, u users.User, f *form, status int) error {
	list, err := s.Projects.ManagerRequests(r.Context(), u)
	if err != nil {
		return err
	}
	staff, err := s.Projects.Staff(r.Context(), u)
	if err != nil {
		return err
	}
	s.render(w, r, status, "operator_managers", &view{Nav: "operator", Title: i18n.T(httpx.Lang(r), "operator.managers.title"), Form: f,
		Data: managerQueueData{Requests: list, Staff: staff, Types: projects.Types}})
	return nil
}

func (s *Server) assignManager(w http.ResponseWriter, r *http.Request, u users.User) error {
	p, err := s.Projects.AssignManager(r.Context(), u, r.PathValue("project"), r.PostFormValue("user_id"))
	if err != nil {
		return showAgain(err, func(f *form, status int) error {
			f.Target = r.PathValue("project")
			return s.showManagerQueue(w, r, u, f, status)
		})
	}
	s.done(w, r, "/operator/project-managers", "flash.manager_assigned", "name", p.Name)
	return nil
}

// attachableProjects are the projects the user may attach an order to:
// those they see in their accounts, not as a project manager.
func (s *Server) attachableProjects(r *http.Request, u users.User) ([]projects.Project, error) {
	all, err := s.Projects.Mine(r.Context(), u)
	if err != nil {
		return nil, err
	}
	var list []projects.Project
	for _, p := range all {
		if p.Access != projects.AccessManager {
			list = append(list, p)
		}
	}
	return list, nil
}

// ProjectType names a project type in the language.
func (v *view) ProjectType(t string) string { return i18n.T(v.Lang, "project.type."+t) }

// ProjectEvent words a line of a project's activity.
func (v *view) ProjectEvent(e projects.Event) string {
	return i18n.T(v.Lang, "project.event."+e.Kind, "name", e.ActorName, "body", e.Body)
}

// SpendChart draws an account's spend per month as an SVG bar chart on the
// server: one bar per month, the tallest the chart's height, each with its
// amount as a title (a tooltip and what a screen reader reads) and the
// month's short name beneath.
func (v *view) SpendChart(months []billing.MonthSpend) template.HTML {
	const width, height, bar, gap, top, bottom = 480, 180, 30, 10, 16, 22
	var most int64
	for _, m := range months {
		most = max(most, m.Amount.Amount)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="spend-chart" viewBox="0 0 %d %d" role="img" aria-labelledby="spend-chart-title" xmlns="http://www.w3.org/2000/svg">`, width, height)
	fmt.Fprintf(&b, `<title id="spend-chart-title">%s</title>`, template.HTMLEscapeString(i18n.T(v.Lang, "dashboard.spend_chart")))
	fmt.Fprintf(&b, `<line x1="0" y1="%d" x2="%d" y2="%d" class="axis"/>`, height-bottom, width, height-bottom)
	for i, m := range months {
		h := 0
		if most > 0 && m.Amount.Amount > 0 {
			h = max(2, int(m.Amount.Amount*int64(height-top-bottom)/most))
		}
		x := i*(bar+gap) + gap/2
		label := template.HTMLEscapeString(monthLabel(v.Lang, m.Month))
		amount := template.HTMLEscapeString(m.Amount.Format(v.Lang))
		fmt.Fprintf(&b, `<g class="month" data-month="%s"><title>%s: %s</title><rect x="%d" y="%d" width="%d" height="%d" class="bar"/>`,
			m.Month, label, amount, x, height-bottom-h, bar, h)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" class="label">%s</text></g>`, x+bar/2, height-6, label)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// monthLabel is "2026-11" as a month's short name in the language.
func monthLabel(lang, ym string) string {
	n, err := strconv.Atoi(strings.TrimPrefix(ym[len(ym)-2:], "0"))
	if err != nil || n < 1 || n > 12 {
		return ym
	}
	return i18n.T(lang, fmt.Sprintf("month.short.%d", n))
}
