package api

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/callflow"
)

// Metrics is the service's Prometheus registry (its own, never the global
// one) and the series dozvon keeps. Labels are bounded sets (a route's
// pattern, a result, an outcome, a reason), never a phone number or an id.
type Metrics struct {
	reg           *prometheus.Registry
	activeCalls   prometheus.Gauge
	calls         *prometheus.CounterVec
	callSetup     prometheus.Histogram
	guard         *prometheus.CounterVec
	httpRequests  *prometheus.CounterVec
	httpDurations *prometheus.HistogramVec
	webhooks      *prometheus.CounterVec

	mu      sync.Mutex
	started map[string]time.Time // calls in progress not yet answered: their start
}

// NewMetrics registers dozvon's series (and the Go runtime's and the
// process's) on a registry of its own.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		activeCalls: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "dozvon_calls_active", Help: "Calls in progress (placed or answered)."}),
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dozvon_calls_total", Help: "Calls ended, by telephony result and dialogue outcome."}, []string{"result", "outcome"}),
		callSetup: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "dozvon_call_setup_seconds", Help: "From a call's start to its answer, or to its end when never answered.",
			Buckets: []float64{0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60}}),
		guard: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dozvon_guard_decisions_total", Help: "230-FZ guard decisions, by whether allowed and the reason."}, []string{"allowed", "reason"}),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dozvon_http_requests_total", Help: "API requests, by route pattern and status code."}, []string{"route", "code"}),
		httpDurations: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "dozvon_http_request_duration_seconds", Help: "API request durations, by route pattern.",
			Buckets: prometheus.DefBuckets}, []string{"route"}),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dozvon_webhook_deliveries_total", Help: "Webhook delivery attempts, by what became of the delivery (delivered, pending: retried later, dead)."}, []string{"status"}),
		started: map[string]time.Time{},
	}
	m.reg.MustRegister(m.activeCalls, m.calls, m.callSetup, m.guard, m.httpRequests, m.httpDurations, m.webhooks,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry is where the series are, for a caller adding its own.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// WebhookAttempt counts one delivery attempt by the state it left the
// delivery in (webhook.Config.OnAttempt).
func (m *Metrics) WebhookAttempt(state string) { m.webhooks.WithLabelValues(state).Inc() }

// Watch adds a gauge read from f at each scrape, for a part that keeps its
// own count (the event stream's clients, its dropped events).
func (m *Metrics) Watch(name, help string, f func() float64) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
}

// CallEvent implements callflow.Subscriber: it counts calls from their
// events (fast, no I/O: it runs on the call's goroutine).
func (m *Metrics) CallEvent(e callflow.Event) {
	switch e.Kind {
	case callflow.Started:
		m.activeCalls.Inc()
		m.mu.Lock()
		m.started[e.CallID] = e.At
		m.mu.Unlock()
	case callflow.Answered:
		m.setupDone(e)
	case callflow.Ended:
		m.setupDone(e)
		m.activeCalls.Dec()
		m.calls.WithLabelValues(e.Result, e.Outcome).Inc()
	}
}

// setupDone observes a call's setup time once: at its answer, or at its
// end when it was never answered.
func (m *Metrics) setupDone(e callflow.Event) {
	m.mu.Lock()
	at, ok := m.started[e.CallID]
	delete(m.started, e.CallID)
	m.mu.Unlock()
	if ok && !e.At.Before(at) {
		m.callSetup.Observe(e.At.Sub(at).Seconds())
	}
}

// GuardDecision counts one 230-FZ decision.
func (m *Metrics) GuardDecision(allowed bool, reason string) {
	m.guard.WithLabelValues(strconv.FormatBool(allowed), reason).Inc()
}

func (m *Metrics) request(route string, code int, d time.Duration) {
	m.httpRequests.WithLabelValues(route, strconv.Itoa(code)).Inc()
	m.httpDurations.WithLabelValues(route).Observe(d.Seconds())
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{ErrorLog: nil}).ServeHTTP(w, r)
	return nil
}
