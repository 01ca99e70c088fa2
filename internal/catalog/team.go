package catalog

import (
	"context"
	"strings"

	"atelier/internal/db"
)

// Who speaks for a freelancer profile: its owner, and on an agency the
// members of its team. This is the one place the fact is written; orders,
// offers, timelines, sharing and the network ask it here.

// SpeaksFor tells whether a user speaks for a freelancer profile.
func SpeaksFor(ctx context.Context, q db.Queryer, userID, freelancerID string) (bool, error) {
	ids, err := SpeaksForAny(ctx, q, userID, []string{freelancerID})
	return len(ids) > 0, err
}

// SpeaksForAny returns those of freelancerIDs the user speaks for.
func SpeaksForAny(ctx context.Context, q db.Queryer, userID string, freelancerIDs []string) ([]string, error) {
	if len(freelancerIDs) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(freelancerIDs)+2)
	for _, id := range freelancerIDs {
		args = append(args, id)
	}
	args = append(args, userID, userID)
	return db.Strings(ctx, q, `SELECT f.id FROM freelancers f WHERE f.id IN (?`+strings.Repeat(`, ?`, len(freelancerIDs)-1)+`)
		AND (f.owner_id = ? OR EXISTS (SELECT 1 FROM agency_members m WHERE m.freelancer_id = f.id AND m.user_id = ?))`, args...)
}

// Team lists the users who speak for a freelancer profile: its owner,
// then its agency team.
func Team(ctx context.Context, q db.Queryer, freelancerID string) ([]string, error) {
	return db.Strings(ctx, q, `SELECT owner_id FROM freelancers WHERE id = ?
		UNION ALL SELECT user_id FROM agency_members WHERE freelancer_id = ?`, freelancerID, freelancerID)
}

// OwnerOf is the user who owns a freelancer profile (who is notified for
// it).
func OwnerOf(ctx context.Context, q db.Queryer, freelancerID string) (string, error) {
	var owner string
	err := q.QueryRow(ctx, `SELECT owner_id FROM freelancers WHERE id = ?`, freelancerID).Scan(&owner)
	return owner, db.NoRows(err)
}
