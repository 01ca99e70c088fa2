package orders

import (
	"slices"
	"time"

	"atelier/internal/accounts"
	"atelier/internal/errs"
)

// What the viewer of an order may do now. The rule of each action is
// written here once: the operation asks it (refusal) before it changes
// anything, and the order tells its viewer the actions it allows
// (Order.Actions, "actions" in the API), so pages and API clients show
// exactly what the operations accept.

// Action names something a viewer may do on an order, one of its
// milestones, weeks or requests: the API operation's own word.
type Action string

// Actions on an order.
const (
	ActApprove         Action = "approve"          // the admin starts an order waiting for approval
	ActReject          Action = "reject"           // … or refuses it
	ActCancel          Action = "cancel"           // the client ends it alone: waiting for approval, or 24 hours late
	ActDeliver         Action = "deliver"          // the freelancer hands in the work
	ActAccept          Action = "accept"           // the client accepts a delivery
	ActRequestRevision Action = "request_revision" // … or sends it back while revisions last
	ActExtendReview    Action = "extend_review"    // … or takes more days to look at it
	ActMessage         Action = "message"          // write on the order's timeline
	ActOpenRequest     Action = "open_request"     // ask the other side in the resolution center
	ActEscalate        Action = "escalate"         // ask Atelier to step in
	ActClaimGuarantee  Action = "claim_guarantee"  // the satisfaction guarantee
	ActSeeInvoices     Action = "see_invoices"     // the account's invoices of this order
	ActStop            Action = "stop"             // a milestone order stops after the running milestone
	ActPayMilestone    Action = "pay_milestone"    // the client pays the next milestone
	ActPause           Action = "pause"            // an hourly contract, either side
	ActResume          Action = "resume"
	ActEnd             Action = "end"
	ActSetLimit        Action = "set_limit"    // the client changes the weekly limit
	ActRetryCharge     Action = "retry_charge" // the client pays a suspended contract's failed week
)

// Actions on a milestone, a weekly report, a request (their Actions).
const (
	ActApproveMilestone Action = "approve"  // a delivered milestone (ActDeliver and ActRequestRevision too)
	ActDispute          Action = "dispute"  // a charged week, while its dispute window is open
	ActAcceptRequest    Action = "accept"   // the other side's request
	ActDeclineRequest   Action = "decline"  // …
	ActWithdrawRequest  Action = "withdraw" // one's own side's request
)

var orderActions = []Action{ActApprove, ActReject, ActCancel, ActDeliver, ActAccept, ActRequestRevision, ActExtendReview,
	ActMessage, ActOpenRequest, ActEscalate, ActClaimGuarantee, ActSeeInvoices, ActStop, ActPayMilestone,
	ActPause, ActResume, ActEnd, ActSetLimit, ActRetryCharge}

// Can says whether the viewer may do a on the order now (pages ask it).
func (o Order) Can(a Action) bool { return slices.Contains(o.Actions, a) }

// Can says whether the viewer may do a on the milestone now.
func (m Milestone) Can(a Action) bool { return slices.Contains(m.Actions, a) }

// Can says whether the viewer may do a on the week now.
func (r WeeklyReport) Can(a Action) bool { return slices.Contains(r.Actions, a) }

// Can says whether the viewer may do a on the request now.
func (r Request) Can(a Action) bool { return slices.Contains(r.Actions, a) }

// Refusal is why the viewer of o (as view loaded it: side, role, hold)
// may not do a now, or nil when they may. Operations answer this Refusal
// before they change anything.
func (o Order) Refusal(a Action, now time.Time) error {
	if o.ReadOnly && a != ActSeeInvoices {
		return ErrSharedReadOnly
	}
	if rule := rules[a]; rule != nil {
		return rule(o, a, now)
	}
	return nil
}

