package events

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/store"
)

// TestEventsArriveInOrder: a subscriber of one campaign gets its events,
// live, in order with increasing seqs, and none of another campaign.
func TestEventsArriveInOrder(t *testing.T) {
	t.Parallel()
	h := startHub(t, openStore(t), 1024)
	srv := server(t, HandlerConfig{Hub: h})
	c := mustDial(t, srv, "supervisor", "sveta", "campaign=spring&after=0")
	h.CallEvent(turn(0, "spring", "d1", "hello"))
	if e := read(t, c); turnSeq(t, e) != 0 { // subscribed from here on
		t.Fatalf("first event: turn %d", turnSeq(t, e))
	}
	for i := 1; i <= 200; i++ {
		h.CallEvent(turn(i, "autumn", "d2", "other campaign"))
		h.CallEvent(turn(i, "spring", "d1", "hello"))
	}
	got := readUntil(t, c, 200)
	if len(got) != 200 {
		t.Fatalf("got %d events, want 200", len(got))
	}
	last := int64(0)
	for i, e := range got {
		if e.Campaign != "spring" || turnSeq(t, e) != i+1 || e.Seq <= last || e.Type != TypeCallTurn {
			t.Fatalf("event %d: %+v after seq %d", i, e, last)
		}
		last = e.Seq
	}
}

// TestFirstMessageSubscribes: with nothing in the URL the first message
// subscribes (and may resume); a bad one is refused with a close reason.
func TestFirstMessageSubscribes(t *testing.T) {
	t.Parallel()
	h := startHub(t, openStore(t), 1024)
	srv := server(t, HandlerConfig{Hub: h})
	h.CallEvent(turn(1, "autumn", "d2", "x"))
	h.CallEvent(turn(2, "spring", "d1", "x"))
	c := mustDial(t, srv, "admin", "root", "")
	if err := c.WriteJSON(map[string]any{"subscribe": []string{"spring"}, "after": 0}); err != nil {
		t.Fatal(err)
	}
	if e := read(t, c); e.Campaign != "spring" || turnSeq(t, e) != 2 {
		t.Fatalf("got %+v, want spring's turn 2", e)
	}

	bad := mustDial(t, srv, "admin", "root", "")
	if err := bad.WriteMessage(websocket.TextMessage, []byte(`{"subscirbe":["spring"]}`)); err != nil {
		t.Fatal(err)
	}
	_, err := tryRead(bad)
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.ClosePolicyViolation || !strings.Contains(ce.Text, "subscirbe") {
		t.Fatalf("bad subscribe: %v, want a policy-violation close naming the field", err)
	}
}

// TestResumeNoGapNoDuplicate: a client that reconnects with its last seq,
// while events keep flowing, gets exactly the events it missed and then
// the live ones: together its two connections saw every stored event of
// the campaign once, in order.
func TestResumeNoGapNoDuplicate(t *testing.T) {
	t.Parallel()
	const first, total = 200, 600
	h := startHub(t, openStore(t), 4096)
	srv := server(t, HandlerConfig{Hub: h, SendBuffer: 1024, ReplayPage: 64})
	for i := range first {
		h.CallEvent(turn(i, "spring", "d1", "x"))
		if i%3 == 0 {
			h.CallEvent(turn(i, "autumn", "d2", "x"))
		}
	}
	c1 := mustDial(t, srv, "supervisor", "sveta", "campaign=spring&after=0")
	var seen []Envelope
	for range 50 {
		seen = append(seen, read(t, c1))
	}
	c1.Close()

	flowing := make(chan struct{})
	go func() {
		defer close(flowing)
		for i := first; i < total; i++ {
			h.CallEvent(turn(i, "spring", "d1", "x"))
			h.CallEvent(turn(i, "autumn", "d2", "x"))
		}
	}()
	c2 := mustDial(t, srv, "supervisor", "sveta", "campaign=spring&after="+strconv.FormatInt(seen[len(seen)-1].Seq, 10))
	seen = append(seen, readUntil(t, c2, total-1)...)
	<-flowing

	stored, err := h.Since(t.Context(), 0, store.EventFilter{Campaigns: []string{"spring"}}, 10*total)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != len(stored) || len(seen) != total {
		t.Fatalf("client saw %d events, the store has %d, want %d", len(seen), len(stored), total)
	}
	for i := range seen {
		if seen[i].Seq != stored[i].Seq || turnSeq(t, seen[i]) != i {
			t.Fatalf("event %d: client seq %d turn %d, store seq %d", i, seen[i].Seq, turnSeq(t, seen[i]), stored[i].Seq)
		}
	}
}

