package events

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/internal/safe"
	"github.com/dozvon/dozvon/store"
)

// Store keeps events with their seq (store.DB).
type Store interface {
	AppendEvents(ctx context.Context, rows []store.EventRow) error
	EventsSince(ctx context.Context, after int64, f store.EventFilter, limit int) ([]store.EventRow, error)
	LastEventSeq(ctx context.Context) (int64, error)
}

// HubConfig configures a Hub; zero values take the defaults.
type HubConfig struct {
	Store Store
	Clock clock.Clock // stamps a published envelope that has no time (default: the system clock)
	Log   *slog.Logger
	Queue int // events waiting for the writer; beyond it they are dropped (default 8192)
	Batch int // events written in one transaction at most (default 256)
	// Linger is how long the writer, woken by an event, waits for more
	// before it writes a batch that is not full (default 25ms; negative:
	// write at once). A transaction costs the store far more than a row
	// (SQLite, FULL sync: ~230 µs of CPU for one event alone, ~60 µs an
	// event in eights), and calls send events one at a time.
	Linger time.Duration
	// FlushWait bounds how long Run, once stopped, waits for subscribers
	// to send what they were given before it returns (default 5s).
	FlushWait time.Duration
	// Follow, when set, makes the hub send its subscribers what the store
	// holds rather than what it wrote itself: the events of every node
	// sharing the store, read after each own batch and every Follow (see
	// follow.go). Zero: this process is the store's only writer.
	Follow time.Duration
}

// Hub stores call events and fans them out to subscribers.
type Hub struct {
	st     Store
	clock  clock.Clock
	log    *slog.Logger
	queue  chan pending
	batch  int
	linger time.Duration

	dropped atomic.Int64 // events dropped: queue full
	lost    atomic.Int64 // events not stored: the store failed
	slow    atomic.Int64 // subscribers dropped: send buffer full

	flushWait   time.Duration
	follow      time.Duration
	last        int64     // following: the last seq sent to subscribers (Run's goroutine only)
	followErrAt time.Time // following: when a read error was last logged
	following   bool      // following: last is known
	mu          sync.Mutex
	subs        map[*Subscription]struct{}
	stopped     bool           // Run has ended: Subscribe hands out ended subscriptions
	open        sync.WaitGroup // subscriptions not yet closed by their reader
}

// pending is one queued message: a call event, converted by the writer
// goroutine so a bad one costs only itself, or a ready envelope.
type pending struct {
	call  callflow.Event
	env   Envelope
	ready bool
}

// Stats are the hub's counters.
type Stats struct {
	Dropped     int64 // events dropped because the queue was full
	Lost        int64 // events dropped because the store failed
	SlowDropped int64 // subscribers dropped because they could not keep up
	Subscribers int
}

