package orders

import (
	"cmp"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"atelier/internal/accounts"
	"atelier/internal/billing"
	"atelier/internal/catalog"
	"atelier/internal/errs"
	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/orders"
	"atelier/internal/orders/approvals"
	"atelier/internal/orders/attachments"
	"atelier/internal/orders/reviews"
	"atelier/internal/page"
	"atelier/internal/projects"
	"atelier/internal/users"
	"atelier/internal/web/site"
)

func orderPath(id string) string { return "/orders/" + id }

// confirmPage is the step that asks before an order is stopped or its
// contract ended: the page (titled by titleKey) when can says the order
// allows it; otherwise there is nothing to confirm, and the order page
// says what can be done.
func (s *pages) confirmPage(w http.ResponseWriter, r *http.Request, u users.User, can func(orderData) bool, page, titleKey string) error {
	o, err := s.Orders.Get(r.Context(), u, r.PathValue("order"))
	if err != nil {
		return err
	}
	d := orderData{Order: o}
	if !can(d) {
		http.Redirect(w, r, orderPath(o.ID), http.StatusSeeOther)
		return nil
	}
	s.Render(w, r, http.StatusOK, page, &site.View{Nav: "orders", Title: i18n.T(httpx.Lang(r), titleKey), Data: d})
	return nil
}

// orderData is the order page: the order as the viewer's side sees it.
type orderData struct {
	Order   orders.Order
	Events  []orders.Event
	Mine    *reviews.Review // the viewer's side's review
	Theirs  *reviews.Review // the other side's, once public
	Account *accounts.Account
	// Breakdown splits the fees when today's quote of the subtotal
	// matches what was charged; otherwise the page shows them as one.
	Breakdown *billing.Quote
	// Keys are fresh form keys for the money-moving forms.
	ApproveKey string
	// Hourly is an hourly contract's part of the page (hourly.go).
	Hourly *hourlyPart
	// Internal is the client side's internal notes and shares (notes.go).
	Internal *internalNotes
	// Project is the order's project when the viewer sees it (never on
	// the freelancer's side).
	Project *projects.Project
}

// Client and Freelancer tell the viewer's side.
func (d orderData) Client() bool     { return d.Order.Side == orders.ClientSide }
func (d orderData) Freelancer() bool { return d.Order.Side == orders.FreelancerSide }

// The page offers what the domain says the viewer may do now
// (orders.Order.Actions): these name the actions the templates ask for.

// CanApprove: the account's admin, on an order waiting for approval.
func (d orderData) CanApprove() bool { return d.Order.Can(orders.ActApprove) }

// CanSeeInvoice: the people of the account who read invoices, when the
// order has one.
func (d orderData) CanSeeInvoice() bool {
	return d.Order.Can(orders.ActSeeInvoices) && d.Order.InvoiceID != ""
}

// CanCancel offers the lone cancellation: an order waiting for approval,
// or one 24 hours late.
func (d orderData) CanCancel() bool { return d.Order.Can(orders.ActCancel) }

// RevisionsLeft counts the revisions the client may still ask for.
func (d orderData) RevisionsLeft() int { return max(0, d.Order.RevisionsAllowed-d.Order.RevisionsUsed) }

// ExtendDays are the choices of the review extension.
func (d orderData) ExtendDays() []int {
	var days []int
	for n := 1; n <= orders.MaxReviewExtend-d.Order.ReviewExtension; n++ {
		days = append(days, n)
	}
	return days
}

// Open tells whether messages can still be written.
func (d orderData) Open() bool { return d.Order.Status != orders.Rejected }

// Stage is one step of the progress bar.
type Stage struct {
	Key   string
	State string // done, current, todo
}

// Stages are the four steps of the progress bar.
func (d orderData) Stages() []Stage {
	keys := []string{"placed", "in_progress", "delivered", "completed"}
	list := make([]Stage, len(keys))
	for i, k := range keys {
		st := "todo"
		switch {
		case i+1 < d.Order.Progress.Stage || d.Order.Status == orders.Completed:
			st = "done"
		case i+1 == d.Order.Progress.Stage:
			st = "current"
		}
		list[i] = Stage{Key: k, State: st}
	}
	return list
}