// rules holds each action's rule (refusal runs it after the shared
// member's read-only check).
var rules = map[Action]func(o Order, a Action, now time.Time) error{
	ActApprove: approvalRule, ActReject: approvalRule,
	ActCancel:  cancelRule,
	ActDeliver: deliveryRule, ActAccept: deliveryRule, ActRequestRevision: deliveryRule, ActExtendReview: deliveryRule,
	ActMessage: func(o Order, _ Action, _ time.Time) error {
		if o.Status == Rejected {
			return errs.Conflict("order_closed")
		}
		return nil
	},
	ActOpenRequest: requestRule, ActEscalate: requestRule,
	ActClaimGuarantee: func(o Order, _ Action, now time.Time) error {
		if o.Side != ClientSide {
			return errs.Forbidden("wrong_side").With("side", ClientSide)
		}
		if o.GuaranteeClaim != nil {
			return errs.Conflict("guarantee_already_claimed")
		}
		return GuaranteeRefusal(o, now)
	},
	ActSeeInvoices: func(o Order, _ Action, _ time.Time) error {
		if o.Side != ClientSide || !o.role.Can(accounts.ManageBilling) {
			return errs.Forbidden("role_not_allowed").With("action", string(accounts.ManageBilling))
		}
		return nil
	},
	ActStop: milestonesRule, ActPayMilestone: milestonesRule,
	ActPause: hourlyRule, ActResume: hourlyRule, ActEnd: hourlyRule, ActSetLimit: hourlyRule, ActRetryCharge: hourlyRule,
}

// onSide refuses a viewer on another side than want, and any action while
// an open cancellation or escalation holds the order.
func (o Order) onSide(want string) error {
	if o.Side != want {
		return errs.Forbidden("wrong_side").With("side", want)
	}
	return onHold(o)
}

func approvalRule(o Order, _ Action, _ time.Time) error {
	switch {
	case o.Side != ClientSide || !o.role.Can(accounts.ApproveOrders):
		return errs.Forbidden("role_not_allowed").With("action", string(accounts.ApproveOrders))
	case o.Status != PendingApproval:
		return errs.Conflict("order_not_pending_approval")
	}
	return nil
}

// cancelRule: the client ends an order alone while it waits for approval,
// or once it is 24 hours late; else a cancellation needs both sides.
func cancelRule(o Order, _ Action, _ time.Time) error {
	if err := o.onSide(ClientSide); err != nil {
		return err
	}
	switch {
	case o.Status == PendingApproval, o.Status == Active && o.VeryLate:
		return nil
	case o.closed():
		return errs.Conflict("order_closed")
	}
	return errs.Conflict("cancellation_needs_agreement")
}

// deliveryRule: an order delivered at once (neither milestones nor hourly)
// is delivered by its freelancer while in progress, then accepted, sent
// back while revisions last, or given more days to review by its client.
func deliveryRule(o Order, a Action, _ time.Time) error {
	want := ClientSide
	if a == ActDeliver {
		want = FreelancerSide
	}
	if err := o.onSide(want); err != nil {
		return err
	}
	if err := notMilestones(o); err != nil {
		return err
	}
	switch {
	case a == ActDeliver && o.Status != Active:
		return errs.Conflict("order_not_active")
	case a != ActDeliver && o.Status != Delivered:
		return errs.Conflict("order_not_delivered")
	case a == ActRequestRevision && o.RevisionsUsed >= o.RevisionsAllowed:
		return errs.Conflict("no_revisions_left")
	case a == ActExtendReview && o.ReviewExtension >= MaxReviewExtend:
		return errs.Invalid("days", "extension_invalid").With("max", 0)
	}
	return nil
}

// requestRule: either side opens one request to the other, or an
// escalation, on a running order that is not a contract (requestRefusal,
// which OpenRequest asks too).
func requestRule(o Order, a Action, _ time.Time) error {
	if o.Side != ClientSide && o.Side != FreelancerSide {
		return errs.Forbidden("wrong_side").With("side", ClientSide)
	}
	if a == ActEscalate {
		return o.RequestRefusal(RequestEscalate)
	}
	return o.RequestRefusal(RequestExtendDelivery) // any request between the sides
}