// TestCollectorSeesOnlyOwnDebtors: a collector gets the events of debtors
// assigned to them only, replayed or live; a supervisor gets all.
func TestCollectorSeesOnlyOwnDebtors(t *testing.T) {
	t.Parallel()
	h := startHub(t, openStore(t), 1024)
	srv := server(t, HandlerConfig{Hub: h, Visibility: assignedVisibility{"kolya": {"d1"}, "masha": {"d2"}}})
	h.CallEvent(turn(0, "spring", "d2", "masha's"))
	h.CallEvent(turn(1, "spring", "d1", "kolya's"))
	kolya := mustDial(t, srv, "collector", "kolya", "after=0")
	boss := mustDial(t, srv, "supervisor", "sveta", "after=0")
	for i := 2; i < 10; i++ {
		d := "d2"
		if i%2 == 1 {
			d = "d1"
		}
		h.CallEvent(turn(i, "spring", d, "x"))
	}
	h.Publish(Envelope{Type: TypeCampaignProgress, At: time.Now(), Campaign: "spring", Data: json.RawMessage(`{"done":1}`)})
	h.CallEvent(turn(10, "spring", "d1", "last"))
	got := readUntil(t, kolya, 10)
	var turns []int
	for _, e := range got {
		if e.Debtor != "d1" {
			t.Fatalf("collector kolya got debtor %q's event %+v", e.Debtor, e)
		}
		turns = append(turns, turnSeq(t, e))
	}
	if want := []int{1, 3, 5, 7, 9, 10}; !slices.Equal(turns, want) {
		t.Errorf("kolya got turns %v, want %v", turns, want)
	}
	if all := readUntil(t, boss, 9); len(all) != 10 {
		t.Errorf("supervisor got %d events by turn 9, want 10", len(all))
	}
	if e := read(t, boss); e.Type != TypeCampaignProgress {
		t.Errorf("supervisor: got %s, want the campaign progress", e.Type)
	}
}

// TestUnauthorised: no principal → 401 with the JSON error envelope; an
// integration → 403; a bad resume seq → 400; none is upgraded.
func TestUnauthorised(t *testing.T) {
	t.Parallel()
	h := startHub(t, openStore(t), 16)
	srv := server(t, HandlerConfig{Hub: h})
	tests := []struct {
		role, query string
		status      int
		code        string
	}{
		{"", "campaign=spring", http.StatusUnauthorized, "unauthorized"},
		{"integration", "campaign=spring", http.StatusForbidden, "forbidden"},
		{"admin", "after=-3", http.StatusBadRequest, "bad_request"},
	}
	for _, tt := range tests {
		_, resp, err := dial(t, nil, srv, tt.role, "someone", tt.query)
		if !errors.Is(err, websocket.ErrBadHandshake) || resp == nil || resp.StatusCode != tt.status {
			t.Fatalf("role %q: err %v, resp %v: want a refused handshake with %d", tt.role, err, resp, tt.status)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var body struct {
			Error struct{ Code, Message string }
		}
		if err := json.Unmarshal(b, &body); err != nil || body.Error.Code != tt.code || body.Error.Message == "" {
			t.Errorf("role %q: body %s, want error code %s with a message", tt.role, b, tt.code)
		}
	}
	// A page of another site cannot use a signed-in browser's session.
	u := "ws" + strings.TrimPrefix(srv.URL, "http") + "/api/v1/events?campaign=spring"
	hdr := http.Header{"X-Test-Role": {"admin"}, "Origin": {"https://evil.example"}}
	if _, resp, err := websocket.DefaultDialer.Dial(u, hdr); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site origin: err %v, resp %v: want 403", err, resp)
	}
}

