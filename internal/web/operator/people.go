package operator

import (
	"net/http"
	"net/url"

	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/users"
	"atelier/internal/web/site"
)

// Support's page: an operator looks a person up by their address and marks
// it verified when the person cannot receive the link (as `atelier user
// verify` does).

type peopleData struct {
	Email  string
	Person *users.User // nil: nobody has the address (or none asked)
}

func (s *pages) peoplePage(w http.ResponseWriter, r *http.Request, u users.User) error {
	email := r.URL.Query().Get("email")
	d := peopleData{Email: email}
	if email != "" {
		p, ok, err := s.Users.Find(r.Context(), u, email)
		if err != nil {
			return err
		}
		if ok {
			d.Person = &p
		}
	} else if err := s.Users.RequireOperator(u); err != nil {
		return err
	}
	s.Render(w, r, http.StatusOK, "operator_people", &site.View{Nav: "operator", Title: i18n.T(httpx.Lang(r), "operator.people.title"), Data: d})
	return nil
}

func (s *pages) verifyPerson(w http.ResponseWriter, r *http.Request, u users.User) error {
	p, err := s.Users.VerifyAsOperator(r.Context(), u, r.PostFormValue("email"))
	if err != nil {
		return err
	}
	s.Done(w, r, "/operator/people?email="+url.QueryEscape(p.Email), "flash.person_verified", "email", p.Email)
	return nil
}
