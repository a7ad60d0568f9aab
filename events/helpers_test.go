package events

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/store"
)

// openStore opens a real SQLite store in the test's directory.
func openStore(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(t.Context(), "sqlite:"+t.TempDir()+"/events.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// startHub runs a hub on st until the test ends.
func startHub(t testing.TB, st Store, queue int) *Hub {
	t.Helper()
	h, err := NewHub(HubConfig{Store: st, Queue: queue, Log: slog.New(slog.DiscardHandler)}) // drops are asserted on counts
	if err != nil {
		t.Fatal(err)
	}
	runHub(t, h)
	return h
}

// runHub runs h until the test ends and waits for it to return before the
// store and its directory are cleaned up (a hub still writing then leaves
// files in a TempDir being removed).
func runHub(t testing.TB, h *Hub) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { h.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

// turn is call event i of a debtor: a robot turn whose Seq is i, so a test
// can tell which event an envelope is.
func turn(i int, campaign, debtor, text string) callflow.Event {
	return callflow.Event{Kind: callflow.TurnTook, CallID: fmt.Sprintf("call-%s", debtor), At: time.Date(2026, 12, 6, 9, 0, i, 0, time.UTC),
		Campaign: campaign, DebtorID: debtor, Turn: &robot.Turn{Seq: i, Who: "robot", Kind: "say", Text: text}}
}

// turnSeq is the turn number an envelope carries.
func turnSeq(t *testing.T, e Envelope) int {
	t.Helper()
	var d TurnData
	if err := json.Unmarshal(e.Data, &d); err != nil {
		t.Fatalf("envelope %d data %s: %v", e.Seq, e.Data, err)
	}
	return d.Seq
}

// testPrincipal stands in for the auth middleware: it puts the principal
// named by the X-Test-Login and X-Test-Role headers in the request context
// (none when they are absent).
func testPrincipal(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if role := r.Header.Get("X-Test-Role"); role != "" {
			r = r.WithContext(auth.WithPrincipal(r.Context(), auth.Principal{Login: r.Header.Get("X-Test-Login"), Role: auth.Role(role)}))
		}
		next.ServeHTTP(w, r)
	})
}

// assignedVisibility is a Visibility test double: a collector sees the
// debtors listed for their login.
type assignedVisibility map[string][]string

func (a assignedVisibility) Visible(_ context.Context, p auth.Principal, debtorID string) bool {
	for _, d := range a[p.Login] {
		if d == debtorID {
			return true
		}
	}
	return false
}

// server serves the handler over real HTTP behind testPrincipal.
func server(t *testing.T, cfg HandlerConfig) *httptest.Server {
	t.Helper()
	if cfg.Visibility == nil {
		cfg.Visibility = assignedVisibility{}
	}
	h, err := NewHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(testPrincipal(h))
	t.Cleanup(srv.Close)
	return srv
}

// dial connects as login/role ("" role: unauthenticated) with a query.
func dial(t *testing.T, d *websocket.Dialer, srv *httptest.Server, role, login, query string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	u := "ws" + strings.TrimPrefix(srv.URL, "http") + "/api/v1/events"
	if query != "" {
		u += "?" + query
	}
	hdr := http.Header{}
	if role != "" {
		hdr.Set("X-Test-Role", role)
		hdr.Set("X-Test-Login", login)
	}
	if d == nil {
		d = websocket.DefaultDialer
	}
	c, resp, err := d.DialContext(t.Context(), u, hdr)
	if err == nil {
		t.Cleanup(func() { c.Close() })
	}
	return c, resp, err
}

func mustDial(t *testing.T, srv *httptest.Server, role, login, query string) *websocket.Conn {
	t.Helper()
	c, _, err := dial(t, nil, srv, role, login, query)
	if err != nil {
		t.Fatalf("dial %s %s: %v", role, query, err)
	}
	return c
}

// read reads one envelope; the deadline only keeps a broken test from
// hanging.
func read(t *testing.T, c *websocket.Conn) Envelope {
	t.Helper()
	e, err := tryRead(c)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return e
}

func tryRead(c *websocket.Conn) (Envelope, error) {
	var e Envelope
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	err := c.ReadJSON(&e)
	return e, err
}

// readUntil reads envelopes up to and including the one with turn last.
func readUntil(t *testing.T, c *websocket.Conn, last int) []Envelope {
	t.Helper()
	var got []Envelope
	for {
		e := read(t, c)
		got = append(got, e)
		if turnSeq(t, e) == last {
			return got
		}
	}
}

// waitFor checks cond at every tick until it holds, failing the test
// after a deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	timeout := time.After(20 * time.Second)
	for !cond() {
		select {
		case <-tick.C:
		case <-timeout:
			t.Fatalf("waiting for %s: gave up", what)
		}
	}
}

// blockingStore is a Store test double whose AppendEvents waits until
// release is closed, standing in for a store stuck on a lock.
type blockingStore struct {
	Store
	release chan struct{}
}

func (b blockingStore) AppendEvents(ctx context.Context, rows []store.EventRow) error {
	<-b.release
	return b.Store.AppendEvents(ctx, rows)
}

// panickyStore is a Store test double whose first AppendEvents panics.
type panickyStore struct {
	Store
	once sync.Once
}

func (p *panickyStore) AppendEvents(ctx context.Context, rows []store.EventRow) error {
	p.once.Do(func() { panic("store blew up") })
	return p.Store.AppendEvents(ctx, rows)
}

// recv takes one envelope from a subscription; the deadline only keeps a
// broken test from hanging.
func recv(t *testing.T, s *Subscription) Envelope {
	t.Helper()
	select {
	case e, ok := <-s.C():
		if !ok {
			t.Fatal("subscription dropped")
		}
		return e
	case <-time.After(20 * time.Second):
		t.Fatal("no event")
		return Envelope{}
	}
}

// handoverStore is a Store test double that makes the resume race happen
// every time: on the first replay query it has the hub store and fan out
// events just before the query (so they come both replayed and live) and
// just after it (so they come live only).
type handoverStore struct {
	Store
	t                   *testing.T
	hub                 *Hub
	probe               *Subscription // sees every fanned-out event
	before, after, next int           // events to emit around the query; turn numbers from next
	once                sync.Once
}

func (s *handoverStore) EventsSince(ctx context.Context, after int64, f store.EventFilter, limit int) (rows []store.EventRow, err error) {
	first := false
	s.once.Do(func() { first = true })
	if !first {
		return s.Store.EventsSince(ctx, after, f, limit)
	}
	s.emit(s.before)
	rows, err = s.Store.EventsSince(ctx, after, f, limit)
	s.emit(s.after)
	return rows, err
}

// emit sends n events and waits until the hub has fanned the last out.
func (s *handoverStore) emit(n int) {
	for range n {
		s.hub.CallEvent(turn(s.next, "spring", "d1", "x"))
		s.next++
	}
	for {
		if e := recv(s.t, s.probe); turnSeq(s.t, e) == s.next-1 {
			return
		}
	}
}
