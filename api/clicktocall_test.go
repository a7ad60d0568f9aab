package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/compliance"
)

// callerForTests is a test double of the click-to-call door: it keeps the
// requests and answers with err (nil: a call id).
type callerForTests struct {
	mu   sync.Mutex
	reqs []callflow.ClickToCall
	err  error
}

func (c *callerForTests) ClickToCall(_ context.Context, req callflow.ClickToCall) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reqs = append(c.reqs, req)
	if c.err != nil {
		return "", c.err
	}
	return "out-1", nil
}

// TestClickToCall: the route rings the caller's own phone for their own
// debtor (another's is 404, another collector's phone 403), answers a
// guard's refusal 409 with the reason and the next allowed time, an
// offline phone 409, and never puts the number in an answer.
func TestClickToCall(t *testing.T) {
	t.Parallel()
	next := time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC)
	denied := &callflow.DeniedError{Decision: compliance.Decision{Reason: "outside_hours", Reasons: []string{"outside_hours"},
		Detail: "23:30 local is outside 08:00–22:00", NextAllowedAt: next, NextAllowedLocal: next.In(time.FixedZone("MSK", 3*3600))}}
	tests := []struct {
		name      string
		who       as
		body      string
		err       error
		status    int
		code      string
		collector string // whose phone the flow was asked to ring ("": not asked)
		debtor    string
	}{
		{"own debtor", ivanova, `{"debtor":"d1"}`, nil, http.StatusAccepted, "", "ivanova", "d1"},
		{"another's debtor", ivanova, `{"debtor":"d2"}`, nil, http.StatusNotFound, "not_found", "", ""},
		{"another's phone", ivanova, `{"debtor":"d1","collector":"petrov"}`, nil, http.StatusForbidden, "forbidden", "", ""},
		{"a manager rings a collector", supervisor, `{"debtor":"d2","collector":"petrov"}`, nil, http.StatusAccepted, "", "petrov", "d2"},
		{"integrations may not", integration, `{"debtor":"d1"}`, nil, http.StatusForbidden, "forbidden", "", ""},
		{"no debtor", ivanova, `{}`, nil, http.StatusUnprocessableEntity, "invalid", "", ""},
		{"refused by the guard", ivanova, `{"debtor":"d1"}`, denied, http.StatusConflict, "denied", "ivanova", "d1"},
		{"phone offline", ivanova, `{"debtor":"d3"}`, fmt.Errorf("x: %w", callflow.ErrNoCollector), http.StatusConflict, "collector_offline", "ivanova", "d3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			caller := &callerForTests{err: tc.err}
			rg := newRig(t, func(c *Config) { c.Caller = caller })
			status, body := rg.do(tc.who, "POST", "/api/v1/calls/click-to-call", "application/json", []byte(tc.body))
			if status != tc.status {
				t.Fatalf("%d %s, want %d", status, body, tc.status)
			}
			if strings.Contains(string(body), "7913123450") {
				t.Fatalf("the answer holds the number: %s", body)
			}
			var env struct {
				Error         *Error    `json:"error"`
				Call          string    `json:"call"`
				Reason        string    `json:"reason"`
				NextAllowedAt time.Time `json:"next_allowed_at"`
			}
			if err := json.Unmarshal(body, &env); err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.code == "" && env.Call != "out-1":
				t.Errorf("accepted without the call's id: %s", body)
			case tc.code != "" && (env.Error == nil || env.Error.Code != tc.code):
				t.Errorf("error %s, want code %s", body, tc.code)
			case tc.code == "denied" && (env.Reason != "outside_hours" || !env.NextAllowedAt.Equal(next)):
				t.Errorf("denial without its reason and next allowed time: %s", body)
			}
			if tc.collector == "" {
				if len(caller.reqs) != 0 {
					t.Errorf("the flow was asked to call: %+v", caller.reqs)
				}
				return
			}
			if len(caller.reqs) != 1 || caller.reqs[0].Collector != tc.collector || caller.reqs[0].DebtorID != tc.debtor || !caller.reqs[0].Phone.IsValid() {
				t.Errorf("flow asked %+v, want %s's phone for %s", caller.reqs, tc.collector, tc.debtor)
			}
		})
	}
}
