package catalog

import (
	"context"
	"errors"
	"strings"
	"time"

	"atelier/internal/check"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/users"
)

// Freelancer is a seller profile: a person, or an agency with a team.
type Freelancer struct {
	ID           string         `json:"id"`
	OwnerID      string         `json:"owner_id"`
	DisplayName  string         `json:"display_name"`
	Headline     string         `json:"headline"`
	Bio          string         `json:"bio"`
	Skills       []string       `json:"skills"`
	Languages    []string       `json:"languages"`
	Country      string         `json:"country"`
	HourlyRate   money.Money    `json:"hourly_rate"`
	Agency       bool           `json:"agency"`
	Pro          bool           `json:"pro"`
	Rating       Rating         `json:"rating"`
	ReviewsCount int64          `json:"reviews_count"`
	Members      []AgencyMember `json:"members"`
	CreatedAt    time.Time      `json:"created_at"`
}

// AgencyMember is a person on an agency's team.
type AgencyMember struct {
	UserID string `json:"user_id"`
	Name   string `json:"name"`
	Title  string `json:"title"`
}

// Profile is what a freelancer says about themself.
type Profile struct {
	DisplayName string      `json:"display_name" check:"required,max=80"`
	Headline    string      `json:"headline" check:"max=120"`
	Bio         string      `json:"bio" check:"max=5000"`
	Skills      []string    `json:"skills"`
	Languages   []string    `json:"languages"`
	Country     string      `json:"country"`
	HourlyRate  money.Money `json:"hourly_rate"`
	Agency      bool        `json:"agency"`
}

func (p Profile) validate() (Profile, error) {
	err := check.Clean(&p, "")
	if err != nil {
		return p, err
	}
	if p.Skills, err = list("skills", p.Skills, 20, 40); err != nil {
		return p, err
	}
	if p.Languages, err = list("languages", p.Languages, 10, 30); err != nil {
		return p, err
	}
	p.Country = strings.ToUpper(strings.TrimSpace(p.Country))
	if !countryRe.MatchString(p.Country) {
		return p, errs.Invalid("country", "country_invalid")
	}
	p.HourlyRate.Currency = strings.ToUpper(p.HourlyRate.Currency)
	if p.HourlyRate.Currency == "" {
		p.HourlyRate.Currency = money.DefaultCurrency
	}
	if err := price("hourly_rate", p.HourlyRate, ""); err != nil {
		return p, err
	}
	return p, nil
}

// CreateFreelancer opens a seller profile owned by the actor (one per user).
func (s *Service) CreateFreelancer(ctx context.Context, actor users.User, p Profile) (Freelancer, error) {
	if err := users.RequireVerified(actor); err != nil {
		return Freelancer{}, err // who sells is who their address says
	}
	p, err := p.validate()
	if err != nil {
		return Freelancer{}, err
	}
	id := db.NewID("frl")
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO freelancers (id, owner_id, display_name, headline, bio, skills, languages, country,
			hourly_rate, currency, agency, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, actor.ID, p.DisplayName, p.Headline, p.Bio, jsonList(p.Skills), jsonList(p.Languages), p.Country,
			p.HourlyRate.Amount, p.HourlyRate.Currency, p.Agency, db.Micros(tx.Now))
		if db.IsUniqueViolation(err) {
			return errs.Conflict("freelancer_exists")
		}
		return err
	})
	if err != nil {
		return Freelancer{}, err
	}
	return s.freelancer(ctx, s.DB, id)
}

// UpdateFreelancer replaces the owner's profile. The currency of the hourly
// rate is fixed once services are priced in it.
func (s *Service) UpdateFreelancer(ctx context.Context, actor users.User, id string, p Profile) (Freelancer, error) {
	p, err := p.validate()
	if err != nil {
		return Freelancer{}, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		f, err := s.owned(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if f.HourlyRate.Currency != p.HourlyRate.Currency {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM services WHERE freelancer_id = ?`, id).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return errs.Invalid("hourly_rate", "currency_mismatch").With("currency", f.HourlyRate.Currency)
			}
		}
		if f.Agency && !p.Agency {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM agency_members WHERE freelancer_id = ?`, id).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return errs.Conflict("agency_has_members")
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE freelancers SET display_name = ?, headline = ?, bio = ?, skills = ?, languages = ?,
			country = ?, hourly_rate = ?, currency = ?, agency = ? WHERE id = ?`,
			p.DisplayName, p.Headline, p.Bio, jsonList(p.Skills), jsonList(p.Languages), p.Country,
			p.HourlyRate.Amount, p.HourlyRate.Currency, p.Agency, id); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE services SET skills = ?, currency = ? WHERE freelancer_id = ?`,
			strings.Join(p.Skills, " "), p.HourlyRate.Currency, id)
		return err
	})
	if err != nil {
		return Freelancer{}, err
	}
	s.counts.forget()
	return s.freelancer(ctx, s.DB, id)
}

// owned loads a freelancer the actor owns; to anyone else it cannot be
// changed (403), though its public profile exists.
func (s *Service) owned(ctx context.Context, q db.Queryer, actor users.User, id string) (Freelancer, error) {
	f, err := s.freelancer(ctx, q, id)
	if err != nil {
		return Freelancer{}, err
	}
	if f.OwnerID != actor.ID {
		return Freelancer{}, errs.Forbidden("not_your_profile")
	}
	return f, nil
}

