package scheduler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/internal/safe"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/store"
)

// Store is what the scheduler needs from persistence; *store.DB implements it.
type Store interface {
	Campaigns(ctx context.Context, state string) ([]store.Campaign, error)
	LeaseTasks(ctx context.Context, campaignID string, now time.Time, n int, holder string, ttl time.Duration) ([]store.Task, error)
	RenewLease(ctx context.Context, taskID int64, holder string, until time.Time) error
	ReleaseTask(ctx context.Context, taskID int64, holder string, now time.Time) error
	FinishTask(ctx context.Context, taskID int64, holder string, now time.Time, u store.TaskUpdate) error
	NextDue(ctx context.Context, campaignID string) (time.Time, bool, error)
	Debtor(ctx context.Context, id string) (store.Debtor, error)
	DebtorDetailsOf(ctx context.Context, debtorID string) (store.DebtorDetails, error)
	DebtorAttempts(ctx context.Context, campaignID, debtorID string) (int, error)
	AddBlock(ctx context.Context, b store.Block) (int64, error)
	SetPhoneStatus(ctx context.Context, s store.PhoneStatus) error
	UnfinishedCall(ctx context.Context, t store.Task) (store.CallRecord, bool, error)
	OfferTask(ctx context.Context, taskID int64, holder, collector string, now, until time.Time) error
}

// Guard is the 230-FZ guard as the scheduler uses it; *compliance.Guard implements it.
type Guard interface {
	Reserve(ctx context.Context, r compliance.Request) (compliance.Reservation, compliance.Decision, error)
	Commit(ctx context.Context, res compliance.Reservation, kind compliance.Kind) error
	Release(ctx context.Context, res compliance.Reservation) error
}

// Call is one dial the scheduler asks for, after the guard granted it.
type Call struct {
	Task          store.Task
	Script        string   // the campaign's script path
	Trunks        []string // in order of preference; empty: the UA's default
	CallerID      string
	Debtor        store.Debtor
	Details       store.DebtorDetails
	ReservationID string
	// Reservation is the guard's grant for this call; the dialer hands it to
	// telephony as the Permit without which a number cannot be dialed.
	Reservation compliance.Reservation
	TransferTo  string // the debtor's collector's number, when the campaign knows it
	// NonHuman is the campaign's reaction to a first phrase that is not a
	// person, as the campaign config has it (Config.NonHuman).
	NonHuman json.RawMessage
}

// Dialer places one call and runs the robot on it. An error with an empty
// Attempt.Result means the call never left (the reservation is released);
// otherwise the Attempt is what happened.
type Dialer interface {
	Dial(ctx context.Context, c Call) (Attempt, error)
}

// Recoverer is a Dialer that reads a stored call as the attempt it was. A
// task whose call ended but whose node died before finishing the task is
// finished from that call when it is leased again, instead of the debtor
// being dialled again for what they already answered.
type Recoverer interface {
	Recover(rec store.CallRecord) Attempt
}

// Jumper is a Clock the scheduler may move forward itself when it has
// nothing in flight: a simulation's clock (clock.Sim).
type Jumper interface {
	clock.Clock
	JumpTo(t time.Time)
}

// Event reports what happened to one task: for progress lines and results.
type Event struct {
	Campaign string
	Task     store.Task
	Decision *compliance.Decision // nil when the guard was not asked (error before)
	Attempt  *Attempt             // nil when no call was placed
	Update   store.TaskUpdate
	Err      error
}

// Options configure a Scheduler.
type Options struct {
	Store    Store
	Guard    Guard
	Dialer   Dialer
	Clock    clock.Clock   // nil: the wall clock
	Log      *slog.Logger  // nil: discard
	Holder   string        // names this node on its leases (host:pid)
	Channels int           // simultaneous calls over all campaigns (≥ 1)
	LeaseTTL time.Duration // a lease not renewed for this long is handed to another node (default 2 min)
	Poll     time.Duration // the longest wait when work is due but cannot start (default 1 s)
	OnEvent  func(Event)   // called after each task is handled, from the call's goroutine
	// StoreOutage is how long Run rides out a failing store (a locked or
	// restarting database) before it gives up with the error (default 2 min);
	// calls in flight go on meanwhile.
	StoreOutage time.Duration
	// CheckConfig, when set, checks the parts of a campaign's config that
	// belong to the dialer (Config.NonHuman); a campaign that fails is skipped.
	CheckConfig func(Config) error
	// Offer, when set, is asked before the robot dials a due callback
	// pinned to a collector (see Offerer); nil: the robot dials it.
	Offer Offerer
}

