package events

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/store"
)

// Visibility decides whether a principal may see a debtor's events (for a
// collector: whether the debtor is assigned to them).
type Visibility interface {
	Visible(ctx context.Context, p auth.Principal, debtorID string) bool
}

// HandlerConfig configures the WebSocket handler; zero durations and sizes
// take the defaults.
type HandlerConfig struct {
	Hub        *Hub
	Visibility Visibility // required: the collector filter
	Log        *slog.Logger
	// Pages, when set, hears a collector's stream open and close: an open
	// page counts them online (*handoff.Directory: whom a due callback is
	// offered to).
	Pages Pages

	PingInterval  time.Duration // between pings (default 25s; must be < PongWait)
	PongWait      time.Duration // a client silent this long (no pong) is closed (default 60s)
	WriteWait     time.Duration // one write's deadline (default 10s)
	SubscribeWait time.Duration // how long to wait for a first {subscribe} message (default 10s)
	SendBuffer    int           // live events buffered per client before it is dropped (default 256)
	ReplayPage    int           // events read from the store at a time when resuming (default 500)
}

// Pages is told when a collector's page opens its stream and when it goes.
type Pages interface {
	SetPage(login string, open bool)
}

// Close codes and reasons sent to clients.
const (
	reasonSlow     = "too slow: send buffer full"
	reasonShutdown = "server shutting down"
)

type handler struct {
	cfg HandlerConfig
	// up keeps gorilla's default origin check: a page of another site
	// cannot open the stream with the user's session cookie.
	up websocket.Upgrader
}

// NewHandler returns the /api/v1/events WebSocket handler. The protocol:
//
//   - the principal comes from the request context (401 without one; an
//     integration gets 403: it has webhooks);
//   - `?campaign=A&campaign=B` subscribes to campaigns and `?after=SEQ`
//     resumes after a seq (replay from the store, then live); with neither
//     in the URL the first client message says them:
//     {"subscribe":["A"],"after":SEQ} (an empty list: every campaign);
//   - the server then sends Envelopes as JSON text messages, in seq order,
//     and pings; a client too slow for its send buffer is closed with 1013
//     and a reason, one that answers no ping within PongWait is closed.
func NewHandler(cfg HandlerConfig) (http.Handler, error) {
	if cfg.Hub == nil {
		return nil, errors.New("events handler: no hub")
	}
	if cfg.Visibility == nil {
		return nil, errors.New("events handler: no visibility (collectors must be filtered)")
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.PongWait, 60*time.Second)
	def(&cfg.PingInterval, cfg.PongWait*9/20)
	def(&cfg.WriteWait, 10*time.Second)
	def(&cfg.SubscribeWait, 10*time.Second)
	if cfg.PingInterval >= cfg.PongWait {
		return nil, fmt.Errorf("events handler: ping interval %s must be shorter than pong wait %s", cfg.PingInterval, cfg.PongWait)
	}
	if cfg.SendBuffer <= 0 {
		cfg.SendBuffer = 256
	}
	if cfg.ReplayPage <= 0 {
		cfg.ReplayPage = 500
	}
	return &handler{cfg: cfg, up: websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 4096}}, nil
}

// subscribeMsg is the optional first client message.
type subscribeMsg struct {
	Subscribe []string `json:"subscribe"`
	After     *int64   `json:"after"`
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.FromContext(r.Context())
	if !ok {
		writeError(w, http.StatusUnauthorized, "unauthorized", "authentication required (session cookie or Authorization header)")
		return
	}
	if p.Role != auth.Admin && p.Role != auth.Supervisor && p.Role != auth.Collector {
		writeError(w, http.StatusForbidden, "forbidden", "role "+string(p.Role)+" has no live events (integrations get webhooks)")
		return
	}
	q := r.URL.Query()
	campaigns := q["campaign"]
	after := int64(-1) // no resume: live only
	if s := q.Get("after"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "bad_request", "after: want a seq >= 0")
			return
		}
		after = n
	}
	conn, err := h.up.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered the client
	}
	defer conn.Close()
	if h.cfg.Pages != nil && p.Role == auth.Collector && p.Login != "" {
		h.cfg.Pages.SetPage(p.Login, true)
		defer h.cfg.Pages.SetPage(p.Login, false)
	}
	c := &client{h: h, conn: conn, p: p, seen: map[string]bool{}}
	if len(campaigns) == 0 && q.Get("after") == "" {
		// No subscription in the URL: the first message says it.
		m, err := c.readSubscribe()
		if err != nil {
			c.close(websocket.ClosePolicyViolation, err.Error())
			return
		}
		campaigns = m.Subscribe
		if m.After != nil {
			after = *m.After
		}
	}
	c.run(r.Context(), campaigns, after)
}

// client is one connection. Only run's goroutine writes to conn.
type client struct {
	h    *handler
	conn *websocket.Conn
	p    auth.Principal
	seen map[string]bool // a collector's debtors checked so far
}