const freelancerColumns = `id, owner_id, display_name, headline, bio, skills, languages, country, hourly_rate, currency,
	agency, pro, rating_sum, reviews_count, created_at`

func scanFreelancer(row interface{ Scan(...any) error }) (Freelancer, error) {
	var f Freelancer
	var skills, langs string
	var sum, created int64
	err := row.Scan(&f.ID, &f.OwnerID, &f.DisplayName, &f.Headline, &f.Bio, &skills, &langs, &f.Country,
		&f.HourlyRate.Amount, &f.HourlyRate.Currency, &f.Agency, &f.Pro, &sum, &f.ReviewsCount, &created)
	if err != nil {
		return Freelancer{}, db.NoRows(err)
	}
	f.Skills, f.Languages = parseList(skills), parseList(langs)
	f.Rating = Average(sum, f.ReviewsCount)
	f.CreatedAt = stamp(created)
	f.Members = []AgencyMember{}
	return f, nil
}

func (s *Service) freelancer(ctx context.Context, q db.Queryer, id string) (Freelancer, error) {
	f, err := scanFreelancer(q.QueryRow(ctx, `SELECT `+freelancerColumns+` FROM freelancers WHERE id = ?`, id))
	if errors.Is(err, db.ErrNotFound) {
		return Freelancer{}, errs.NotFound("freelancer_not_found")
	}
	if err != nil || !f.Agency {
		return f, err
	}
	rows, err := q.Query(ctx, `SELECT u.id, u.name, m.title FROM agency_members m JOIN users u ON u.id = m.user_id
		WHERE m.freelancer_id = ? ORDER BY m.joined_at, u.id`, id)
	if err != nil {
		return Freelancer{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var m AgencyMember
		if err := rows.Scan(&m.UserID, &m.Name, &m.Title); err != nil {
			return Freelancer{}, err
		}
		f.Members = append(f.Members, m)
	}
	return f, rows.Err()
}

// Freelancer returns a public profile. A signed-in viewer's visit is
// remembered in their recently viewed list (their own profile is not).
func (s *Service) Freelancer(ctx context.Context, viewer *users.User, id string) (Freelancer, error) {
	f, err := s.freelancer(ctx, s.DB, id)
	if err != nil {
		return Freelancer{}, err
	}
	if viewer != nil && viewer.ID != f.OwnerID {
		s.recordView(viewer.ID, id)
	}
	return f, nil
}

// FreelancerOf returns the profile a user owns, if any.
func (s *Service) FreelancerOf(ctx context.Context, userID string) (Freelancer, bool, error) {
	var id string
	err := s.DB.QueryRow(ctx, `SELECT id FROM freelancers WHERE owner_id = ?`, userID).Scan(&id)
	if errors.Is(db.NoRows(err), db.ErrNotFound) {
		return Freelancer{}, false, nil
	}
	if err != nil {
		return Freelancer{}, false, err
	}
	f, err := s.freelancer(ctx, s.DB, id)
	return f, err == nil, err
}

// AddAgencyMember puts a registered user, found by e-mail, on an agency's
// team (the owner only).
func (s *Service) AddAgencyMember(ctx context.Context, actor users.User, id, email, title string) (Freelancer, error) {
	email, err := users.NormalizeEmail("email", email)
	if err != nil {
		return Freelancer{}, err
	}
	if title, err = text("title", title, false, 80); err != nil {
		return Freelancer{}, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		f, err := s.owned(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if !f.Agency {
			return errs.Conflict("not_an_agency")
		}
		var userID string
		if err := tx.QueryRow(ctx, `SELECT id FROM users WHERE email = ?`, email).Scan(&userID); err != nil {
			if errors.Is(db.NoRows(err), db.ErrNotFound) {
				return errs.Invalid("email", "no_user_with_email")
			}
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO agency_members (freelancer_id, user_id, title, joined_at) VALUES (?, ?, ?, ?)`,
			id, userID, title, db.Micros(tx.Now))
		if db.IsUniqueViolation(err) {
			return errs.Invalid("email", "already_on_team")
		}
		return err
	})
	if err != nil {
		return Freelancer{}, err
	}
	return s.freelancer(ctx, s.DB, id)
}

// RemoveAgencyMember takes a person off an agency's team (the owner only).
func (s *Service) RemoveAgencyMember(ctx context.Context, actor users.User, id, userID string) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := s.owned(ctx, tx, actor, id); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM agency_members WHERE freelancer_id = ? AND user_id = ?`, id, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("member_not_found")
		}
		return nil
	})
}

// RecentlyViewed lists the profiles a user viewed, newest first.
func (s *Service) RecentlyViewed(ctx context.Context, actor users.User, limit int) ([]Freelancer, error) {
	if limit <= 0 || limit > recentlyViewedKept {
		limit = recentlyViewedKept
	}
	if s.views.holds(actor.ID) {
		if err := s.FlushViews(ctx); err != nil {
			return nil, err
		}
	}
	return db.Collect(ctx, s.DB, scanFreelancer, `SELECT f.id, f.owner_id, f.display_name, f.headline, f.bio, f.skills, f.languages, f.country,
		f.hourly_rate, f.currency, f.agency, f.pro, f.rating_sum, f.reviews_count, f.created_at
		FROM recently_viewed r JOIN freelancers f ON f.id = r.freelancer_id
		WHERE r.user_id = ? ORDER BY r.viewed_at DESC LIMIT ?`, actor.ID, limit)
}
