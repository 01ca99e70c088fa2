package collab

// The account's Lists and Network tabs, a list's page, and "save to list"
// from a service or a profile.

import (
	"net/http"
	"net/url"
	"strconv"

	"atelier/internal/accounts"
	"atelier/internal/errs"
	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/lists"
	"atelier/internal/network"
	"atelier/internal/page"
	"atelier/internal/users"
	"atelier/internal/web/site"
)

// listsData is the account's Lists tab.
type listsData struct {
	Own    []lists.List
	Shared []lists.List
}

func (s *pages) showAccountLists(w http.ResponseWriter, r *http.Request, u users.User, f *site.Form, status int) error {
	ctx := r.Context()
	a, err := s.Accounts.Get(ctx, u, r.PathValue("account"))
	if err != nil {
		return err
	}
	all := page.Request{Limit: page.MaxLimit}
	own, err := s.Lists.AccountLists(ctx, u, a.ID, all)
	if err != nil {
		return err
	}
	shared, err := s.Lists.SharedWith(ctx, u, a.ID, all)
	if err != nil {
		return err
	}
	s.Render(w, r, status, "lists", &site.View{Nav: "accounts", Title: i18n.T(httpx.Lang(r), "lists.title"), Account: &a, Tab: "lists",
		Form: f, Data: listsData{Own: own.Items, Shared: shared.Items}})
	return nil
}

func (s *pages) createList(w http.ResponseWriter, r *http.Request, u users.User) error {
	l, err := s.Lists.Create(r.Context(), u, r.PathValue("account"), r.PostFormValue("name"))
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.showAccountLists(w, r, u, f, status) })
	}
	s.Done(w, r, "/lists/"+l.ID, "flash.list_created")
	return nil
}

// listData is a list's page.
type listData struct {
	List lists.List
	// Account is the list's own account when the viewer belongs to it.
	Account *accounts.Account
}

func (s *pages) showList(w http.ResponseWriter, r *http.Request, u users.User, f *site.Form, status int) error {
	ctx := r.Context()
	l, err := s.Lists.Get(ctx, u, r.PathValue("list"))
	if err != nil {
		return err
	}
	d := listData{List: l}
	v := &site.View{Nav: "accounts", Title: l.Name, Form: f, Data: &d}
	if !l.ReadOnly {
		a, err := s.Accounts.Get(ctx, u, l.AccountID)
		if err != nil {
			return err
		}
		d.Account = &a
		v.Account, v.Tab = &a, "lists"
	}
	s.Render(w, r, status, "list", v)
	return nil
}

// listAction runs one of a list page's posts and comes back to the list.
func (s *pages) listAction(w http.ResponseWriter, r *http.Request, u users.User, flash string, act func() error) error {
	return s.Post(w, r, u, s.showList, "/lists/"+url.PathEscape(r.PathValue("list")), flash, act)
}

func (s *pages) renameList(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.listAction(w, r, u, "flash.list_renamed", func() error {
		_, err := s.Lists.Rename(r.Context(), u, r.PathValue("list"), r.PostFormValue("name"))
		return err
	})
}

func (s *pages) deleteList(w http.ResponseWriter, r *http.Request, u users.User) error {
	ctx := r.Context()
	l, err := s.Lists.Get(ctx, u, r.PathValue("list"))
	if err == nil {
		err = s.Lists.Delete(ctx, u, l.ID)
	}
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.showList(w, r, u, f, status) })
	}
	s.Done(w, r, "/accounts/"+l.AccountID+"/lists", "flash.list_deleted")
	return nil
}

func (s *pages) addListItem(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.listAction(w, r, u, "flash.list_item_added", func() error {
		_, err := s.Lists.AddItem(r.Context(), u, r.PathValue("list"), itemInput(r))
		return err
	})
}

func itemInput(r *http.Request) lists.NewItem {
	return lists.NewItem{FreelancerID: r.PostFormValue("freelancer_id"), ServiceID: r.PostFormValue("service_id"), Note: r.PostFormValue("note")}
}

func (s *pages) removeListItem(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.listAction(w, r, u, "flash.list_item_removed", func() error {
		return s.Lists.RemoveItem(r.Context(), u, r.PathValue("list"), r.PathValue("item"))
	})
}

func (s *pages) shareList(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.listAction(w, r, u, "flash.list_shared", func() error {
		_, err := s.Lists.Share(r.Context(), u, r.PathValue("list"), r.PostFormValue("account_id"))
		return err
	})
}

func (s *pages) revokeListShare(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.listAction(w, r, u, "flash.list_share_revoked", func() error {
		return s.Lists.Revoke(r.Context(), u, r.PathValue("list"), r.PathValue("account"))
	})
}

// saveData is the "save to list" page of a service or a freelancer.
type saveData struct {
	Kind, ID, Name, Back string
	Lists                []lists.List
	Accounts             []accounts.Account
}