func (c *client) readSubscribe() (subscribeMsg, error) {
	var m subscribeMsg
	c.conn.SetReadDeadline(time.Now().Add(c.h.cfg.SubscribeWait))
	_, b, err := c.conn.ReadMessage()
	if err != nil {
		return m, fmt.Errorf("subscribe: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return m, fmt.Errorf("subscribe: want {\"subscribe\":[campaign…],\"after\":seq}: %v", err)
	}
	if m.After != nil && *m.After < 0 {
		return m, errors.New("subscribe: after: want a seq >= 0")
	}
	return m, nil
}

// run subscribes, replays from after (when >= 0), then sends live events
// until the client goes, is too slow, or misses its pongs.
func (c *client) run(ctx context.Context, campaigns []string, after int64) {
	cfg := c.h.cfg
	hub := cfg.Hub
	// Live first, store second: whatever is stored from now on also comes
	// live, and whatever came live before this line is in the store.
	sub := hub.Subscribe(campaigns, cfg.SendBuffer)
	defer sub.Close()

	readerDone := make(chan struct{})
	go c.readLoop(readerDone)

	ping := time.NewTicker(cfg.PingInterval)
	defer ping.Stop()

	last := after
	if after >= 0 {
		f := store.EventFilter{Campaigns: campaigns}
		for {
			page, err := hub.Since(ctx, last, f, cfg.ReplayPage)
			if err != nil {
				cfg.Log.Error("events: replay", "err", err)
				c.close(websocket.CloseInternalServerErr, "replay failed")
				return
			}
			for _, e := range page {
				if err := c.send(ctx, e); err != nil {
					return
				}
				last = e.Seq
			}
			if len(page) < cfg.ReplayPage {
				break
			}
			select {
			case <-readerDone:
				return
			default:
			}
		}
	}
	for {
		select {
		case e, ok := <-sub.C():
			if !ok {
				if sub.Stopped() {
					c.close(websocket.CloseGoingAway, reasonShutdown)
				} else {
					c.close(websocket.CloseTryAgainLater, reasonSlow)
				}
				return
			}
			if e.Seq <= last { // already replayed
				continue
			}
			if err := c.send(ctx, e); err != nil {
				return
			}
			last = e.Seq
		case <-ping.C:
			if err := c.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(cfg.WriteWait)); err != nil {
				return
			}
		case <-readerDone:
			return
		case <-ctx.Done():
			c.close(websocket.CloseGoingAway, reasonShutdown)
			return
		}
	}
}

// send writes e if the principal may see it.
func (c *client) send(ctx context.Context, e Envelope) error {
	if c.tookHandOff(e) {
		// A hunt group rings collectors the debtor is not assigned to: the
		// one who answered gets the screen pop, and the rest of that
		// debtor's events on this connection, as the one now on the call.
		c.seen[e.Debtor] = true
	}
	if !c.visible(ctx, e.Debtor) {
		return nil
	}
	c.conn.SetWriteDeadline(time.Now().Add(c.h.cfg.WriteWait))
	return c.conn.WriteJSON(e)
}

// tookHandOff reports whether e is the screen pop of a call this
// collector answered.
func (c *client) tookHandOff(e Envelope) bool {
	if c.p.Role != auth.Collector || e.Type != TypeCallHandOff || e.Debtor == "" {
		return false
	}
	var d HandOffData
	return json.Unmarshal(e.Data, &d) == nil && d.Collector == c.p.Login
}

// visible applies the collector filter, remembering each debtor's answer
// for the connection (an assignment changed mid-connection shows on the
// next connect).
func (c *client) visible(ctx context.Context, debtorID string) bool {
	if c.p.Role != auth.Collector {
		return true
	}
	if debtorID == "" {
		return false
	}
	v, ok := c.seen[debtorID]
	if !ok {
		if len(c.seen) >= 4096 {
			clear(c.seen)
		}
		v = c.h.cfg.Visibility.Visible(ctx, c.p, debtorID)
		c.seen[debtorID] = v
	}
	return v
}

// readLoop reads (and ignores) client messages so pongs and the close
// handshake are processed; it ends when the client is gone or silent for
// longer than PongWait.
func (c *client) readLoop(done chan<- struct{}) {
	defer close(done)
	wait := c.h.cfg.PongWait
	c.conn.SetReadLimit(4096)
	c.conn.SetReadDeadline(time.Now().Add(wait))
	c.conn.SetPongHandler(func(string) error { return c.conn.SetReadDeadline(time.Now().Add(wait)) })
	for {
		if _, _, err := c.conn.ReadMessage(); err != nil {
			return
		}
	}
}

// close sends a close frame with a reason (best effort). A control frame
// carries at most 125 bytes, so the reason is cut to fit.
func (c *client) close(code int, reason string) {
	if len(reason) > 120 {
		reason = strings.ToValidUTF8(reason[:120], "")
	}
	c.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(c.h.cfg.WriteWait))
}

// writeError answers {"error":{"code","message"}} before any upgrade.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": msg}})
}