// milestonesRule: the client pays the next milestone of an order waiting
// for it, or stops the order after the running milestone (listed only
// while something is left to stop; Stop itself also approves a last
// delivered milestone).
func milestonesRule(o Order, a Action, _ time.Time) error {
	if err := o.onSide(ClientSide); err != nil {
		return err
	}
	switch {
	case o.Kind != KindMilestones:
		return errs.Conflict("order_has_no_milestones")
	case a == ActPayMilestone && o.Status != AwaitingPayment:
		return errs.Conflict("order_not_awaiting_payment")
	case a == ActPayMilestone:
		return nil
	case o.closed():
		return errs.Conflict("order_closed")
	case o.Status == Active:
		return errs.Conflict("milestone_in_progress")
	case o.Status != Delivered && o.Status != AwaitingPayment:
		return errs.Conflict("order_not_started")
	case o.nextMilestone() == nil: // the last one is delivered: approving it completes the order
		return errs.Conflict("no_milestone_left")
	}
	return nil
}

// hourlyRule: either side pauses, resumes or ends a running contract; its
// client changes the weekly limit, or pays the failed weeks of a suspended
// one.
func hourlyRule(o Order, a Action, _ time.Time) error {
	if a == ActSetLimit || a == ActRetryCharge {
		if err := o.onSide(ClientSide); err != nil {
			return err
		}
	}
	if err := HourlyOrder(o); err != nil {
		return err
	}
	h := o.Hourly
	switch {
	case a == ActRetryCharge:
		if h.SuspendedAt.IsZero() {
			return errs.Conflict("contract_not_suspended")
		}
	case h.state == ContractEnded:
		return errs.Conflict("contract_ended")
	case a == ActPause && h.state != ContractActive:
		return errs.Conflict("contract_not_active")
	case a == ActResume && h.state != ContractPaused:
		return errs.Conflict("contract_not_paused")
	}
	return nil
}

// MilestoneRefusal is why the viewer may not do a on milestone m now, or
// nil: the milestone operations ask it after the order's side and hold.
func (o Order) MilestoneRefusal(m Milestone, a Action) error {
	want := ClientSide
	if a == ActDeliver {
		want = FreelancerSide
	}
	if o.ReadOnly {
		return ErrSharedReadOnly
	}
	if err := o.onSide(want); err != nil {
		return err
	}
	switch {
	case a == ActDeliver && (m.Status != MilestoneActive || o.Status != Active):
		return errs.Conflict("milestone_not_active")
	case a != ActDeliver && m.Status != MilestoneDelivered:
		return errs.Conflict("milestone_not_delivered")
	case a == ActRequestRevision && m.RevisionsUsed >= m.RevisionsAllowed:
		return errs.Conflict("no_revisions_left")
	}
	return nil
}

// closed: the order ended.
func (o Order) closed() bool {
	return o.Status == Completed || o.Status == Cancelled || o.Status == Rejected
}

// nextMilestone is the first milestone not charged yet, if any.
func (o Order) nextMilestone() *Milestone {
	for i, m := range o.Milestones {
		if m.Status == MilestonePending {
			return &o.Milestones[i]
		}
	}
	return nil
}

// allow fills the actions the viewer may take on the order and on its
// milestones, weeks and requests, from the rules above.
func (o *Order) allow(now time.Time) {
	o.Actions = []Action{}
	for _, a := range orderActions {
		if o.Refusal(a, now) == nil {
			o.Actions = append(o.Actions, a)
		}
	}
	for i := range o.Milestones {
		m := &o.Milestones[i]
		m.Actions = []Action{}
		for _, a := range []Action{ActDeliver, ActApproveMilestone, ActRequestRevision} {
			if o.MilestoneRefusal(*m, a) == nil {
				m.Actions = append(m.Actions, a)
			}
		}
	}
	if o.Hourly != nil {
		for i := range o.Hourly.Reports {
			r := &o.Hourly.Reports[i]
			r.Actions = []Action{}
			if !o.ReadOnly && o.Side == ClientSide && r.Status == ReportCharged && !now.After(r.DisputeUntil) {
				r.Actions = append(r.Actions, ActDispute)
			}
		}
	}
	for i := range o.Requests {
		r := &o.Requests[i]
		r.Actions = []Action{}
		switch {
		case o.ReadOnly || (o.Side != ClientSide && o.Side != FreelancerSide):
		case r.Side == o.Side:
			r.Actions = append(r.Actions, ActWithdrawRequest)
		case r.Kind != RequestEscalate:
			r.Actions = append(r.Actions, ActAcceptRequest, ActDeclineRequest)
		}
	}
}
