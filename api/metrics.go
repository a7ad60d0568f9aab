package api

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/media"
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
	sendLate      *latenessCollector
	asrReceived   prometheus.Counter
	asrFed        prometheus.Counter

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
		sendLate: newLatenessCollector("dozvon_media_send_lateness_seconds",
			"How late each sent audio frame left against its call's 20 ms media clock, counted when the call ends."),
		asrReceived: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "dozvon_asr_audio_received_seconds_total", Help: "Audio received from the far end on answered calls, in seconds of speech time."}),
		asrFed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "dozvon_asr_audio_fed_seconds_total", Help: "Of the audio received, what was fed to the speech recognizer (the rest was silence the VAD kept back, or dropped under load)."}),
		started: map[string]time.Time{},
	}
	m.reg.MustRegister(m.activeCalls, m.calls, m.callSetup, m.guard, m.httpRequests, m.httpDurations, m.webhooks, m.sendLate, m.asrReceived, m.asrFed,
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

// WatchDueTasks adds the scheduler's backlog, read from count at each
// scrape: the tasks of active campaigns due now and not yet dialled
// (store.DB.DueTaskCount). A failed read is a scrape error, not a zero.
func (m *Metrics) WatchDueTasks(count func(ctx context.Context, now time.Time) (int, error), clk clock.Clock) {
	clk = clock.Or(clk)
	m.reg.MustRegister(&dueTasks{count: count, clk: clk, desc: prometheus.NewDesc("dozvon_scheduler_due_tasks",
		"Tasks of active campaigns due now and not yet dialled: the scheduler's backlog.", nil, nil)})
}

// dueTasks is a gauge read from the store at each scrape (a GaugeFunc
// cannot report that its read failed).
type dueTasks struct {
	count func(ctx context.Context, now time.Time) (int, error)
	clk   clock.Clock
	desc  *prometheus.Desc
}

func (d *dueTasks) Describe(ch chan<- *prometheus.Desc) { ch <- d.desc }

func (d *dueTasks) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n, err := d.count(ctx, d.clk.Now())
	if err != nil {
		ch <- prometheus.NewInvalidMetric(d.desc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(d.desc, prometheus.GaugeValue, float64(n))
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
		if e.SendLate != nil {
			m.sendLate.merge(e.SendLate)
		}
		m.asrReceived.Add(e.Audio.Received.Seconds())
		m.asrFed.Add(e.Audio.Fed.Seconds())
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

// latenessCollector is a histogram of the media send lateness, from the
// per-call histograms the media loop keeps anyway (media.LatenessHistogram,
// 250 µs buckets): merged once at a call's end instead of an observation
// per 20 ms frame on the pacer's goroutine. Its buckets are multiples of
// 250 µs, so their counts are exact; its sum is from bucket midpoints.
type latenessCollector struct {
	desc *prometheus.Desc
	mu   sync.Mutex
	h    media.LatenessHistogram
}

// latenessEdges are the exported buckets' upper bounds, in units of the
// media histogram's 250 µs buckets (0.5 ms … 64 ms).
var latenessEdges = [...]int{2, 4, 8, 16, 32, 64, 128, 256}

const latenessUnit = 250 * time.Microsecond

func newLatenessCollector(name, help string) *latenessCollector {
	return &latenessCollector{desc: prometheus.NewDesc(name, help, nil, nil)}
}

func (c *latenessCollector) merge(h *media.LatenessHistogram) {
	c.mu.Lock()
	c.h.Merge(h)
	c.mu.Unlock()
}

func (c *latenessCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *latenessCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	h := c.h
	c.mu.Unlock()
	buckets := make(map[float64]uint64, len(latenessEdges))
	var cum uint64
	var sum float64
	next := 0
	for i, n := range h.Buckets {
		for next < len(latenessEdges) && i == latenessEdges[next] {
			buckets[(time.Duration(latenessEdges[next]) * latenessUnit).Seconds()] = cum
			next++
		}
		cum += uint64(n)
		mid := (time.Duration(i)*latenessUnit + latenessUnit/2).Seconds()
		if i == len(h.Buckets)-1 { // "later than 64 ms": counted at its lower edge
			mid = (time.Duration(i) * latenessUnit).Seconds()
		}
		sum += float64(n) * mid
	}
	ch <- prometheus.MustNewConstHistogram(c.desc, uint64(h.N), sum, buckets)
}
