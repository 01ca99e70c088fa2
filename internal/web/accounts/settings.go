package accounts

import (
	"net/http"

	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/notify"
	"atelier/internal/users"
	"atelier/internal/web/site"
)

// settingsData is the settings page: which notices also come by e-mail.
type settingsData struct {
	Categories []string
	Email      map[string]bool
}

func (s *pages) settingsPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	on, err := s.Notify.EmailSettings(r.Context(), u.ID)
	if err != nil {
		return err
	}
	s.Render(w, r, http.StatusOK, "settings", &site.View{Nav: "settings", Title: i18n.T(httpx.Lang(r), "settings.title"),
		Data: settingsData{Categories: notify.Categories, Email: on}})
	return nil
}

// saveSettings saves the e-mail settings: a category is on when its box
// is ticked.
func (s *pages) saveSettings(w http.ResponseWriter, r *http.Request, u users.User) error {
	on := map[string]bool{}
	for _, c := range notify.Categories {
		on[c] = r.PostFormValue("email_"+c) == "on"
	}
	if _, err := s.Notify.SetEmailSettings(r.Context(), u.ID, on); err != nil {
		return err
	}
	s.Done(w, r, "/settings", "flash.settings_saved")
	return nil
}