// TestSlowClientDropped: a client that never reads is dropped once its
// send buffer fills, with a close reason, while a fast client gets every
// event in order and the hub drops no event (CallEvent never waits).
func TestSlowClientDropped(t *testing.T) {
	t.Parallel()
	h := startHub(t, openStore(t), 4096)
	srv := server(t, HandlerConfig{Hub: h, SendBuffer: 64, WriteWait: 2 * time.Second})
	fast := mustDial(t, srv, "supervisor", "fast", "after=0")
	// A tiny receive window, so the kernel holds few of the slow client's bytes.
	small := &websocket.Dialer{NetDialContext: (&net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}).DialContext}
	slow, _, err := dial(t, small, srv, "supervisor", "slow", "after=0")
	if err != nil {
		t.Fatal(err)
	}
	h.CallEvent(turn(0, "spring", "d1", "x"))
	read(t, fast)
	if e := read(t, slow); turnSeq(t, e) != 0 { // both subscribed; slow reads no more
		t.Fatalf("slow: turn %d", turnSeq(t, e))
	}
	text := strings.Repeat("долг ", 400)
	n := 1
	for chunk := 0; h.Stats().SlowDropped == 0; chunk++ {
		if chunk == 400 {
			t.Fatalf("after %d events the slow client is still subscribed", n)
		}
		for range 50 {
			h.CallEvent(turn(n, "spring", "d1", text))
			n++
		}
		if got := readUntil(t, fast, n-1); len(got) != 50 || turnSeq(t, got[0]) != n-50 {
			t.Fatalf("fast client: %d events from turn %d, want 50 from %d", len(got), turnSeq(t, got[0]), n-50)
		}
	}
	if s := h.Stats(); s.SlowDropped != 1 || s.Dropped != 0 || s.Lost != 0 {
		t.Fatalf("stats %+v: want exactly the slow client dropped and no event lost", s)
	}
	// More events still reach the fast client.
	for range 10 {
		h.CallEvent(turn(n, "spring", "d1", "x"))
		n++
	}
	if got := readUntil(t, fast, n-1); len(got) != 10 {
		t.Fatalf("fast client got %d events after the drop, want 10", len(got))
	}
	// The slow client, reading at last, finds its events in order and then the end.
	prev := 0
	for {
		e, err := tryRead(slow)
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) && (ce.Code != websocket.CloseTryAgainLater || ce.Text != reasonSlow) {
				t.Errorf("slow client closed with %d %q, want %d %q", ce.Code, ce.Text, websocket.CloseTryAgainLater, reasonSlow)
			}
			break
		}
		if turnSeq(t, e) != prev+1 {
			t.Fatalf("slow client: turn %d after %d", turnSeq(t, e), prev)
		}
		prev = turnSeq(t, e)
	}
	if prev >= n-1 {
		t.Errorf("slow client got all %d events: it was not dropped", prev)
	}
	waitFor(t, "the subscriptions to end", func() bool { return h.Stats().Subscribers == 1 })
}

// TestSilentClientClosed: pings come at PingInterval, and a client that
// answers none (it never reads) is closed after PongWait.
func TestSilentClientClosed(t *testing.T) {
	t.Parallel()
	h := startHub(t, openStore(t), 16)
	srv := server(t, HandlerConfig{Hub: h, PingInterval: 20 * time.Millisecond, PongWait: 100 * time.Millisecond})
	live := mustDial(t, srv, "admin", "root", "campaign=spring")
	pings := make(chan struct{}, 8)
	live.SetPingHandler(func(string) error {
		select {
		case pings <- struct{}{}:
		default:
		}
		return live.WriteControl(websocket.PongMessage, nil, time.Now().Add(time.Second))
	})
	go func() {
		for {
			if _, _, err := live.ReadMessage(); err != nil {
				return
			}
		}
	}()
	mustDial(t, srv, "admin", "root", "campaign=spring") // never reads: never pongs
	waitFor(t, "two subscribers", func() bool { return h.Stats().Subscribers == 2 })
	for range 3 {
		select {
		case <-pings:
		case <-time.After(20 * time.Second):
			t.Fatal("no ping")
		}
	}
	waitFor(t, "the silent client to be closed", func() bool { return h.Stats().Subscribers == 1 })
}

// TestResumeHandover: events stored between a resuming client's
// subscription and its replay query come once (not replayed and live
// twice), and events stored right after the query come live (no gap).
func TestResumeHandover(t *testing.T) {
	t.Parallel()
	st := &handoverStore{Store: openStore(t), t: t, before: 5, after: 5}
	h := startHub(t, st, 1024)
	st.hub, st.probe = h, h.Subscribe(nil, 1024)
	defer st.probe.Close()
	srv := server(t, HandlerConfig{Hub: h})
	st.emit(3)
	c := mustDial(t, srv, "admin", "root", "campaign=spring&after=0")
	got := readUntil(t, c, 12) // 3 stored before, 5 around the query, 5 after it
	var turns []int
	for _, e := range got {
		turns = append(turns, turnSeq(t, e))
	}
	if want := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}; !slices.Equal(turns, want) {
		t.Fatalf("turns %v, want %v", turns, want)
	}
}

