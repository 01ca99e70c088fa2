package demo

import (
	"context"
	"fmt"

	"atelier/internal/lists"
	"atelier/internal/users"
)

// collaboration gives Northwind Labs what its team keeps together: a list
// of freelancers and services, and a freelancer network with the team's
// internal reviews (PRODUCT.md §7). It runs when Fill is given the lists
// and network services.
func collaboration(ctx context.Context, s Services) error {
	user := func(email string) (users.User, error) {
		var u users.User
		err := s.DB.QueryRow(ctx, `SELECT id, email, name FROM users WHERE email = ?`, email).Scan(&u.ID, &u.Email, &u.Name)
		return u, err
	}
	admin, err := user("admin@northwind.test")
	if err != nil {
		return err
	}
	member, err := user("member@northwind.test")
	if err != nil {
		return err
	}
	var acc, lumen, andres, identity string
	if err := s.DB.QueryRow(ctx, `SELECT account_id FROM memberships WHERE user_id = ? AND role = 'admin'`, admin.ID).Scan(&acc); err != nil {
		return err
	}
	if err := s.DB.QueryRow(ctx, `SELECT id FROM freelancers WHERE display_name = 'Studio Lumen'`).Scan(&lumen); err != nil {
		return err
	}
	if err := s.DB.QueryRow(ctx, `SELECT id FROM freelancers WHERE display_name = 'Andrés Ortega'`).Scan(&andres); err != nil {
		return err
	}
	if err := s.DB.QueryRow(ctx, `SELECT id FROM services WHERE freelancer_id = ? AND title LIKE 'Complete brand identity%'`, lumen).Scan(&identity); err != nil {
		return err
	}

	brand, err := s.Lists.Create(ctx, member, acc, "Brand and web designers")
	if err != nil {
		return err
	}
	for _, it := range []lists.NewItem{
		{FreelancerID: lumen, Note: "Did our 2025 rebrand; fast and easy to work with."},
		{ServiceID: identity, Note: "For the new product line, if the budget allows."},
	} {
		if _, err := s.Lists.AddItem(ctx, member, brand.ID, it); err != nil {
			return fmt.Errorf("list item: %w", err)
		}
	}
	motion, err := s.Lists.Create(ctx, admin, acc, "Motion designers to try")
	if err != nil {
		return err
	}
	if _, err := s.Lists.AddItem(ctx, admin, motion.ID, lists.NewItem{FreelancerID: andres, Note: "Fintech explainer videos; waiting for Pro vetting."}); err != nil {
		return err
	}
	// More candidates from the catalog: its best rated video freelancers.
	more, err := s.DB.Query(ctx, `SELECT s.freelancer_id, MAX(s.rating) FROM services s WHERE s.category = 'video-animation'
		AND s.freelancer_id <> ? GROUP BY s.freelancer_id ORDER BY MAX(s.rating) DESC, s.freelancer_id LIMIT 3`, andres)
	if err != nil {
		return err
	}
	var ids []string
	for more.Next() {
		var id string
		var rating int
		if err := more.Scan(&id, &rating); err != nil {
			more.Close()
			return err
		}
		ids = append(ids, id)
	}
	more.Close()
	if err := more.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := s.Lists.AddItem(ctx, admin, motion.ID, lists.NewItem{FreelancerID: id}); err != nil {
			return fmt.Errorf("list item: %w", err)
		}
	}

	for _, f := range []string{lumen, andres} {
		if _, err := s.Network.Save(ctx, member, acc, f); err != nil {
			return err
		}
	}
	for _, r := range []struct {
		who    users.User
		f      string
		rating int
		text   string
	}{
		{admin, lumen, 5, "Delivered the rebrand on time and ran great workshops. Would hire again for the website."},
		{member, lumen, 4, "Excellent design; answers can take a day."},
		{member, andres, 4, "Good portfolio call; rates are fair."},
	} {
		if _, err := s.Network.Review(ctx, r.who, acc, r.f, r.rating, r.text); err != nil {
			return err
		}
	}
	return nil
}