// showOrder renders the order page, with f the form posted when a post
// was refused.
func (s *pages) showOrder(w http.ResponseWriter, r *http.Request, u users.User, f *site.Form, status int) error {
	ctx := r.Context()
	id := r.PathValue("order")
	o, err := s.Orders.Get(ctx, u, id)
	if err != nil {
		return err
	}
	// One read of the order for its viewer; what the page adds to it is
	// read from that order, never authorized again.
	events, err := s.Orders.Events(ctx, o.ID, "")
	if err != nil {
		return err
	}
	d := orderData{Order: o, Events: events, ApproveKey: site.NewFormKey()}
	if o.Side == orders.ClientSide {
		if d.Internal, err = s.internalNotesFor(r, u, o); err != nil {
			return err
		}
	}
	if o.ProjectID != "" && o.Side != orders.FreelancerSide {
		p, err := s.Projects.Summary(ctx, u, o.ProjectID)
		if err == nil {
			d.Project = &p
		} else if e, ok := errs.As(err); !ok || e.Kind != errs.KindNotFound {
			return err
		}
	}
	if o.Status == orders.Completed {
		reviews, err := s.Reviews.Of(ctx, o)
		if err != nil {
			return err
		}
		for i := range reviews {
			if reviews[i].Side == o.Side {
				d.Mine = &reviews[i]
			} else {
				d.Theirs = &reviews[i]
			}
		}
	}
	if d.Client() {
		a, err := s.Accounts.Get(ctx, u, o.AccountID)
		if err != nil {
			return err
		}
		d.Account = &a
		if q := s.Billing.Quote(o.Subtotal); q.ServiceFee.Amount+q.SmallOrderFee.Amount == o.Fees.Amount {
			d.Breakdown = &q
		}
	}
	if d.IsHourly() {
		week := r.URL.Query().Get("week")
		if f != nil && f.Values.Get("form") == "report" {
			week = f.Values.Get("week_start")
		}
		if err := s.hourlyFor(r, u, &d, week, f); err != nil {
			return err
		}
	}
	s.Render(w, r, status, orderPageFor(o), &site.View{Nav: "orders", Title: o.Title, Form: f, Data: d})
	return nil
}

// orderFile downloads an attachment of a delivery or a message.
func (s *pages) orderFile(w http.ResponseWriter, r *http.Request, u users.User) error {
	f, err := s.Orders.File(r.Context(), u, r.PathValue("order"), r.PathValue("file"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", f.ContentType)
	httpx.Attachment(w.Header(), f.Name)
	w.Write(f.Data)
	return nil
}

// maxUpload bounds a delivery or message post: its files and its text.
const maxUpload = attachments.MaxFiles*attachments.MaxFileSize + 1<<20

// postedFiles reads the form of a post that may carry files (multipart);
// the domain checks their number, size and type.
func (s *pages) postedFiles(w http.ResponseWriter, r *http.Request, u users.User) ([]attachments.File, error) {
	// Someone who cannot see the order is refused before megabytes of
	// files are read.
	if _, err := s.Orders.Get(r.Context(), u, r.PathValue("order")); err != nil {
		return nil, err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	err := r.ParseMultipartForm(8 << 20)
	if errors.Is(err, http.ErrNotMultipart) {
		return nil, r.ParseForm()
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, errs.Invalid("files", "file_too_large").With("max", "20 MB")
		}
		return nil, errs.Invalid("files", "file_data_invalid")
	}
	// The files are read into memory below: the temporary files Go wrote
	// for the large ones go now (r is a copy of the server's request, whose
	// own clean-up never sees this form).
	defer r.MultipartForm.RemoveAll()
	var list []attachments.File
	for _, h := range r.MultipartForm.File["files"] {
		if h.Filename == "" && h.Size == 0 {
			continue // the file input left empty
		}
		if h.Size > attachments.MaxFileSize {
			return nil, errs.Invalid("files", "file_too_large").With("max", "20 MB")
		}
		fh, err := h.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(fh)
		fh.Close()
		if err != nil {
			return nil, err
		}
		ct := h.Header.Get("Content-Type")
		if ct == "" || ct == "application/octet-stream" {
			if byExt := mime.TypeByExtension(extOf(h.Filename)); byExt != "" {
				ct = byExt
			}
		}
		list = append(list, attachments.File{Name: h.Filename, ContentType: ct, Size: int64(len(data)), Data: data})
	}
	return list, nil
}

func extOf(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return strings.ToLower(name[i:])
	}
	return ""
}

// orderAction runs one of the order page's posts: act calls the domain;
// success goes back to the order page with the flash, a refusal shows the
// page again with the message next to the form that was sent.
func (s *pages) orderAction(w http.ResponseWriter, r *http.Request, u users.User, flash string, act func() error) error {
	return s.Post(w, r, u, s.showOrder, orderPath(r.PathValue("order")), flash, act)
}

func (s *pages) deliverOrder(w http.ResponseWriter, r *http.Request, u users.User) error {
	files, err := s.postedFiles(w, r, u)
	return s.orderAction(w, r, u, "flash.order_delivered", func() error {
		if err != nil {
			return err
		}
		_, err := s.Orders.Deliver(r.Context(), u, r.PathValue("order"), r.PostFormValue("message"), files)
		return err
	})
}

func (s *pages) messageOrder(w http.ResponseWriter, r *http.Request, u users.User) error {
	files, err := s.postedFiles(w, r, u)
	return s.orderAction(w, r, u, "flash.order_message_sent", func() error {
		if err != nil {
			return err
		}
		_, err := s.Orders.Message(r.Context(), u, r.PathValue("order"), r.PostFormValue("body"), files)
		return err
	})
}

func (s *pages) acceptOrder(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.orderAction(w, r, u, "flash.order_accepted", func() error {
		_, err := s.Orders.Accept(r.Context(), u, r.PathValue("order"))
		return err
	})
}

func (s *pages) requestRevision(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.orderAction(w, r, u, "flash.order_revision_requested", func() error {
		_, err := s.Orders.RequestRevision(r.Context(), u, r.PathValue("order"), r.PostFormValue("message"))
		return err
	})
}

func (s *pages) extendReview(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.orderAction(w, r, u, "flash.order_review_extended", func() error {
		days, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("days")))
		if err != nil {
			return errs.Invalid("days", "extension_invalid").With("max", orders.MaxReviewExtend)
		}
		_, err = s.Orders.ExtendReview(r.Context(), u, r.PathValue("order"), days)
		return err
	})
}

