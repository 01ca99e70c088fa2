// Package metrics exposes a node's numbers in the Prometheus format at
// /metrics: requests per route with their latency, timers and outbox
// deliveries, the outbox's backlog and lag, the database pool, the money
// the ledger holds per kind of account, and the Go runtime.
package metrics

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strconv"
	"time"

	"atelier/internal/db"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is one node's registry.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	runs     *prometheus.CounterVec
	applied  *prometheus.CounterVec
}

// New registers a node's metrics; d is read at each scrape.
func New(d *db.DB) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "atelier_http_requests_total",
		Help: "HTTP requests answered, by route pattern, method and status code."}, []string{"route", "method", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "atelier_http_request_duration_seconds",
		Help:    "Time to answer an HTTP request, by route pattern and method.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}}, []string{"route", "method"})
	m.runs = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "atelier_job_runs_total",
		Help: "Timer sweeps and outbox deliveries run by this node, by job and result (ok, error)."}, []string{"job", "result"})
	m.applied = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "atelier_job_applied_total",
		Help: "Items a job applied on this node: timer transitions, e-mails delivered."}, []string{"job"})
	m.reg.MustRegister(m.requests, m.latency, m.runs, m.applied,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		dbCollector{d})
	return m
}

// Observe counts a job's run (jobs.Runner.Observe).
func (m *Metrics) Observe(job string, applied int, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.runs.WithLabelValues(job, result).Inc()
	if applied > 0 {
		m.applied.WithLabelValues(job).Add(float64(applied))
	}
}

// Request records an answered request: its route pattern (as the
// ServeMux matched it, so the labels stay few), method, status and time.
//
// Labels are bounded: the route is a registered pattern, and a method that
// is not one of HTTP's usual ones counts as "other" (anyone may send any
// method: 40,000 made-up ones grew /metrics to 56 MB).
func (m *Metrics) Request(route, method string, code int, took time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
	default:
		method = "other"
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(code)).Inc()
	m.latency.WithLabelValues(route, method).Observe(took.Seconds())
}

// Handler serves the metrics; with a token, only to a request bearing it.
func (m *Metrics) Handler(token string) http.Handler {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token != "" && subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte("Bearer "+token)) != 1 {
			http.Error(w, "metrics need the token", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// dbCollector reads, at each scrape, the database pool, the outbox and
// the ledger.
type dbCollector struct{ d *db.DB }

var (
	poolOpen    = prometheus.NewDesc("atelier_db_connections_open", "Open database connections.", nil, nil)
	poolInUse   = prometheus.NewDesc("atelier_db_connections_in_use", "Database connections in use.", nil, nil)
	poolWaits   = prometheus.NewDesc("atelier_db_connection_waits_total", "Times a request waited for a database connection.", nil, nil)
	poolWaited  = prometheus.NewDesc("atelier_db_connection_wait_seconds_total", "Time spent waiting for database connections.", nil, nil)
	outboxDepth = prometheus.NewDesc("atelier_outbox_pending", "Outbox messages not delivered yet (e-mails), all nodes.", nil, nil)
	outboxLag   = prometheus.NewDesc("atelier_outbox_lag_seconds", "Age of the oldest undelivered outbox message.", nil, nil)
	ledger      = prometheus.NewDesc("atelier_ledger_balance", "Money the ledger holds, by kind of account and currency, in currency units.",
		[]string{"kind", "currency"}, nil)
	scrapeErr = prometheus.NewDesc("atelier_metrics_db_up", "1 when the database answered the scrape's queries.", nil, nil)
)

func (c dbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolOpen, poolInUse, poolWaits, poolWaited, outboxDepth, outboxLag, ledger, scrapeErr} {
		ch <- d
	}
}

func (c dbCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.d.Stats()
	ch <- prometheus.MustNewConstMetric(poolOpen, prometheus.GaugeValue, float64(st.OpenConnections))
	ch <- prometheus.MustNewConstMetric(poolInUse, prometheus.GaugeValue, float64(st.InUse))
	ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(st.WaitCount))
	ch <- prometheus.MustNewConstMetric(poolWaited, prometheus.CounterValue, st.WaitDuration.Seconds())
	up := 1.0
	if err := c.collectData(ch); err != nil {
		up = 0
	}
	ch <- prometheus.MustNewConstMetric(scrapeErr, prometheus.GaugeValue, up)
}

func (c dbCollector) collectData(ch chan<- prometheus.Metric) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var pending int
	var oldest db.NullInt
	if err := c.d.QueryRow(ctx, `SELECT COUNT(*), MIN(created_at) FROM outbox WHERE done_at IS NULL`).Scan(&pending, &oldest); err != nil {
		return err
	}
	lag := 0.0
	if oldest.Valid {
		lag = c.d.Clock.Now().Sub(db.Time(oldest.Int64)).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(outboxDepth, prometheus.GaugeValue, float64(pending))
	ch <- prometheus.MustNewConstMetric(outboxLag, prometheus.GaugeValue, max(lag, 0))
	rows, err := c.d.Query(ctx, `SELECT kind, currency, SUM(balance) FROM ledger_accounts GROUP BY kind, currency`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var kind, currency string
		var sum int64
		if err := rows.Scan(&kind, &currency, &sum); err != nil {
			return err
		}
		ch <- prometheus.MustNewConstMetric(ledger, prometheus.GaugeValue, float64(sum)/100, kind, currency)
	}
	return rows.Err()
}
