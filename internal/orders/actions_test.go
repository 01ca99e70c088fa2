package orders

import (
	"testing"

	"atelier/internal/errs"
)

// Who answers a request: the other side accepts or declines it, its own
// side withdraws it; an escalation is the operator's; a follower, a
// project manager and an ended order answer nothing.
func TestAnswerRefusal(t *testing.T) {
	t.Parallel()
	cancel := Request{Kind: RequestCancel, Side: FreelancerSide}
	escalation := Request{Kind: RequestEscalate, Side: FreelancerSide}
	client := Order{Kind: KindService, Status: Active, Side: ClientSide}
	for _, c := range []struct {
		name string
		o    Order
		r    Request
		a    Action
		code string // "" when allowed
	}{
		{"the other side accepts", client, cancel, ActAcceptRequest, ""},
		{"the other side declines", client, cancel, ActDeclineRequest, ""},
		{"the other side does not withdraw", client, cancel, ActWithdrawRequest, "withdraw_is_requester"},
		{"the requester withdraws", Order{Status: Active, Side: FreelancerSide}, cancel, ActWithdrawRequest, ""},
		{"the requester does not accept", Order{Status: Active, Side: FreelancerSide}, cancel, ActAcceptRequest, "answer_is_other_side"},
		{"an escalation is the operator's", client, escalation, ActDeclineRequest, "escalation_for_operator"},
		{"its requester withdraws an escalation", Order{Status: Active, Side: FreelancerSide}, escalation, ActWithdrawRequest, ""},
		{"a follower reads only", Order{Status: Active, Side: ClientSide, ReadOnly: true}, cancel, ActDeclineRequest, "order_shared_read_only"},
		{"a project manager is no side", Order{Status: Active, Side: ManagerSide}, cancel, ActAcceptRequest, "wrong_side"},
		{"an ended order applies nothing", Order{Status: Completed, Side: ClientSide}, cancel, ActAcceptRequest, "order_closed"},
	} {
		err := c.o.AnswerRefusal(c.r, c.a)
		if c.code == "" {
			if err != nil {
				t.Errorf("%s: refused: %v", c.name, err)
			}
			continue
		}
		if e, ok := errs.As(err); !ok || e.Code != c.code {
			t.Errorf("%s: %v, want %s", c.name, err, c.code)
		}
	}
}