func (s *pages) cancelOrder(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.orderAction(w, r, u, "flash.order_cancelled", func() error {
		_, err := s.Orders.Cancel(r.Context(), u, r.PathValue("order"), r.PostFormValue("reason"))
		return err
	})
}

func (s *pages) reviewOrder(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.orderAction(w, r, u, "flash.order_reviewed", func() error {
		rating, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("rating")))
		if err != nil {
			return errs.Invalid("rating", "rating_invalid")
		}
		_, err = s.Reviews.WriteReview(r.Context(), u, r.PathValue("order"), rating, r.PostFormValue("text"))
		return err
	})
}

// fromQueue tells whether an approval form was posted from the account's
// approval queue (rather than the order page), to go back there.
func fromQueue(r *http.Request) (accountID string, ok bool) {
	id := r.PostFormValue("queue")
	return id, id != ""
}

func (s *pages) decided(w http.ResponseWriter, r *http.Request, u users.User, flash string, err error) error {
	accountID, queue := fromQueue(r)
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error {
			if queue {
				f.Target = cmp.Or(r.PathValue("order"), r.PathValue("approval")) // the row the form was on
				return s.showApprovals(w, r, u, accountID, f, status)
			}
			return s.showOrder(w, r, u, f, status)
		})
	}
	if queue {
		s.Done(w, r, approvalsPath(accountID), flash)
		return nil
	}
	s.Done(w, r, orderPath(r.PathValue("order")), flash)
	return nil
}

// approveOrder starts a waiting order: it is charged now, once per form.
func (s *pages) approveOrder(w http.ResponseWriter, r *http.Request, u users.User) error {
	r.ParseForm()
	key := r.PostFormValue("idempotency_key")
	repeat, err := s.Once(r, u, key, func() error {
		_, err := s.Approvals.Approve(r.Context(), u, r.PathValue("order"), key)
		return err
	})
	if repeat {
		return s.decided(w, r, u, "flash.order_approve_repeated", nil)
	}
	return s.decided(w, r, u, "flash.order_approved", err)
}

func (s *pages) rejectOrder(w http.ResponseWriter, r *http.Request, u users.User) error {
	_, err := s.Approvals.Reject(r.Context(), u, r.PathValue("order"), r.PostFormValue("reason"))
	return s.decided(w, r, u, "flash.order_rejected", err)
}

// orderTabs are the status filters of "My orders"; "all" is no filter.
var orderTabs = []string{"open", "completed", "cancelled", "all"}

