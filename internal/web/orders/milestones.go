package orders

import (
	"net/http"

	"atelier/internal/money"
	"atelier/internal/orders"
	"atelier/internal/users"
	"atelier/internal/web/site"
)

// The milestones of an offer's order on its page: each one with its state
// and its money, the running one highlighted with its actions — the
// freelancer delivers it; the client approves it (releasing it and
// charging the next), sends it back, or stops the order after it, on a
// confirmation page that says what will and will not be charged.

// Milestones tells whether the order runs in milestones.
func (d orderData) Milestones() bool { return d.Order.Kind == orders.KindMilestones }

// Current is the running milestone (in progress or delivered), if any.
func (d orderData) Current() *orders.Milestone {
	for i, m := range d.Order.Milestones {
		if m.Status == orders.MilestoneActive || m.Status == orders.MilestoneDelivered {
			return &d.Order.Milestones[i]
		}
	}
	return nil
}

// Next is the first milestone not charged yet, if any.
func (d orderData) Next() *orders.Milestone {
	for i, m := range d.Order.Milestones {
		if m.Status == orders.MilestonePending {
			return &d.Order.Milestones[i]
		}
	}
	return nil
}

// NextAfter is the milestone after m that would start on its approval.
func (d orderData) NextAfter(m orders.Milestone) *orders.Milestone {
	for i, x := range d.Order.Milestones {
		if x.Position > m.Position && x.Status == orders.MilestonePending {
			return &d.Order.Milestones[i]
		}
	}
	return nil
}

// CanStop offers the stop: the client, while a delivered milestone waits
// (it is approved first) or the next one waits for payment, and something
// is left to stop.
func (d orderData) CanStop() bool { return d.Order.Can(orders.ActStop) }

// MilestoneRevisionsLeft counts the revisions left on a milestone.
func (d orderData) MilestoneRevisionsLeft(m orders.Milestone) int {
	return max(0, m.RevisionsAllowed-m.RevisionsUsed)
}

// Funds sums a milestone order's money by where it is: charged to
// the account (with fees), held in escrow (charged, not approved yet) and
// released to the freelancer (approved amounts, before commission).
type Funds struct {
	Charged, Held, Released, Approved money.Money
	Done, Count                       int
}

// Funds is the milestone order's money so far.
func (d orderData) Funds() Funds {
	c := d.Order.Total.Currency
	t := Funds{Charged: money.New(0, c), Held: money.New(0, c), Released: money.New(0, c), Approved: money.New(0, c),
		Count: len(d.Order.Milestones)}
	for _, m := range d.Order.Milestones {
		if m.Charged {
			t.Charged.Amount += m.Total.Amount
		}
		switch m.Status {
		case orders.MilestoneActive, orders.MilestoneDelivered:
			t.Held.Amount += m.Total.Amount
		case orders.MilestoneApproved:
			t.Released.Amount += m.Amount.Amount
			t.Done++
		}
	}
	return t
}

func (s *pages) deliverMilestone(w http.ResponseWriter, r *http.Request, u users.User) error {
	files, err := s.postedFiles(w, r, u)
	return s.orderAction(w, r, u, "flash.milestone_delivered", func() error {
		if err != nil {
			return err
		}
		_, err := s.Offers.DeliverMilestone(r.Context(), u, r.PathValue("order"), r.PathValue("milestone"), r.PostFormValue("message"), files)
		return err
	})
}

func (s *pages) reviseMilestone(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.orderAction(w, r, u, "flash.milestone_revision_requested", func() error {
		_, err := s.Offers.RequestMilestoneRevision(r.Context(), u, r.PathValue("order"), r.PathValue("milestone"), r.PostFormValue("message"))
		return err
	})
}

// approveMilestone releases a delivered milestone and charges the next,
// once per form; the flash says which of the three outcomes it was.
func (s *pages) approveMilestone(w http.ResponseWriter, r *http.Request, u users.User) error {
	r.ParseForm()
	key := r.PostFormValue("idempotency_key")
	o, repeat, err := site.OnceValue(s.Site, r, u, key, func() (orders.Order, error) {
		return s.Offers.ApproveMilestone(r.Context(), u, r.PathValue("order"), r.PathValue("milestone"), false, key)
	})
	return s.orderAction(w, r, u, milestoneFlash(o, repeat), func() error { return err })
}

func milestoneFlash(o orders.Order, repeat bool) string {
	switch {
	case repeat:
		return "flash.milestone_approve_repeated"
	case o.Status == orders.Completed:
		return "flash.milestone_approved_completed"
	case o.Status == orders.AwaitingPayment:
		return "flash.milestone_approved_unpaid"
	}
	return "flash.milestone_approved_next"
}

// payMilestone retries the charge of the next milestone, once per form.
func (s *pages) payMilestone(w http.ResponseWriter, r *http.Request, u users.User) error {
	r.ParseForm()
	key := r.PostFormValue("idempotency_key")
	repeat, err := s.Once(r, u, key, func() error {
		_, err := s.Offers.PayMilestone(r.Context(), u, r.PathValue("order"), key)
		return err
	})
	flash := "flash.milestone_paid"
	if repeat {
		flash = "flash.milestone_approve_repeated"
	}
	return s.orderAction(w, r, u, flash, func() error { return err })
}

// stopPage is the confirmation step before stopping a milestone order: it
// says which milestone is approved now and which are never charged.
func (s *pages) stopPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.confirmPage(w, r, u, orderData.CanStop, "order_stop", "stop.title")
}

func (s *pages) stopOrder(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.orderAction(w, r, u, "flash.order_stopped", func() error {
		_, err := s.Offers.Stop(r.Context(), u, r.PathValue("order"))
		return err
	})
}
