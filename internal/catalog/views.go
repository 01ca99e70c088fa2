package catalog

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"atelier/internal/db"
	"atelier/internal/users"
)

// recentlyViewedKept is how many profiles a user's list remembers.
const recentlyViewedKept = 20

// viewFlushDelay is how long a profile view waits to be written with the
// others of the moment.
const viewFlushDelay = 100 * time.Millisecond

// viewLog writes profile views to the recently viewed lists in batches.
//
// A view used to be a write transaction of its own, taken by the page that
// showed the profile: on SQLite every view waited for the one writer, and on
// PostgreSQL one person's views (tabs, an API client) queued on the lock
// that keeps their pruning apart; the profile page answered at 6% of the
// machine's ceiling. Now a view is noted in memory and the views of the
// next 100 ms are written together, one transaction for all viewers.
//
// The list is a convenience, not a record: a view that a node had not yet
// written when it crashed is lost (a clean stop writes them). A node reads
// its own pending views before answering a list, so a viewer sees their
// view at once on the node that served it; another node sees it within
// viewFlushDelay.
type viewLog struct {
	mu        sync.Mutex
	pending   map[viewKey]time.Time // the latest view of each pair
	scheduled bool
	writing   sync.Mutex // one batch at a time, in order
}

type viewKey struct{ user, freelancer string }

// note remembers a view and makes sure a write follows.
func (v *viewLog) note(key viewKey, at time.Time, write func()) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.pending == nil {
		v.pending = map[viewKey]time.Time{}
	}
	if at.After(v.pending[key]) {
		v.pending[key] = at
	}
	if !v.scheduled {
		v.scheduled = true
		time.AfterFunc(viewFlushDelay, write)
	}
}

// holds reports whether views of user wait to be written.
func (v *viewLog) holds(user string) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	for k := range v.pending {
		if k.user == user {
			return true
		}
	}
	return false
}

// take hands over the pending views.
func (v *viewLog) take() map[viewKey]time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	batch := v.pending
	v.pending, v.scheduled = nil, false
	return batch
}

func (s *Service) recordView(userID, freelancerID string) {
	s.views.note(viewKey{userID, freelancerID}, s.DB.Clock.Now(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.FlushViews(ctx); err != nil {
			log := s.Log
			if log == nil {
				log = slog.Default()
			}
			log.Warn("recently viewed: views not written", "error", err)
		}
	})
}

// FlushViews writes the views noted on this node and not yet written (the
// app calls it before closing). If the write fails the views are dropped:
// they are a convenience, and a batch that cannot be written (a profile
// deleted meanwhile) must not block the ones after it.
func (s *Service) FlushViews(ctx context.Context) error {
	s.views.writing.Lock()
	defer s.views.writing.Unlock()
	batch := s.views.take()
	if len(batch) == 0 {
		return nil
	}
	byUser := map[string][]viewKey{}
	for k := range batch {
		byUser[k.user] = append(byUser[k.user], k)
	}
	viewers := make([]string, 0, len(byUser))
	for u := range byUser {
		viewers = append(viewers, u)
	}
	// Viewers in one order on every node, so two nodes' batches never wait
	// for each other's locks in a circle.
	slices.Sort(viewers)
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		for _, u := range viewers {
			// One viewer's list is written by one transaction at a time: on
			// PostgreSQL two at once each locked a row the other's pruning
			// wanted, and one failed as a deadlock.
			if err := users.Lock(ctx, tx, u); err != nil {
				return err
			}
			for _, k := range byUser[u] {
				// Another node may have written a later view of the same profile.
				if _, err := tx.Exec(ctx, `INSERT INTO recently_viewed (user_id, freelancer_id, viewed_at) VALUES (?, ?, ?)
					ON CONFLICT (user_id, freelancer_id) DO UPDATE SET viewed_at = excluded.viewed_at
					WHERE excluded.viewed_at > recently_viewed.viewed_at`,
					u, k.freelancer, db.Micros(batch[k])); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, `DELETE FROM recently_viewed WHERE user_id = ? AND freelancer_id NOT IN (
				SELECT freelancer_id FROM recently_viewed WHERE user_id = ? ORDER BY viewed_at DESC LIMIT ?)`,
				u, u, recentlyViewedKept); err != nil {
				return err
			}
		}
		return nil
	})
}
