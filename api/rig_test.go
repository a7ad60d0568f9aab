package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/store"
)

// headerAuthForTests stands in for auth.Service: X-Test-Role and
// X-Test-Login name the principal, X-Test-Recordings grants recordings; no
// X-Test-Role, no principal (as bad credentials would leave it).
type headerAuthForTests struct{}

func (headerAuthForTests) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		role := r.Header.Get("X-Test-Role")
		if role == "" {
			next.ServeHTTP(w, r)
			return
		}
		p := auth.Principal{Login: r.Header.Get("X-Test-Login"), Role: auth.Role(role), Recordings: r.Header.Get("X-Test-Recordings") == "yes"}
		next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
	})
}

// rig is a Server on a real SQLite store holding three debtors (d1 and d3
// are ivanova's, d2 petrov's), a call for d1 with a recording and one for d2.
type rig struct {
	t      testing.TB
	db     *store.DB
	srv    *Server
	ts     *httptest.Server
	wav    []byte // call-d1's recording
	recDir string
}

func newRig(t testing.TB, opts ...func(*Config)) *rig {
	t.Helper()
	ctx := t.Context()
	dir := t.TempDir()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	rg := &rig{t: t, db: db, recDir: filepath.Join(dir, "rec")}
	phones := map[string]string{"d1": "+79131234501", "d2": "+79131234502", "d3": "+79131234503"}
	for id, who := range map[string]string{"d1": "ivanova", "d2": "petrov", "d3": "ivanova"} {
		if err := db.UpsertDebtor(ctx, store.Debtor{ID: id, Name: "Иванов " + id, Region: "Москва", Phones: []string{phones[id]}}); err != nil {
			t.Fatal(err)
		}
		if err := db.AssignCollector(ctx, id, who); err != nil {
			t.Fatal(err)
		}
	}
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	if err := db.SaveCampaign(ctx, store.Campaign{ID: "c1", Name: "sweep", State: store.CampaignActive, Config: "{}", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddTasks(ctx, []store.Task{{CampaignID: "c1", DebtorID: "d1", Phone: phones["d1"], State: "pending", DueAt: t0},
		{CampaignID: "c1", DebtorID: "d2", Phone: phones["d2"], State: "pending", DueAt: t0}}); err != nil {
		t.Fatal(err)
	}
	tasks, err := db.LeaseTasks(ctx, "c1", t0, 10, "rig", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(rg.recDir, 0o755); err != nil {
		t.Fatal(err)
	}
	rg.wav = make([]byte, 4000)
	for i := range rg.wav {
		rg.wav[i] = byte(i * 7)
	}
	for _, task := range tasks {
		id := "call-" + task.DebtorID
		rec := filepath.Join(rg.recDir, id+".wav")
		if err := os.WriteFile(rec, rg.wav, 0o644); err != nil {
			t.Fatal(err)
		}
		c := store.CallRecord{ID: id, Direction: "outbound", From: "+74950000000", To: task.Phone, Trunk: "main", Started: t0,
			Answered: t0.Add(3 * time.Second), Ended: t0.Add(time.Minute), Result: "answered", SIPCode: 200, Outcome: "promise",
			Slots: map[string]string{"amount": "5000"}, ScriptName: "sweep", ScriptVersion: "1", RecordingPath: rec, CostKop: 117,
			Turns:     []store.TurnRecord{{Seq: 1, Node: "greet", Who: "robot", Kind: "say", Text: "Здравствуйте!", Start: t0, End: t0.Add(time.Second)}},
			Detection: &store.DetectionRecord{Class: "human", Confidence: 0.9}}
		if err := db.SaveCall(ctx, c); err != nil {
			t.Fatal(err)
		}
		if err := db.FinishTask(ctx, task.ID, "rig", t0, store.TaskUpdate{State: "done", Attempted: true, Outcome: "promise",
			Call: &store.TaskCall{CallID: id, At: t0, Result: "answered", Outcome: "promise", RecordingPath: rec}}); err != nil {
			t.Fatal(err)
		}
	}
	cfg := Config{Store: db, Auth: headerAuthForTests{}, RecordDir: rg.recDir}
	for _, o := range opts {
		o(&cfg)
	}
	rg.srv = New(cfg)
	rg.ts = httptest.NewServer(rg.srv)
	t.Cleanup(rg.ts.Close)
	return rg
}

// as is who sends a request: a role and a login ("" role: nobody).
type as struct {
	role       auth.Role
	login      string
	recordings bool
}

var (
	admin       = as{role: auth.Admin, login: "root"}
	supervisor  = as{role: auth.Supervisor, login: "boss"}
	ivanova     = as{role: auth.Collector, login: "ivanova"}
	integration = as{role: auth.Integration, login: "crm"}
	nobody      = as{}
)

// do sends a request and returns the status and body.
func (rg *rig) do(who as, method, path, ctype string, body []byte, hdr ...string) (int, []byte) {
	rg.t.Helper()
	req, err := http.NewRequestWithContext(rg.t.Context(), method, rg.ts.URL+path, bytes.NewReader(body))
	if err != nil {
		rg.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if who.role != "" {
		req.Header.Set("X-Test-Role", string(who.role))
		req.Header.Set("X-Test-Login", who.login)
		if who.recordings {
			req.Header.Set("X-Test-Recordings", "yes")
		}
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := rg.ts.Client().Do(req)
	if err != nil {
		rg.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		rg.t.Fatal(err)
	}
	return resp.StatusCode, b
}

// envelopeOf parses an error answer, failing the test unless it is the envelope.
func envelopeOf(t *testing.T, status int, body []byte) Error {
	t.Helper()
	var env struct {
		Error *Error `json:"error"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil || env.Error == nil || env.Error.Code == "" || env.Error.Message == "" {
		t.Fatalf("status %d: not the error envelope: %s (%v)", status, body, err)
	}
	return *env.Error
}

func itoa(n int) string { return strconv.Itoa(n) }

// panickingStore is a store whose debtor list panics (a bug below a handler).
type panickingStore struct{ *store.DB }

func (panickingStore) ListDebtors(context.Context, store.DebtorFilter) ([]store.DebtorView, string, error) {
	panic("boom: +79131234501")
}