// Scheduler runs campaigns: it leases due tasks, shares the channels among
// campaigns by PickFair, asks the guard, dials, and applies the retry rules.
type Scheduler struct {
	o       Options
	mu      sync.Mutex
	camps   map[string]*run
	regions map[string]compliance.Location // resolved address regions (caller-ID choice), by region text
}

// run is one campaign as the scheduler runs it.
type run struct {
	c        store.Campaign
	cfg      Config
	plan     *plan
	limiter  *rate.Limiter // nil: unlimited
	inFlight int
}

// New checks the options and returns a scheduler.
func New(o Options) (*Scheduler, error) {
	if o.Store == nil || o.Guard == nil || o.Dialer == nil {
		return nil, errors.New("new scheduler: store, guard and dialer are required")
	}
	if o.Channels < 1 {
		return nil, fmt.Errorf("new scheduler: %d channels, want at least 1", o.Channels)
	}
	o.Clock = clock.Or(o.Clock)
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Holder == "" {
		o.Holder = "scheduler"
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = 2 * time.Minute
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	return &Scheduler{o: o, camps: map[string]*run{}, regions: map[string]compliance.Location{}}, nil
}

// ParseConfig reads and validates a campaign's stored config; checks are the
// dialer's own checks of its parts (Options.CheckConfig).
func ParseConfig(c store.Campaign, checks ...func(Config) error) (Config, error) {
	var cfg Config
	dec := json.NewDecoder(strings.NewReader(c.Config))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return Config{}, fmt.Errorf("campaign %s: config: %w", c.ID, err)
	}
	if cfg.Priority == 0 {
		cfg.Priority = c.Priority
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, fmt.Errorf("campaign %s: %w", c.ID, err)
	}
	for _, check := range checks {
		if check == nil {
			continue
		}
		if err := check(cfg); err != nil {
			return Config{}, fmt.Errorf("campaign %s: config: %w", c.ID, err)
		}
	}
	return cfg, nil
}

