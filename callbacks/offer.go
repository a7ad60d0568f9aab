package callbacks

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/events"
	"github.com/dozvon/dozvon/handoff"
	"github.com/dozvon/dozvon/internal/safe"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/store"
)

// Presence says whether a collector is online and their phone registered;
// *handoff.Directory implements it.
type Presence interface {
	Presence(login string) handoff.Presence
}

// Placer places a click-to-call; *callflow.Flow implements it.
type Placer interface {
	ClickToCall(life, ctx context.Context, req callflow.ClickToCall) (string, <-chan callflow.Report, error)
}

// Store is what the offers take and settle; *store.DB implements it.
type Store interface {
	TakeOffer(ctx context.Context, debtorID, collector, holder string, now time.Time, ttl time.Duration) (store.Task, error)
	RenewLease(ctx context.Context, taskID int64, holder string, until time.Time) error
	FinishTask(ctx context.Context, taskID int64, holder string, now time.Time, u store.TaskUpdate) error
	Debtor(ctx context.Context, id string) (store.Debtor, error)
}

// Config configures the offers.
type Config struct {
	// Grace is how long the robot holds off a due callback offered to its
	// collector (0: DefaultGrace).
	Grace time.Duration
	// Node names this node on a collector's lease of a task (host:pid).
	Node  string
	Clock clock.Clock  // nil: the wall clock
	Log   *slog.Logger // nil: discard
	// Mail e-mails a collector of a callback offered to them (nil: no e-mail).
	Mail *Mail
}

// DefaultGrace is Config.Grace's default: long enough to see the page or
// pick up the phone, short enough for a callback promised to the minute.
const DefaultGrace = 5 * time.Minute

// leaseTTL is a collector's lease of a task they call, renewed every third
// of it while the call lives: a node that dies mid-call leaves the task to
// the robot after at most this long.
const leaseTTL = time.Minute

// Offers offers due callbacks to their collectors before the robot (it is
// the scheduler's Offerer) and settles a task from its collector's call (it
// is the API's click-to-call door). Safe for concurrent use.
type Offers struct {
	cfg   Config
	st    Store
	dir   Presence
	calls Placer
	live  Publisher
	life  context.Context // the service's: a call outlives the request that started it
	wg    sync.WaitGroup
}

// New returns the offers of a service whose calls live on life. dir nil:
// nobody is ever online (every callback is the robot's); calls nil: no
// phone is rung.
func New(life context.Context, st Store, dir Presence, calls Placer, live Publisher, cfg Config) *Offers {
	if cfg.Grace <= 0 {
		cfg.Grace = DefaultGrace
	}
	cfg.Clock = clock.Or(cfg.Clock)
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Offers{cfg: cfg, st: st, dir: dir, calls: calls, live: live, life: life}
}

// Wait waits for the calls the offers started or settle to end.
func (o *Offers) Wait() { o.wg.Wait() }

// Grace is how long the robot holds off due callback t pinned to a
// collector: the grace period when the collector is online or can be
// e-mailed (the notice may bring them to their page within it), else 0 —
// and 0 when t's offer has run out (the robot's fallback). The robot's turn
// is told on the live stream (callback.fallback).
func (o *Offers) Grace(_ context.Context, t store.Task) time.Duration {
	switch {
	case t.OfferedTo != "":
		o.publish(events.CallbackFallback(t, events.FallbackNotCalled, o.cfg.Clock.Now()))
		return 0
	case (o.dir == nil || !o.dir.Presence(t.PinnedTo).Online()) && !o.mailable(t.PinnedTo):
		o.publish(events.CallbackFallback(t, events.FallbackOffline, o.cfg.Clock.Now()))
		return 0
	}
	return o.cfg.Grace
}

// Offered tells the collector of due callback t, offered to them until
// `until` (callback.offered: their page shows it on top; an e-mail when
// they have an address), and rings their phone when it is registered:
// answered, it is a click-to-call to the debtor, through the guard.
func (o *Offers) Offered(_ context.Context, t store.Task, until time.Time) {
	ring := o.calls != nil && o.dir != nil && o.dir.Presence(t.OfferedTo).Registered
	o.publish(events.CallbackOffered(t, until, ring, o.cfg.Clock.Now()))
	o.cfg.Log.Info("callback offered", "task", t.ID, "collector", t.OfferedTo, "until", until, "ring", ring)
	o.mail(t, until)
	if !ring {
		return
	}
	o.wg.Add(1)
	safe.Go(o.cfg.Log, "callback ring", func() {
		defer o.wg.Done()
		o.ring(t)
	}, func(*safe.Panic) { o.wg.Done() })
}

// ring places the collector's click-to-call for offered task t.
func (o *Offers) ring(t store.Task) {
	d, err := o.st.Debtor(o.life, t.DebtorID)
	if err != nil {
		o.cfg.Log.Warn("callback ring: debtor", "task", t.ID, "err", err)
		return
	}
	phone, err := phonenum.Parse(t.Phone)
	if err != nil {
		o.cfg.Log.Warn("callback ring: the task's number", "task", t.ID, "err", err)
		return
	}
	if _, err := o.ClickToCall(o.life, callflow.ClickToCall{DebtorID: d.ID, Name: d.Name, Phone: phone, Region: d.Region, Collector: t.OfferedTo}); err != nil {
		o.cfg.Log.Info("callback ring: not bridged", "task", t.ID, "collector", t.OfferedTo, "err", err)
	}
}

func (o *Offers) publish(env events.Envelope, err error) {
	if err != nil {
		o.cfg.Log.Error("callback event", "err", err)
		return
	}
	if o.live != nil {
		o.live.Publish(env)
	}
}
