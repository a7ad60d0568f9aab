package api

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/media"
	"github.com/dozvon/dozvon/robot"
)

// TestCallMetricsFromEvents: call events move the active gauge, the
// calls-by-result counter and the setup histogram.
func TestCallMetricsFromEvents(t *testing.T) {
	t.Parallel()
	m := NewMetrics()
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	m.CallEvent(callflow.Event{Kind: callflow.Started, CallID: "a", At: t0})
	m.CallEvent(callflow.Event{Kind: callflow.Started, CallID: "b", At: t0})
	if v := testutil.ToFloat64(m.activeCalls); v != 2 {
		t.Fatalf("active %v", v)
	}
	m.CallEvent(callflow.Event{Kind: callflow.Answered, CallID: "a", At: t0.Add(3 * time.Second)})
	m.CallEvent(callflow.Event{Kind: callflow.Ended, CallID: "a", At: t0.Add(time.Minute), Result: "answered", Outcome: "promise"})
	m.CallEvent(callflow.Event{Kind: callflow.Ended, CallID: "b", At: t0.Add(20 * time.Second), Result: "no_answer"})
	if v := testutil.ToFloat64(m.activeCalls); v != 0 {
		t.Fatalf("active after the ends %v", v)
	}
	if v := testutil.ToFloat64(m.calls.WithLabelValues("answered", "promise")); v != 1 {
		t.Fatalf("answered/promise %v", v)
	}
	if n := testutil.CollectAndCount(m.callSetup); n != 1 {
		t.Fatalf("setup series %d", n)
	}
	want := "dozvon_call_setup_seconds_sum 23\ndozvon_call_setup_seconds_count 2\n"
	if err := testutil.CollectAndCompare(m.callSetup, strings.NewReader(setupExposition(want)), "dozvon_call_setup_seconds"); err != nil {
		t.Fatal(err)
	}
	if len(m.started) != 0 {
		t.Fatalf("calls left in the setup map: %v", m.started)
	}
}

func setupExposition(tail string) string {
	var b strings.Builder
	b.WriteString("# HELP dozvon_call_setup_seconds From a call's start to its answer, or to its end when never answered.\n# TYPE dozvon_call_setup_seconds histogram\n")
	for _, le := range []struct {
		le string
		n  int
	}{{"0.1", 0}, {"0.25", 0}, {"0.5", 0}, {"1", 0}, {"2", 0}, {"4", 1}, {"8", 1}, {"15", 1}, {"30", 2}, {"60", 2}, {"+Inf", 2}} {
		b.WriteString(`dozvon_call_setup_seconds_bucket{le="` + le.le + `"} ` + itoa(le.n) + "\n")
	}
	b.WriteString(tail)
	return b.String()
}

// TestHTTPMetricsByPattern: requests are counted under their route's
// pattern, never the id in the path, and /metrics serves the registry.
func TestHTTPMetricsByPattern(t *testing.T) {
	t.Parallel()
	rg := newRig(t)
	rg.do(admin, "GET", "/api/v1/debtors/d1", "", nil)
	rg.do(admin, "GET", "/api/v1/debtors/nobody", "", nil)
	status, body := rg.do(nobody, "GET", "/metrics", "", nil)
	text := string(body)
	if status != http.StatusOK {
		t.Fatalf("%d", status)
	}
	for _, want := range []string{
		`dozvon_http_requests_total{code="200",route="GET /api/v1/debtors/{id}"} 1`,
		`dozvon_http_requests_total{code="404",route="GET /api/v1/debtors/{id}"} 1`,
		"dozvon_calls_active 0", "go_goroutines",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in /metrics", want)
		}
	}
	if strings.Contains(text, "nobody") || strings.Contains(text, "d1\"") {
		t.Errorf("an id in a label:\n%s", text)
	}
}

// TestMediaAndASRMetricsFromEndedCalls: an ended call's media figures
// (its frames' send lateness, the audio received and fed to the
// recognizer) land in the lateness histogram and the audio counters, with
// exact bucket counts; a call without media adds nothing.
func TestMediaAndASRMetricsFromEndedCalls(t *testing.T) {
	t.Parallel()
	m := NewMetrics()
	late := &media.LatenessHistogram{}
	for _, d := range []time.Duration{0, 100 * time.Microsecond, 300 * time.Microsecond, 3 * time.Millisecond, 70 * time.Millisecond} {
		late.Add(d)
	}
	m.CallEvent(callflow.Event{Kind: callflow.Ended, CallID: "a", Result: "answered", SendLate: late,
		Audio: robot.AudioStats{Received: 30 * time.Second, Fed: 12 * time.Second}})
	m.CallEvent(callflow.Event{Kind: callflow.Ended, CallID: "b", Result: "busy"})
	m.CallEvent(callflow.Event{Kind: callflow.Ended, CallID: "c", Result: "answered", SendLate: late,
		Audio: robot.AudioStats{Received: 10 * time.Second, Fed: 4 * time.Second}})
	if got := testutil.ToFloat64(m.asrReceived); got != 40 {
		t.Errorf("received %v s, want 40", got)
	}
	if got := testutil.ToFloat64(m.asrFed); got != 16 {
		t.Errorf("fed %v s, want 16", got)
	}
	want := []string{ // two calls of five frames each: 2 under 250 µs, 1 under 500 µs, 1 at 3 ms, 1 later than 64 ms
		`dozvon_media_send_lateness_seconds_bucket{le="0.0005"} 6`,
		`dozvon_media_send_lateness_seconds_bucket{le="0.002"} 6`,
		`dozvon_media_send_lateness_seconds_bucket{le="0.004"} 8`,
		`dozvon_media_send_lateness_seconds_bucket{le="0.064"} 8`,
		`dozvon_media_send_lateness_seconds_bucket{le="+Inf"} 10`,
		`dozvon_media_send_lateness_seconds_count 10`,
	}
	text := scrape(t, m)
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("no %q in:\n%s", w, grepLines(text, "dozvon_media_send_lateness"))
		}
	}
}

// TestDueTasksGauge: the backlog gauge reads the store at each scrape, at
// the clock's now; a failed read is a scrape error, not a zero.
func TestDueTasksGauge(t *testing.T) {
	t.Parallel()
	m := NewMetrics()
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	var asked time.Time
	fail := false
	m.WatchDueTasks(func(_ context.Context, now time.Time) (int, error) {
		asked = now
		if fail {
			return 0, errors.New("database is locked")
		}
		return 7, nil
	}, clock.Fixed(t0))
	if text := scrape(t, m); !strings.Contains(text, "dozvon_scheduler_due_tasks 7") || !asked.Equal(t0) {
		t.Fatalf("due tasks (asked at %v):\n%s", asked, grepLines(text, "due_tasks"))
	}
	fail = true
	if _, err := m.reg.Gather(); err == nil || !strings.Contains(err.Error(), "database is locked") {
		t.Fatalf("a failed read gathered as %v", err)
	}
}

// scrape is what /metrics answers.
func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("/metrics: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

func grepLines(text, sub string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