// refresh loads the active campaigns, keeping the state of those already running.
func (s *Scheduler) refresh(ctx context.Context) ([]*run, error) {
	cs, err := s.o.Store.Campaigns(ctx, store.CampaignActive)
	if err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*run
	for _, c := range cs {
		r := s.camps[c.ID]
		if r == nil || r.c.Config != c.Config || r.c.Priority != c.Priority {
			cfg, err := ParseConfig(c, s.o.CheckConfig)
			if err != nil {
				s.o.Log.Error("campaign skipped", "campaign", c.ID, "err", err)
				continue
			}
			p, _ := cfg.Schedule.parse() // validated
			if r == nil {
				r = &run{}
				s.camps[c.ID] = r
			}
			// Updated in place: calls in flight hold r and count themselves off it.
			r.c, r.cfg, r.plan, r.limiter = c, cfg, p, nil
			if cfg.CPS > 0 {
				r.limiter = rate.NewLimiter(rate.Limit(cfg.CPS), 1)
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// Draining is a Store that can say it has stopped handing out tasks (serve's
// drain): the scheduler then releases the tasks it leased ahead instead of
// starting them.
type Draining interface{ Draining() bool }

// Run dials until ctx ends, or — when until is not zero — until nothing is
// in flight and no task falls due before until. It returns nil in the latter
// case and ctx's error in the former (after the calls in flight end).
//
// Tasks are leased in batches (one store transaction for as many channels as
// fairness, the campaign's limit and its CPS limiter give it now or within
// the lease horizon); a task leased before its CPS slot waits for it holding
// a channel, and is released back to pending if the run ends or drains first.
// Leased-ahead tasks start as the limiter allows at that moment (burst 1), so
// a loop held up by a slow store never starts the overdue ones all at once.
func (s *Scheduler) Run(ctx context.Context, until time.Time) error {
	done := make(chan struct{}, s.o.Channels)
	inFlight := 0
	var wg sync.WaitGroup
	defer wg.Wait()
	queued := map[*run][]store.Task{} // leased ahead of their CPS slots, in lease order
	nQueued := 0
	release := func(r *run) {
		for _, t := range queued[r] {
			if err := s.o.Store.ReleaseTask(context.WithoutCancel(ctx), t.ID, s.o.Holder, s.o.Clock.Now()); err != nil {
				s.o.Log.Error("release task leased ahead", "task", t.ID, "err", err)
			}
		}
		nQueued -= len(queued[r])
		delete(queued, r)
	}
	defer func() { // after wg.Wait's defer: the queue is Run's own
		for r := range queued {
			release(r)
		}
	}()
	start := func(r *run, t store.Task) {
		s.mu.Lock()
		r.inFlight++
		id, cfg := r.c.ID, r.cfg // a snapshot: refresh may update r while the call runs
		s.mu.Unlock()
		inFlight++
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				s.mu.Lock()
				r.inFlight--
				s.mu.Unlock()
				done <- struct{}{}
			}()
			// a panic in one task's call ends that task's turn, not the run
			defer safe.Recover(s.o.Log, "scheduler task", func(p *safe.Panic) { s.panicked(ctx, cfg, t, p) })
			s.handle(ctx, id, cfg, t)
		}()
	}
	// startQueued starts r's queued tasks as its limiter allows now.
	startQueued := func(ctx context.Context, r *run, now time.Time) {
		q := queued[r]
		n := 0
		for n < len(q) && (r.limiter == nil || r.limiter.AllowN(now, 1)) {
			if s.renewAhead(ctx, q[n], now) {
				start(r, q[n])
			}
			n++
		}
		nQueued -= n
		if queued[r] = q[n:]; len(queued[r]) == 0 {
			delete(queued, r)
		}
	}
	outage := storeOutage{limit: s.o.StoreOutage, log: s.o.Log}
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		camps, err := s.refresh(ctx)
		if err != nil {
			if err := outage.ride(ctx, err); err != nil {
				return err
			}
			continue
		}
		now := s.o.Clock.Now()
		d, ok := s.o.Store.(Draining)
		draining := ok && d.Draining()
		for r := range queued {
			if draining || !slices.Contains(camps, r) { // drained, or the campaign was paused
				release(r)
				continue
			}
			startQueued(ctx, r, now)
		}
		empty := map[*run]bool{}
		for inFlight+nQueued < s.o.Channels {
			share := s.share(camps, queued, empty, now, s.o.Channels-inFlight-nQueued)
			if share == nil {
				break
			}
			for i, k := range share {
				if k == 0 {
					continue
				}
				r := camps[i]
				tasks, err := s.o.Store.LeaseTasks(ctx, r.c.ID, now, k, s.o.Holder, s.o.LeaseTTL)
				if err != nil {
					if ctx.Err() != nil {
						return ctx.Err()
					}
					s.o.Log.Error("lease tasks", "campaign", r.c.ID, "err", err)
				}
				if len(tasks) < k {
					empty[r] = true // its unused share goes to the others on the next round
				}
				queued[r] = append(queued[r], tasks...)
				nQueued += len(tasks)
				startQueued(ctx, r, now)
			}
		}
		wake, any, err := s.nextWake(ctx, camps, now)
		if err != nil {
			if err := outage.ride(ctx, err); err != nil {
				return err
			}
			continue
		}
		outage.over()
		for r := range queued {
			if at := r.nextToken(now); !any || at.Before(wake) {
				wake = at
			}
			any = true
		}
		if inFlight == 0 && nQueued == 0 && (!any || (!until.IsZero() && wake.After(until))) {
			if until.IsZero() && !any {
				wake = now.Add(s.o.Poll) // serving: look again for new campaigns
			} else {
				return nil
			}
		}
		if inFlight+nQueued < s.o.Channels && any && !wake.After(now) {
			wake = now.Add(s.o.Poll) // due work that cannot start now (debtor busy in another campaign)
		}
		if inFlight+nQueued >= s.o.Channels && nQueued == 0 {
			wake = time.Time{} // only a finished call can free a channel
		}
		if j, ok := s.o.Clock.(Jumper); ok && inFlight == 0 {
			j.JumpTo(wake)
			continue
		}
		if err := s.wait(ctx, wake, now, done, &inFlight); err != nil {
			return err
		}
	}
}

// share splits free channels among camps as PickFair would one at a time,
// counting tasks leased ahead as calls: it returns how many tasks to lease
// for each campaign, nil when none may take a channel. A CPS-limited
// campaign with no task waiting for a slot gets at most the slots its limiter has within the lease horizon
// (Poll, at most a third of LeaseTTL: a task waiting for its slot then
// starts, and keepLease first renews it, before its lease runs out).
func (s *Scheduler) share(camps []*run, queued map[*run][]store.Task, empty map[*run]bool, now time.Time, free int) []int {
	horizon := min(s.o.Poll, s.o.LeaseTTL/3)
	loads := make([]Load, len(camps))
	room := make([]int, len(camps))
	s.mu.Lock()
	for i, r := range camps {
		loads[i] = Load{Weight: r.cfg.Priority, InFlight: r.inFlight + len(queued[r]), Limit: r.cfg.Channels,
			Ready: !empty[r] && r.plan.active(now)}
		room[i] = free
		if r.limiter != nil {
			// Refilled only once its queue is empty: topping it up slot by
			// slot would lease one task per transaction again.
			room[i] = int(math.Floor(r.limiter.TokensAt(now) + horizon.Seconds()*r.cfg.CPS))
			loads[i].Ready = loads[i].Ready && room[i] >= 1 && len(queued[r]) == 0
		}
	}
	s.mu.Unlock()
	var share []int
	for range free {
		i := PickFair(loads)
		if i < 0 {
			break
		}
		if share == nil {
			share = make([]int, len(camps))
		}
		share[i]++
		loads[i].InFlight++
		if share[i] >= room[i] {
			loads[i].Ready = false
		}
	}
	return share
}

// nextToken is when r's limiter next allows a call (rounded up to the
// microsecond, so that waking then finds the token whole).
func (r *run) nextToken(now time.Time) time.Time {
	if r.limiter == nil {
		return now
	}
	tok := r.limiter.TokensAt(now)
	if tok >= 1 {
		return now
	}
	return now.Add(time.Duration(math.Ceil((1-tok)/r.cfg.CPS*1e6)) * time.Microsecond)
}

// renewAhead makes sure a task leased ahead still has the lease keepLease
// needs (it first renews a third of the TTL after the call starts); it
// reports false when the lease was lost meanwhile.
func (s *Scheduler) renewAhead(ctx context.Context, t store.Task, now time.Time) bool {
	if t.LeaseUntil.Sub(now) >= 2*s.o.LeaseTTL/3 {
		return true
	}
	err := s.o.Store.RenewLease(ctx, t.ID, s.o.Holder, now.Add(s.o.LeaseTTL))
	if errors.Is(err, store.ErrLeaseLost) {
		s.o.Log.Error("lease of a task leased ahead lost: not dialled", "task", t.ID)
		return false
	}
	if err != nil {
		s.o.Log.Warn("renew lease", "task", t.ID, "err", err) // still held until LeaseUntil; keepLease retries
	}
	return true
}

// storeOutage rides out store errors in Run: it waits with a growing pause
// (0.5 s doubling to 15 s, real time) and gives up once the store has been
// failing for longer than limit.
type storeOutage struct {
	limit time.Duration
	log   *slog.Logger
	since time.Time // when the current outage began (zero: none)
	pause time.Duration
}

func (o *storeOutage) ride(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	limit := o.limit
	if limit <= 0 {
		limit = 2 * time.Minute
	}
	now := time.Now()
	if o.since.IsZero() {
		o.since, o.pause = now, 500*time.Millisecond
	}
	if now.Sub(o.since) >= limit {
		return fmt.Errorf("%w (failing for %v)", err, now.Sub(o.since).Round(time.Second))
	}
	o.log.Error("store failing; retrying", "err", err, "retry_in", o.pause)
	t := time.NewTimer(o.pause)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		return ctx.Err()
	}
	o.pause = min(2*o.pause, 15*time.Second)
	return nil
}