// saveTarget reads what is being saved (?service= or ?freelancer=, or the
// posted form) and names it.
func (s *pages) saveTarget(r *http.Request, u users.User, serviceID, freelancerID string) (saveData, error) {
	ctx := r.Context()
	var d saveData
	switch {
	case serviceID != "":
		sv, err := s.Catalog.Listing(ctx, serviceID)
		if err != nil {
			return d, err
		}
		d = saveData{Kind: "service", ID: sv.ID, Name: sv.Title, Back: "/services/" + sv.ID}
	case freelancerID != "":
		fr, err := s.Catalog.Freelancer(ctx, nil, freelancerID)
		if err != nil {
			return d, err
		}
		d = saveData{Kind: "freelancer", ID: fr.ID, Name: fr.DisplayName, Back: "/freelancers/" + fr.ID}
	default:
		return d, errs.NotFound("not_found")
	}
	var err error
	if d.Lists, err = s.Lists.ListsFor(ctx, u); err != nil {
		return d, err
	}
	d.Accounts, err = s.Accounts.ForUser(ctx, u)
	return d, err
}

func (s *pages) saveToListPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	q := r.URL.Query()
	return s.showSaveToList(w, r, u, q.Get("service"), q.Get("freelancer"), nil, http.StatusOK)
}

func (s *pages) showSaveToList(w http.ResponseWriter, r *http.Request, u users.User, serviceID, freelancerID string, f *site.Form, status int) error {
	d, err := s.saveTarget(r, u, serviceID, freelancerID)
	if err != nil {
		return err
	}
	s.Render(w, r, status, "list_save", &site.View{Nav: "accounts", Title: i18n.T(httpx.Lang(r), "lists.save.title", "name", d.Name), Form: f, Data: d})
	return nil
}

// saveToList adds the service or freelancer to a chosen list, or to a new
// list made in one of the viewer's accounts ("account_id" + "name").
func (s *pages) saveToList(w http.ResponseWriter, r *http.Request, u users.User) error {
	ctx := r.Context()
	r.ParseForm()
	in := itemInput(r)
	listID := r.PostFormValue("list_id")
	err := func() error {
		if listID == "" || listID == "new" {
			accountID := r.PostFormValue("account_id")
			if accountID == "" {
				return errs.Invalid("list_id", "required")
			}
			l, err := s.Lists.Create(ctx, u, accountID, r.PostFormValue("name"))
			if err != nil {
				return err
			}
			listID = l.ID
		}
		_, err := s.Lists.AddItem(ctx, u, listID, in)
		return err
	}()
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error {
			return s.showSaveToList(w, r, u, in.ServiceID, in.FreelancerID, f, status)
		})
	}
	s.Done(w, r, "/lists/"+listID, "flash.list_item_added")
	return nil
}

// networkData is the account's Network tab.
type networkData struct {
	Entries    page.Page[network.Entry]
	AccountID  string
	NextCursor string
}

func (s *pages) showNetwork(w http.ResponseWriter, r *http.Request, u users.User, f *site.Form, status int) error {
	ctx := r.Context()
	a, err := s.Accounts.Get(ctx, u, r.PathValue("account"))
	if err != nil {
		return err
	}
	p, err := site.Cursor(r, page.DefaultLimit)
	if err != nil {
		return err
	}
	entries, err := s.Network.List(ctx, u, a.ID, p)
	if err != nil {
		return err
	}
	s.Render(w, r, status, "network", &site.View{Nav: "accounts", Title: i18n.T(httpx.Lang(r), "network.title"), Account: &a, Tab: "network",
		Form: f, Data: networkData{Entries: entries, AccountID: a.ID, NextCursor: entries.NextCursor}})
	return nil
}

// networkAction runs one of the Network tab's posts.
func (s *pages) networkAction(w http.ResponseWriter, r *http.Request, u users.User, flash string, act func() error) error {
	return s.Post(w, r, u, s.showNetwork, "/accounts/"+url.PathEscape(r.PathValue("account"))+"/network#fr-"+url.PathEscape(r.PathValue("freelancer")), flash, act)
}

func (s *pages) saveToNetwork(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.networkAction(w, r, u, "flash.network_saved", func() error {
		_, err := s.Network.Save(r.Context(), u, r.PathValue("account"), r.PathValue("freelancer"))
		return err
	})
}

func (s *pages) unsaveFromNetwork(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.networkAction(w, r, u, "flash.network_unsaved", func() error {
		return s.Network.Unsave(r.Context(), u, r.PathValue("account"), r.PathValue("freelancer"))
	})
}

func (s *pages) reviewInNetwork(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.networkAction(w, r, u, "flash.internal_review_saved", func() error {
		rating, _ := strconv.Atoi(r.PostFormValue("rating"))
		_, err := s.Network.Review(r.Context(), u, r.PathValue("account"), r.PathValue("freelancer"), rating, r.PostFormValue("text"))
		return err
	})
}

func (s *pages) rehire(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.networkAction(w, r, u, "flash.rehire_requested", func() error {
		_, err := s.Network.RequestRehire(r.Context(), u, r.PathValue("account"), r.PathValue("freelancer"), r.PostFormValue("message"))
		return err
	})
}

// saveToNetworkForm saves a freelancer to the network of one of the
// viewer's accounts, chosen on the "save" page of a profile.
func (s *pages) saveToNetworkForm(w http.ResponseWriter, r *http.Request, u users.User) error {
	accountID, freelancerID := r.PostFormValue("account_id"), r.PostFormValue("freelancer_id")
	if _, err := s.Network.Save(r.Context(), u, accountID, freelancerID); err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.showSaveToList(w, r, u, "", freelancerID, f, status) })
	}
	s.Done(w, r, "/accounts/"+url.PathEscape(accountID)+"/network#fr-"+url.PathEscape(freelancerID), "flash.network_saved")
	return nil
}
