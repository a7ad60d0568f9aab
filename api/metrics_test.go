package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/dozvon/dozvon/callflow"
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