func (o *storeOutage) over() {
	if !o.since.IsZero() {
		o.log.Info("store back", "after", time.Since(o.since).Round(time.Millisecond))
		o.since = time.Time{}
	}
}

// wait blocks until a call ends, the wake time comes (real clock), or ctx ends.
func (s *Scheduler) wait(ctx context.Context, wake, now time.Time, done chan struct{}, inFlight *int) error {
	var timer <-chan time.Time
	if _, sim := s.o.Clock.(Jumper); !sim && !wake.IsZero() {
		t := time.NewTimer(max(wake.Sub(now), time.Millisecond))
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-done:
		*inFlight--
		// Collect every other call that ended meanwhile.
		for {
			select {
			case <-done:
				*inFlight--
				continue
			default:
			}
			return nil
		}
	case <-timer:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// nextWake is the earliest time something may become dialable: a task falling
// due inside its campaign's schedule, or a CPS token. any is false when no
// campaign has pending or leased tasks.
func (s *Scheduler) nextWake(ctx context.Context, camps []*run, now time.Time) (time.Time, bool, error) {
	var wake time.Time
	any := false
	for _, r := range camps {
		due, ok, err := s.o.Store.NextDue(ctx, r.c.ID)
		if err != nil {
			if ctx.Err() != nil {
				return time.Time{}, false, ctx.Err()
			}
			return time.Time{}, false, fmt.Errorf("scheduler: %w", err)
		}
		if !ok {
			continue
		}
		any = true
		if due.Before(now) {
			due = now
		}
		if n := r.plan.next(due); !n.IsZero() {
			due = n
		}
		if r.limiter != nil {
			if tok := r.limiter.TokensAt(due); tok < 1 {
				due = due.Add(time.Duration((1 - tok) / r.cfg.CPS * float64(time.Second)))
			}
		}
		if wake.IsZero() || due.Before(wake) {
			wake = due
		}
	}
	return wake, any, nil
}

// handle runs one leased task: guard, dial, commit, rules, effects.
func (s *Scheduler) handle(ctx context.Context, campaignID string, cfg Config, t store.Task) {
	ev := Event{Campaign: campaignID, Task: t}
	bg := context.WithoutCancel(ctx) // bookkeeping survives a shutdown
	finish := func(u store.TaskUpdate) {
		ev.Update = u
		if err := s.o.Store.FinishTask(bg, t.ID, s.o.Holder, s.o.Clock.Now(), u); err != nil {
			s.o.Log.Error("finish task", "task", t.ID, "err", err)
			if ev.Err == nil {
				ev.Err = err
			}
		}
		if s.o.OnEvent != nil {
			s.o.OnEvent(ev)
		}
	}
	now := s.o.Clock.Now()
	debtor, err := s.o.Store.Debtor(ctx, t.DebtorID)
	if err != nil {
		ev.Err = err
		state, due := store.TaskPending, now.Add(time.Duration(cfg.Retry.Failed))
		if errors.Is(err, store.ErrNotFound) {
			state = store.TaskExhausted
		}
		finish(store.TaskUpdate{State: state, DueAt: due, Reason: "error: " + err.Error()})
		return
	}
	details, err := s.o.Store.DebtorDetailsOf(ctx, t.DebtorID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.o.Log.Warn("debtor details", "debtor", t.DebtorID, "err", err)
	}
	if s.recovered(ctx, cfg, t, details.Collector, finish, &ev) {
		return
	}
	if s.offered(ctx, t, &ev) {
		return
	}
	phone, err := phonenum.Parse(t.Phone)
	var res compliance.Reservation
	var dec compliance.Decision
	if err == nil {
		res, dec, err = s.o.Guard.Reserve(ctx, compliance.Request{DebtorID: t.DebtorID, Phone: phone, Channel: compliance.RobotCall,
			Region: debtor.Region, District: debtor.District})
	}
	if err != nil {
		ev.Err = err
		finish(store.TaskUpdate{State: store.TaskPending, DueAt: now.Add(time.Duration(cfg.Retry.Failed)), LastResult: "error", Reason: "guard: " + err.Error()})
		return
	}
	ev.Decision = &dec
	if !dec.Allowed {
		u := store.TaskUpdate{State: store.TaskPending, DueAt: dec.NextAllowedAt, LastResult: ResultDenied,
			Reason: "230-FZ " + strings.Join(dec.Reasons, ",") + ": " + dec.Detail, PinnedTo: t.PinnedTo}
		if u.DueAt.IsZero() {
			// Blocked, or nothing allowed within the guard's horizon: look again tomorrow.
			u.DueAt = now.Add(24 * time.Hour)
			if slices.Contains(dec.Reasons, compliance.ReasonBlocked) {
				u.NextPhoneAt = now // a block on this number must not stall the debtor's other numbers
			}
		}
		finish(u)
		return
	}
	callCtx, cancel := context.WithCancel(ctx)
	stop := s.keepLease(callCtx, cancel, t.ID)
	var a Attempt
	p := safe.Run(s.o.Log, "scheduler call", func() {
		a, err = s.o.Dialer.Dial(callCtx, Call{Task: t, Script: cfg.Script, Trunks: cfg.Trunks, CallerID: s.callerID(cfg, debtor, dec),
			Debtor: debtor, Details: details, ReservationID: res.ID, Reservation: res, TransferTo: cfg.Collectors[details.Collector],
			NonHuman: cfg.NonHuman})
	})
	stop()
	cancel()
	if p != nil {
		// The call broke somewhere in the dialer: it failed, and the task is
		// retried by the failed rule. Whether it was answered is not known
		// here, so the reservation is neither released nor committed as an
		// attempt: it expires into what the ledger knows (a conversation once
		// the answer was marked, else an attempt).
		a, err = Attempt{Result: ResultFailed, Outcome: string(DialogueFailed)}, p
	}
	if err != nil && a.Result == "" {
		ev.Err = err
		if rerr := s.o.Guard.Release(bg, res); rerr != nil {
			s.o.Log.Error("release reservation", "task", t.ID, "err", rerr)
		}
		finish(store.TaskUpdate{State: store.TaskPending, DueAt: now.Add(time.Duration(cfg.Retry.Failed)), LastResult: "error", Reason: "dial: " + err.Error()})
		return
	}
	ev.Attempt, ev.Err = &a, err
	kind := a.Kind
	if kind == "" {
		kind = compliance.Attempt
	}
	if p != nil {
		s.o.Log.Warn("reservation left to expire after a panicked call", "task", t.ID, "reservation", res.ID)
	} else if err := s.o.Guard.Commit(bg, res, kind); err != nil {
		s.o.Log.Error("compliance commit failed (the reservation will expire into an attempt)", "task", t.ID, "err", err)
	}
	finish(s.settle(bg, cfg, t, a, now, details.Collector))
}

// recovered finishes t from the call its dead node saved but never counted
// (see Recoverer); it reports false when there is none. That call's
// reservation is the ledger's business: it expired into what it was.
func (s *Scheduler) recovered(ctx context.Context, cfg Config, t store.Task, collector string, finish func(store.TaskUpdate), ev *Event) bool {
	rc, ok := s.o.Dialer.(Recoverer)
	if !ok {
		return false
	}
	rec, found, err := s.o.Store.UnfinishedCall(ctx, t)
	if err != nil {
		s.o.Log.Warn("unfinished call", "task", t.ID, "err", err)
		return false
	}
	if !found {
		return false
	}
	a := rc.Recover(rec)
	ev.Attempt = &a
	s.o.Log.Info("task finished from the call its node saved before dying", "task", t.ID, "call", rec.ID, "outcome", rec.Outcome)
	finish(s.settle(context.WithoutCancel(ctx), cfg, t, a, rec.Started, collector))
	return true
}

// settle is the task update an attempt started at `at` calls for, with its
// effects on the debtor's data applied.
func (s *Scheduler) settle(ctx context.Context, cfg Config, t store.Task, a Attempt, at time.Time, collector string) store.TaskUpdate {
	end := s.o.Clock.Now()
	debtorAttempts, err := s.o.Store.DebtorAttempts(ctx, t.CampaignID, t.DebtorID)
	if err != nil {
		s.o.Log.Warn("debtor attempts", "debtor", t.DebtorID, "err", err)
	}
	v := decide(cfg.Retry, t, a, end, t.Attempts+1, debtorAttempts+1, collector)
	dur := time.Duration(0)
	if !a.Answered.IsZero() && a.Ended.After(a.Answered) {
		dur = a.Ended.Sub(a.Answered)
	}
	v.update.Call = &store.TaskCall{CallID: a.CallID, At: at, Result: a.Result, Outcome: a.Outcome, Duration: dur,
		CostKop: a.CostKop, Trunk: a.Trunk, CallerID: a.CallerID, RecordingPath: a.RecordingPath}
	s.apply(ctx, v.effect, t, end)
	return v.update
}

// panicked closes a task whose handling panicked outside the call (the call
// itself is recovered in handle): it is retried by the failed rule. Its
// reservation, if one was taken, is left to expire into what the ledger knows.
func (s *Scheduler) panicked(ctx context.Context, cfg Config, t store.Task, p *safe.Panic) {
	now := s.o.Clock.Now()
	u := store.TaskUpdate{State: store.TaskPending, DueAt: now.Add(time.Duration(cfg.Retry.Failed)), LastResult: ResultFailed, Reason: p.Error()}
	if err := s.o.Store.FinishTask(context.WithoutCancel(ctx), t.ID, s.o.Holder, now, u); err != nil {
		s.o.Log.Error("finish task after a panic", "task", t.ID, "err", err)
	}
}

// apply records what an outcome says about the debtor's data.
func (s *Scheduler) apply(ctx context.Context, e effect, t store.Task, now time.Time) {
	var err error
	switch e {
	case effectConfirm:
		err = s.o.Store.SetPhoneStatus(ctx, store.PhoneStatus{DebtorID: t.DebtorID, Phone: t.Phone, Status: store.PhoneConfirmed, Note: "robot call", At: now})
	case effectQuarantine:
		err = s.o.Store.SetPhoneStatus(ctx, store.PhoneStatus{DebtorID: t.DebtorID, Phone: t.Phone, Status: store.PhoneQuarantined, Note: "wrong person answered", At: now})
		if err == nil {
			_, err = s.o.Store.AddBlock(ctx, store.Block{DebtorID: t.DebtorID, Phone: t.Phone, Kind: "wrong_person", Note: "robot call: wrong person", Since: now})
		}
	case effectRefusal:
		_, err = s.o.Store.AddBlock(ctx, store.Block{DebtorID: t.DebtorID, Kind: "refusal", Note: "refused interaction on a robot call", Since: now})
		if err == nil {
			err = s.o.Store.SetPhoneStatus(ctx, store.PhoneStatus{DebtorID: t.DebtorID, Phone: t.Phone, Status: store.PhoneConfirmed, Note: "robot call: refused", At: now})
		}
	}
	if err != nil {
		s.o.Log.Error("outcome effect", "debtor", t.DebtorID, "phone", t.Phone, "err", err)
	}
}

// keepLease renews the task's lease every third of its TTL while the call
// runs; if the lease is lost (another node took the task) the call is cancelled.
func (s *Scheduler) keepLease(ctx context.Context, cancel context.CancelFunc, taskID int64) (stop func()) {
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		// a fault here stops the renewals only: the call goes on, and the
		// guard's reservation still keeps another node off this debtor
		defer safe.Recover(s.o.Log, "scheduler lease renewal", nil)
		tick := time.NewTicker(s.o.LeaseTTL / 3)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
				if err := s.o.Store.RenewLease(ctx, taskID, s.o.Holder, s.o.Clock.Now().Add(s.o.LeaseTTL)); err != nil {
					if errors.Is(err, store.ErrLeaseLost) {
						s.o.Log.Error("task lease lost: hanging up", "task", taskID)
						cancel()
						return
					}
					s.o.Log.Warn("renew lease", "task", taskID, "err", err)
				}
			}
		}
	}()
	return func() { close(quit); wg.Wait() }
}