// NewHub returns a hub; call Run to start it.
func NewHub(cfg HubConfig) (*Hub, error) {
	if cfg.Store == nil {
		return nil, errors.New("events hub: no store")
	}
	if cfg.Queue <= 0 {
		cfg.Queue = 8192
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 256
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Linger == 0 {
		cfg.Linger = 25 * time.Millisecond
	}
	if cfg.FlushWait <= 0 {
		cfg.FlushWait = 5 * time.Second
	}
	return &Hub{st: cfg.Store, clock: clock.Or(cfg.Clock), log: cfg.Log, queue: make(chan pending, cfg.Queue), batch: cfg.Batch,
		linger: max(cfg.Linger, 0), flushWait: cfg.FlushWait, follow: cfg.Follow, subs: map[*Subscription]struct{}{}}, nil
}

// CallEvent implements callflow.Subscriber. It never blocks: when the queue
// is full the event is dropped and counted (see the package comment).
func (h *Hub) CallEvent(e callflow.Event) {
	if h == nil {
		return
	}
	defer safe.Recover(h.log, "events hub enqueue", nil)
	h.enqueue(pending{call: e})
}

// Publish queues a ready envelope (campaign progress, callback due), with
// the same never-block rule as CallEvent. Its Seq is assigned when stored.
func (h *Hub) Publish(env Envelope) {
	if h == nil {
		return
	}
	if env.At.IsZero() {
		env.At = h.clock.Now()
	}
	env.At = env.At.UTC()
	if len(env.Data) == 0 {
		env.Data = json.RawMessage(`{}`) // an empty RawMessage would not marshal
	}
	h.enqueue(pending{env: env, ready: true})
}

func (h *Hub) enqueue(p pending) {
	select {
	case h.queue <- p:
	default:
		// Log the first drop and then one in 1024, so a storm does not
		// flood the log it is meant to explain.
		if n := h.dropped.Add(1); n == 1 || n%1024 == 0 {
			h.log.Warn("events: queue full, event dropped (a call never waits for viewers)", "dropped_total", n, "queue", cap(h.queue))
		}
	}
}

// Stats returns the hub's counters.
func (h *Hub) Stats() Stats {
	h.mu.Lock()
	n := len(h.subs)
	h.mu.Unlock()
	return Stats{Dropped: h.dropped.Load(), Lost: h.lost.Load(), SlowDropped: h.slow.Load(), Subscribers: n}
}

// Run writes queued events to the store in batches and fans them out, until
// ctx is done; then it writes and fans out what is still queued, ends every
// subscription (Stopped reports true) and waits, up to FlushWait, for the
// subscribers to close theirs: a service stopping after its last call
// stops the hub before its streams, so viewers get that call's end.
func (h *Hub) Run(ctx context.Context) {
	// Writes are not cancelled with ctx: what was taken from the queue is
	// stored, or a client resuming after a restart would miss it.
	wctx := context.WithoutCancel(ctx)
	buf := make([]pending, 0, h.batch)
	var linger *time.Timer
	if h.linger > 0 {
		linger = time.NewTimer(h.linger)
		linger.Stop()
		defer linger.Stop()
	}
	var tick <-chan time.Time
	if h.follow > 0 {
		h.startFollowing(wctx, 0)
		t := time.NewTicker(h.follow)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			h.shutdown(wctx, buf[:0])
			return
		case p := <-h.queue:
			buf = h.take(append(buf[:0], p))
			if linger != nil && len(buf) < h.batch {
				var stopped bool
				if buf, stopped = h.gather(ctx, buf, linger); stopped {
					h.shutdown(wctx, buf)
					return
				}
			}
			h.flush(wctx, buf)
		case <-tick:
			h.catchUp(wctx, 0)
		}
	}
}

// shutdown writes buf and what is still queued, then ends the subscriptions.
func (h *Hub) shutdown(ctx context.Context, buf []pending) {
	h.drain(ctx, buf)
	h.catchUp(ctx, 0)
	h.stop()
}

// stop ends every subscription and waits for their readers to close them.
func (h *Hub) stop() {
	h.mu.Lock()
	h.stopped = true
	for s := range h.subs {
		delete(h.subs, s)
		s.stopped = true // read by the subscriber after the close below
		close(s.ch)
	}
	h.mu.Unlock()
	flushed := make(chan struct{})
	go func() { h.open.Wait(); close(flushed) }()
	select {
	case <-flushed:
	case <-time.After(h.flushWait):
		h.log.Warn("events: subscribers still sending at shutdown", "waited", h.flushWait)
	}
}

// take adds to buf what is queued, up to a batch, without waiting.
func (h *Hub) take(buf []pending) []pending {
	for len(buf) < h.batch {
		select {
		case p := <-h.queue:
			buf = append(buf, p)
		default:
			return buf
		}
	}
	return buf
}

// gather adds to buf what arrives within the linger, up to a batch; stopped
// reports that ctx ended meanwhile (buf is then still to be written).
func (h *Hub) gather(ctx context.Context, buf []pending, linger *time.Timer) (_ []pending, stopped bool) {
	linger.Reset(h.linger)
	defer linger.Stop()
	for len(buf) < h.batch {
		select {
		case p := <-h.queue:
			buf = append(buf, p)
		case <-linger.C:
			return buf, false
		case <-ctx.Done():
			return buf, true
		}
	}
	return buf, false
}

// drain writes buf and then what is left in the queue, at shutdown.
func (h *Hub) drain(ctx context.Context, buf []pending) {
	for {
		if buf = h.take(buf); len(buf) == 0 {
			return
		}
		h.flush(ctx, buf)
		buf = buf[:0]
	}
}

// flush stores one batch and fans it out; a panic (in a conversion or the
// store) loses this batch only, never the hub.
func (h *Hub) flush(ctx context.Context, buf []pending) {
	var envs []Envelope
	if p := safe.Run(h.log, "events hub flush", func() { envs = h.store(ctx, buf) }); p != nil {
		h.lost.Add(int64(len(buf)))
		return
	}
	if h.follow > 0 {
		var own int64
		if len(envs) > 0 {
			own = envs[0].Seq
		}
		h.catchUp(ctx, own) // this batch and whatever other nodes stored before it, in seq order
		return
	}
	h.fanout(envs)
}