type myOrdersData struct {
	Status     string
	Tabs       []string
	Buying     []accountOrders
	Freelancer *catalog.Freelancer
	Selling    page.Page[orders.Order]
}

type accountOrders struct {
	Account accounts.Account
	Orders  page.Page[orders.Order]
}

// myOrdersPage lists the viewer's orders: as a buyer in each account
// (all of the account's for its admin and billing managers, their own
// for members), and as a freelancer.
func (s *pages) myOrdersPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	ctx := r.Context()
	status := r.URL.Query().Get("status")
	if status == "" {
		status = "open"
	}
	filter := orders.Filter{Status: status}
	if status == "all" {
		filter.Status = ""
	}
	d := myOrdersData{Status: status, Tabs: orderTabs}
	list, err := s.Accounts.ForUser(ctx, u)
	if err != nil {
		return err
	}
	for _, a := range list {
		p, err := s.Orders.AccountOrders(ctx, u, a.ID, filter, page.Request{Limit: page.MaxLimit})
		if err != nil {
			return err
		}
		d.Buying = append(d.Buying, accountOrders{Account: a, Orders: p})
	}
	f, ok, err := s.Catalog.FreelancerOf(ctx, u.ID)
	if err != nil {
		return err
	}
	if ok {
		d.Freelancer = &f
		if d.Selling, err = s.Orders.FreelancerOrders(ctx, u, f.ID, filter, page.Request{Limit: page.MaxLimit}); err != nil {
			return err
		}
	}
	s.Render(w, r, http.StatusOK, "orders", &site.View{Nav: "orders", Title: i18n.T(httpx.Lang(r), "orders.title"), Data: d})
	return nil
}

func approvalsPath(accountID string) string { return "/accounts/" + accountID + "/approvals" }

type approvalRow struct {
	Order orders.Order
	Key   string
}

// spendRow is a waiting commitment that is not an order (a price or
// weekly limit raise), with its approve form's key.
type spendRow struct {
	Approval approvals.SpendApproval
	Key      string
}

type approvalsData struct {
	Orders []approvalRow
	Spend  []spendRow
}

// approveSpend carries out a waiting raise in the admin's name, once per
// form; rejectSpend answers it with a reason.
func (s *pages) approveSpend(w http.ResponseWriter, r *http.Request, u users.User) error {
	r.ParseForm()
	key := r.PostFormValue("idempotency_key")
	_, err := s.Once(r, u, key, func() error {
		_, err := s.Approvals.ApproveSpend(r.Context(), u, r.PathValue("approval"), key)
		return err
	})
	return s.decided(w, r, u, "flash.spend_approved", err)
}

func (s *pages) rejectSpend(w http.ResponseWriter, r *http.Request, u users.User) error {
	_, err := s.Approvals.RejectSpend(r.Context(), u, r.PathValue("approval"), r.PostFormValue("reason"))
	return s.decided(w, r, u, "flash.spend_rejected", err)
}

func (s *pages) approvalsPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.showApprovals(w, r, u, r.PathValue("account"), nil, http.StatusOK)
}

// showApprovals is the admin's approval queue; each approve form carries
// its own key.
func (s *pages) showApprovals(w http.ResponseWriter, r *http.Request, u users.User, accountID string, f *site.Form, status int) error {
	ctx := r.Context()
	a, err := s.Accounts.Get(ctx, u, accountID)
	if err != nil {
		return err
	}
	p, err := s.Orders.PendingApprovals(ctx, u, a.ID, page.Request{Limit: page.MaxLimit})
	if err != nil {
		return err
	}
	spend, err := s.Approvals.SpendApprovals(ctx, u, a.ID, approvals.CommitPending, page.Request{Limit: page.MaxLimit})
	if err != nil {
		return err
	}
	d := approvalsData{Orders: make([]approvalRow, 0, len(p.Items))}
	for _, o := range p.Items {
		d.Orders = append(d.Orders, approvalRow{Order: o, Key: site.NewFormKey()})
	}
	for _, sa := range spend.Items {
		d.Spend = append(d.Spend, spendRow{Approval: sa, Key: site.NewFormKey()})
	}
	if f != nil {
		f.Values = url.Values{"reason": f.Values["reason"]}
	}
	s.Render(w, r, status, "approvals", &site.View{Nav: "accounts", Title: i18n.T(httpx.Lang(r), "approvals.title"), Account: &a,
		Tab: "approvals", Form: f, Data: d})
	return nil
}
