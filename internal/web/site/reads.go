package site

import (
	"net/http"

	"atelier/internal/accounts"
	"atelier/internal/catalog"
	"atelier/internal/page"
	"atelier/internal/projects"
	"atelier/internal/users"
)

// Reads that pages of several areas share. Each asks the domain with the
// signed-in user, which refuses what the user may not see.

// Account loads the account of the URL for u; a stranger gets the 404 page.
func (s *Site) Account(r *http.Request, u users.User) (accounts.Account, error) {
	return s.Accounts.Get(r.Context(), u, r.PathValue("account"))
}

// AccountPage loads the account of the URL for u, like Account, and reads
// which page of one of its lists to show (?cursor=), of size items.
func (s *Site) AccountPage(r *http.Request, u users.User, size int) (accounts.Account, page.Request, error) {
	a, err := s.Account(r, u)
	if err != nil {
		return a, page.Request{}, err
	}
	p, err := Cursor(r, size)
	return a, p, err
}

// AllMembers reads every page of an account's members: the policies form
// replaces all per-member limits, so it must show all of them.
func (s *Site) AllMembers(r *http.Request, u users.User, accountID string) ([]accounts.Membership, error) {
	var all []accounts.Membership
	p := page.Request{Limit: page.MaxLimit}
	for {
		list, err := s.Accounts.Members(r.Context(), u, accountID, p)
		if err != nil {
			return nil, err
		}
		all = append(all, list.Items...)
		if list.NextCursor == "" {
			return all, nil
		}
		p.After = list.Items[len(list.Items)-1].UserID
	}
}

// PendingCount counts an account's orders waiting for its admin, for the
// account tabs and the dashboard; more says there are more than counted.
func (s *Site) PendingCount(r *http.Request, u users.User, a accounts.Account) (n int, more bool, err error) {
	if s.Orders == nil || !a.Role.Can(accounts.ApproveOrders) {
		return 0, false, nil
	}
	p, err := s.Orders.PendingApprovals(r.Context(), u, a.ID, page.Request{Limit: page.MaxLimit})
	if err != nil {
		return 0, false, err
	}
	waiting, err := s.Approvals.WaitingSpend(r.Context(), u, a.ID)
	return len(p.Items) + waiting, p.NextCursor != "", err
}

// AttachableProjects are the projects the user may attach an order to:
// those they see in their accounts, not as a project manager.
func (s *Site) AttachableProjects(r *http.Request, u users.User) ([]projects.Project, error) {
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

// MyProfile loads the seller profile of the user; without one, the user
// is sent to open it. Unless ok, the request is answered (the redirect) or
// err says why not.
func (s *Site) MyProfile(w http.ResponseWriter, r *http.Request, u users.User) (f catalog.Freelancer, ok bool, err error) {
	f, ok, err = s.Catalog.FreelancerOf(r.Context(), u.ID)
	if err == nil && !ok {
		http.Redirect(w, r, "/sell", http.StatusSeeOther)
	}
	return f, ok && err == nil, err
}

// RecentShown is how many recently viewed profiles a strip shows.
const RecentShown = 8
