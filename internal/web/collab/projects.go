package collab

import (
	"net/http"
	"strings"

	"atelier/internal/accounts"
	"atelier/internal/catalog"
	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/projects"
	"atelier/internal/users"
	"atelier/internal/web/site"
)

// The pages of projects and featured projects; the operators' side of the
// project management service is in internal/web/operator. Every rule is
// the projects domain's; these pages read forms and show what it returns.

type projectsData struct {
	Projects []projects.Project
	Types    []string
}

func (s *pages) showProjects(w http.ResponseWriter, r *http.Request, u users.User, f *site.Form, status int) error {
	a, err := s.Account(r, u)
	if err != nil {
		return err
	}
	list, err := s.Projects.List(r.Context(), u, a.ID)
	if err != nil {
		return err
	}
	s.Render(w, r, status, "projects", &site.View{Nav: "accounts", Title: i18n.T(httpx.Lang(r), "projects.title"), Account: &a, Tab: "projects", Form: f,
		Data: projectsData{Projects: list, Types: projects.Types}})
	return nil
}

func (s *pages) createProject(w http.ResponseWriter, r *http.Request, u users.User) error {
	a, err := s.Account(r, u)
	if err != nil {
		return err
	}
	redo := func(f *site.Form, status int) error { return s.showProjects(w, r, u, f, status) }
	budget, err := site.RequiredAmount("budget", r.PostFormValue("budget"), a.Currency, httpx.Lang(r))
	if err != nil {
		return site.ShowAgain(err, redo)
	}
	visibility := projects.VisibleToAccount
	if r.PostFormValue("private") != "" {
		visibility = projects.Private
	}
	p, err := s.Projects.Create(r.Context(), u, a.ID, projects.NewProject{Name: r.PostFormValue("name"), Type: r.PostFormValue("type"),
		Brief: r.PostFormValue("brief"), Budget: budget, Visibility: visibility})
	if err != nil {
		return site.ShowAgain(err, redo)
	}
	s.Done(w, r, "/projects/"+p.ID, "flash.project_created", "name", p.Name)
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

func (s *pages) showProject(w http.ResponseWriter, r *http.Request, u users.User, f *site.Form, status int) error {
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
		if d.Members, err = s.AllMembers(r, u, p.AccountID); err != nil {
			return err
		}
	}
	s.Render(w, r, status, "project", &site.View{Nav: "projects", Title: p.Name, Form: f, Data: d})
	return nil
}

func (s *pages) projectAction(w http.ResponseWriter, r *http.Request, u users.User, flash string, act func() (string, error)) error {
	name, err := act()
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.showProject(w, r, u, f, status) })
	}
	s.Done(w, r, "/projects/"+r.PathValue("project"), flash, "name", name)
	return nil
}

func (s *pages) addProjectMember(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.projectAction(w, r, u, "flash.project_member_added", func() (string, error) {
		p, err := s.Projects.AddMember(r.Context(), u, r.PathValue("project"), r.PostFormValue("user_id"))
		return p.Name, err
	})
}

func (s *pages) requestManager(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.projectAction(w, r, u, "flash.project_manager_requested", func() (string, error) {
		p, err := s.Projects.RequestManager(r.Context(), u, r.PathValue("project"))
		return p.Name, err
	})
}

func (s *pages) proposeOrder(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.projectAction(w, r, u, "flash.project_proposal_made", func() (string, error) {
		q, err := site.Quantity(r.PostFormValue("quantity"), catalog.Listing{MaxQuantity: catalog.MaxQuantity})
		if err != nil {
			return "", err
		}
		pr, err := s.Projects.Propose(r.Context(), u, r.PathValue("project"), projects.NewProposal{ServiceID: strings.TrimSpace(r.PostFormValue("service_id")),
			Package: r.PostFormValue("package"), Quantity: q, Requirements: r.PostFormValue("requirements"), Note: r.PostFormValue("note")})
		return pr.ServiceTitle, err
	})
}

func (s *pages) confirmProposal(w http.ResponseWriter, r *http.Request, u users.User) error {
	o, err := s.Projects.ConfirmProposal(r.Context(), u, r.PathValue("project"), r.PathValue("proposal"), r.PostFormValue("idempotency_key"))
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.showProject(w, r, u, f, status) })
	}
	s.Done(w, r, "/orders/"+o.ID, "flash.project_proposal_confirmed", "name", o.Title)
	return nil
}

func (s *pages) declineProposal(w http.ResponseWriter, r *http.Request, u users.User) error {
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

func (s *pages) showFeatured(w http.ResponseWriter, r *http.Request, u users.User, f *site.Form, status int) error {
	list, err := s.Projects.FeaturedList(r.Context())
	if err != nil {
		return err
	}
	accs, err := s.Accounts.ForUser(r.Context(), u)
	if err != nil {
		return err
	}
	s.Render(w, r, status, "featured_projects", &site.View{Nav: "projects", Title: i18n.T(httpx.Lang(r), "featured.title"), Form: f,
		Data: featuredData{Featured: list, Accounts: accs, Types: projects.Types}})
	return nil
}

func (s *pages) startFeatured(w http.ResponseWriter, r *http.Request, u users.User) error {
	p, err := s.Projects.StartFromFeatured(r.Context(), u, r.PathValue("featured"), r.PostFormValue("account_id"), r.PostFormValue("name"))
	if err != nil {
		return site.ShowAgain(err, site.RowAgain(w, r, u, s.showFeatured, r.PathValue("featured")))
	}
	s.Done(w, r, "/projects/"+p.ID, "flash.project_created", "name", p.Name)
	return nil
}