// store converts and stores a batch, returning the envelopes with seqs.
func (h *Hub) store(ctx context.Context, buf []pending) []Envelope {
	envs := make([]Envelope, 0, len(buf))
	for _, p := range buf {
		if p.ready {
			envs = append(envs, p.env)
			continue
		}
		env, ok, err := FromCall(p.call)
		if err != nil {
			h.lost.Add(1)
			h.log.Warn("events: event not converted", "err", err)
			continue
		}
		if ok {
			envs = append(envs, env)
		}
	}
	if len(envs) == 0 {
		return nil
	}
	rows := make([]store.EventRow, len(envs))
	for i, e := range envs {
		rows[i] = store.EventRow{At: e.At, Type: e.Type, Campaign: e.Campaign, CallID: e.Call, DebtorID: e.Debtor, Body: e.Data}
	}
	if err := h.st.AppendEvents(ctx, rows); err != nil {
		// Not sent live either: a client must be able to replay
		// everything it was sent, or its resume seq would skip.
		h.lost.Add(int64(len(envs)))
		h.log.Error("events: batch not stored", "events", len(envs), "err", err)
		return nil
	}
	for i := range envs {
		envs[i].Seq = rows[i].Seq
	}
	return envs
}

// fanout hands each envelope to every matching subscriber without
// waiting: a subscriber whose buffer is full is dropped.
func (h *Hub) fanout(envs []Envelope) {
	if len(envs) == 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		for _, e := range envs {
			if !s.wants(e.Campaign) {
				continue
			}
			select {
			case s.ch <- e:
			default:
				delete(h.subs, s)
				close(s.ch) // only the hub sends or closes, under mu: safe
				h.slow.Add(1)
			}
			if _, still := h.subs[s]; !still {
				break
			}
		}
	}
}

// Since returns up to limit stored events after seq, in order.
func (h *Hub) Since(ctx context.Context, seq int64, f store.EventFilter, limit int) ([]Envelope, error) {
	rows, err := h.st.EventsSince(ctx, seq, f, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Envelope, len(rows))
	for i, r := range rows {
		out[i] = envelopeOf(r)
	}
	return out, nil
}

// envelopeOf is a stored event as clients get it.
func envelopeOf(r store.EventRow) Envelope {
	return Envelope{Type: r.Type, Seq: r.Seq, At: r.At, Campaign: r.Campaign, Call: r.CallID, Debtor: r.DebtorID, Data: r.Body}
}

// Subscription receives live events in seq order. C is closed when the hub
// dropped it for being too slow, or stopped (Stopped tells which).
type Subscription struct {
	campaigns map[string]bool // empty: every campaign
	ch        chan Envelope
	hub       *Hub
	stopped   bool // set by the hub before it closes ch
	closeOnce sync.Once
}

// C is the subscription's channel.
func (s *Subscription) C() <-chan Envelope { return s.ch }

// Stopped reports, once C is closed, whether the hub stopped (the service
// is shutting down) rather than dropped a slow subscriber.
func (s *Subscription) Stopped() bool { return s.stopped }

func (s *Subscription) wants(campaign string) bool {
	return len(s.campaigns) == 0 || s.campaigns[campaign]
}

// Subscribe registers for live events of campaigns (none: all) with a send
// buffer of size buf. Every event stored after Subscribe returns reaches it
// (unless it is dropped as slow).
func (h *Hub) Subscribe(campaigns []string, buf int) *Subscription {
	if buf <= 0 {
		buf = 1
	}
	s := &Subscription{campaigns: map[string]bool{}, ch: make(chan Envelope, buf), hub: h}
	for _, c := range campaigns {
		s.campaigns[c] = true
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopped {
		s.stopped = true
		s.closeOnce.Do(func() {}) // nothing for the hub to wait on
		close(s.ch)
		return s
	}
	h.subs[s] = struct{}{}
	h.open.Add(1)
	return s
}

// Close unregisters the subscription; the subscriber calls it when it has
// sent what it will send.
func (s *Subscription) Close() {
	s.closeOnce.Do(func() {
		s.hub.mu.Lock()
		delete(s.hub.subs, s)
		s.hub.mu.Unlock()
		s.hub.open.Done()
	})
}