// callerID picks the campaign's number for a debtor: one registered in the
// debtor's region, else one in the debtor's time zone, else the first.
func (s *Scheduler) callerID(cfg Config, d store.Debtor, dec compliance.Decision) string {
	if len(cfg.CallerIDs) == 0 {
		return ""
	}
	subj := s.resolve(d.Region).Subjects
	sameZone := ""
	for _, c := range cfg.CallerIDs {
		loc := s.resolve(c.Region)
		for _, x := range loc.Subjects {
			if slices.Contains(subj, x) {
				return c.Number
			}
		}
		if sameZone == "" && dec.Zone != "" && slices.Contains(loc.Zones, dec.Zone) {
			sameZone = c.Number
		}
	}
	if sameZone != "" {
		return sameZone
	}
	return cfg.CallerIDs[0].Number
}

// resolve finds an address region's subjects and zones once per region text;
// an empty or unknown region resolves to nothing.
func (s *Scheduler) resolve(region string) compliance.Location {
	if region == "" {
		return compliance.Location{}
	}
	s.mu.Lock()
	loc, ok := s.regions[region]
	s.mu.Unlock()
	if ok {
		return loc
	}
	loc, err := compliance.ResolveRegion(region, "")
	if err != nil || loc.Unknown {
		loc = compliance.Location{}
	}
	s.mu.Lock()
	s.regions[region] = loc
	s.mu.Unlock()
	return loc
}

// InFlight returns how many calls are up now, over all campaigns.
func (s *Scheduler) InFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.camps {
		n += r.inFlight
	}
	return n
}