// TestStopDeliversQueuedEventsThenCloses: events queued when the hub is
// stopped (a service's last call ended, then SIGTERM's drain stopped the
// hub) still reach a connected viewer, in order, before a 1001 "shutting
// down" close; Run returns only once the stream has sent them. A stream
// opened after the stop is closed the same way.
func TestStopDeliversQueuedEventsThenCloses(t *testing.T) {
	t.Parallel()
	st := blockingStore{Store: openStore(t), release: make(chan struct{})}
	h, err := NewHub(HubConfig{Store: st, Batch: 2})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { h.Run(ctx); close(done) }()
	srv := server(t, HandlerConfig{Hub: h})
	c := mustDial(t, srv, "supervisor", "boss", "campaign=spring")
	waitFor(t, "the stream's subscription", func() bool { return h.Stats().Subscribers == 1 })
	for i := range 7 {
		h.CallEvent(turn(i, "spring", "d1", "x")) // the writer is stuck on the store: all but one stay queued
	}
	cancel()          // stop while the events wait
	close(st.release) // the store answers again: what was queued is written at the stop
	<-done
	for i := range 7 {
		if e := read(t, c); turnSeq(t, e) != i {
			t.Fatalf("event %d: got turn %d", i, turnSeq(t, e))
		}
	}
	_, err = tryRead(c)
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway || ce.Text != reasonShutdown {
		t.Fatalf("after the last event: %v, want close 1001 %q", err, reasonShutdown)
	}
	late := mustDial(t, srv, "supervisor", "boss", "campaign=spring")
	_, err = tryRead(late)
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
		t.Fatalf("a stream opened after the stop: %v, want close 1001", err)
	}
}

// TestHandOffReachesTheCollectorWhoAnswered: a hunt group's collector who
// answered a debtor not assigned to them gets the screen pop and that
// debtor's later events; another collector gets neither.
func TestHandOffReachesTheCollectorWhoAnswered(t *testing.T) {
	t.Parallel()
	h := startHub(t, openStore(t), 1024)
	srv := server(t, HandlerConfig{Hub: h, Visibility: assignedVisibility{"kolya": {"d1"}}})
	masha := mustDial(t, srv, "collector", "masha", "after=0")
	kolya := mustDial(t, srv, "collector", "kolya", "after=0")
	pop := callflow.Event{Kind: callflow.HandOffAnswered, CallID: "call-d9", At: time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC), Campaign: "spring",
		DebtorID: "d9", Collector: "masha", Transcript: []robot.Turn{{Seq: 1, Who: "caller", Kind: "speech", Text: "соедините"}}}
	h.CallEvent(turn(0, "spring", "d9", "before the hand-off"))
	h.CallEvent(pop)
	h.CallEvent(turn(2, "spring", "d9", "after the hand-off"))
	h.CallEvent(turn(3, "spring", "d1", "kolya's"))
	if e := read(t, masha); e.Type != TypeCallHandOff || !strings.Contains(string(e.Data), `"collector":"masha"`) {
		t.Fatalf("masha's first event %s %s, want her screen pop", e.Type, e.Data)
	}
	if e := read(t, masha); e.Type != TypeCallTurn || turnSeq(t, e) != 2 {
		t.Fatalf("masha's next event %s %s, want the call's turn after the hand-off", e.Type, e.Data)
	}
	if e := read(t, kolya); e.Debtor != "d1" || turnSeq(t, e) != 3 {
		t.Fatalf("kolya got %s of %s, want only his own debtor's turn", e.Type, e.Debtor)
	}
}

// pagesForTests counts open pages by login.
type pagesForTests struct {
	mu   sync.Mutex
	open map[string]int
}

func (p *pagesForTests) SetPage(login string, open bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if open {
		p.open[login]++
	} else {
		p.open[login]--
	}
}

func (p *pagesForTests) count(login string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.open[login]
}

// TestCollectorPageIsPresence: a collector's open stream counts their page
// open until it closes; a supervisor's does not.
func TestCollectorPageIsPresence(t *testing.T) {
	t.Parallel()
	h := startHub(t, openStore(t), 1024)
	pages := &pagesForTests{open: map[string]int{}}
	srv := server(t, HandlerConfig{Hub: h, Visibility: assignedVisibility{"kolya": {"d1"}}, Pages: pages})
	kolya := mustDial(t, srv, "collector", "kolya", "after=0")
	boss := mustDial(t, srv, "supervisor", "sveta", "after=0")
	waitFor(t, "kolya's page open", func() bool { return pages.count("kolya") == 1 })
	kolya.Close()
	waitFor(t, "kolya's page closed", func() bool { return pages.count("kolya") == 0 })
	boss.Close()
	if n := pages.count("sveta"); n != 0 {
		t.Errorf("a supervisor's stream counted as a collector's page (%d)", n)
	}
}
