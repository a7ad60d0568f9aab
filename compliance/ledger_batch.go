package compliance

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dozvon/dozvon/store"
)

// maxOpBatch bounds the reservations and closes decided in one ledger
// transaction: the last of them waits behind the others' statements only.
const maxOpBatch = 256

// ledgerOp is one Reserve, Commit or Release waiting for its batch.
type ledgerOp struct {
	ctx context.Context
	// a reservation (req set) or a close of res
	req    *Request
	res    Reservation
	action string   // close: commit or release
	kind   string   // close: what it counts as ("" keeps the entry's kind)
	state  string   // close: the state it moves to
	from   []string // close: the states it may move from
	// lazy: a close whose loss to a power cut could only make the ledger
	// count more (syncLater); checked against the entry in the batch
	lazy bool
	// durable: its answer waits for the disk (a reservation, or a close
	// whose loss would undercount); set as the batch decides it. The
	// others are answered at the batch's COMMIT, before its sync.
	durable bool

	// results
	out     Reservation
	dec     Decision
	phone   string
	expired []store.LedgerEntry // this debtor's reservations the batch expired on the way
	err     error
	wake    chan bool   // true: lead the next batch; false: done
	batch   []*ledgerOp // the batch handed with the lead
	queued  time.Time   // when submitted, for an OpTrace
}

// opBatcher is the guard's group commit. Reservations and closes that
// arrive while a batch is being decided queue; the next batch decides them
// all in one ledger transaction, in arrival order, each against the ledger
// as the ones before it left it (their grants and closes included), and
// each caller hears its own decision only after the shared commit — and,
// for a reservation or a close whose loss would undercount, after the
// commit is on disk. There is no goroutine of its own: the first caller to
// find no batch running leads, and at its batch's COMMIT (not at the end
// of the sync) hands the lead, with the next batch already taken from the
// queue, to that batch's first caller, so no caller waits behind more than
// the batch before its own, and none behind another's sync.
//
// One durable flush on a decision's path. A reservation waits for the
// sync of its batch: the call is placed on it. A close whose loss is
// stricter (lossIsStricter: a release, an attempt, a conversation on a call
// durably marked answered, a message) is answered at its batch's COMMIT,
// even in a batch of reservations; it never waits for a sync, its own or
// another's. This never undercounts after a crash: a crash of the process
// loses nothing committed (SQLite's WAL is in the page cache, PostgreSQL's
// server goes on); a power cut loses only the log's tail after the last
// completed sync, and the log is written in order, so a lost close takes
// every later write with it and any decision answered after it had a sync
// of its own that kept it. The entry a lost close leaves — open, counted
// as its channel's worst case, then expiring into expiredKind — counts in
// every limit the close would have. A conversation on a call never marked
// answered would expire into an attempt, so its close waits for the disk
// (the batch turns durable, store.BatchTx.SyncNow); the call path marks an
// answered call durably before the robot speaks (callflow's hold), so in
// production such a close is rare. Not chosen: counting every expired call
// as a conversation (a node's crash would spend the day's conversation and
// an eighth of the month's of every debtor it was calling, answered or
// not), and writing the answered mark lazily (lost with the lazy close
// after it, the conversation would expire into an attempt).
type opBatcher struct {
	queue   []*ledgerOp
	leading bool
}

// LedgerParallel is what a Ledger may tell the guard: how many of its
// batches may run at once. A ledger without it runs one.
type LedgerParallel interface {
	LedgerBatchWidth() int
}

// opLanes are the guard's batchers, one per batch the ledger runs at once
// (LedgerParallel): one on SQLite (one writer; the store's own group commit
// joins whatever runs at once). On PostgreSQL a batch spends most of its
// time in round trips, not holding the server, so several run side by side.
//
// An operation goes to the lane where its debtor already has one queued or
// in the running batch: a debtor's operations are decided in arrival order
// in memory, and two batches never hold one debtor at once, so a hot debtor
// never makes one lane's batch wait for another's locks. A debtor with
// nothing pending goes to an idle lane, where its batch starts at once, or,
// when every lane is busy, to the one with the shortest queue. (A lane fixed
// by the debtor's hash made an operation wait for its own lane's running
// batch while other lanes were idle: that wait was half of a slow
// decision's time at 500/s, bench guard --trace-slow.) Different debtors
// of one person or number may still meet in two lanes; the ledger locks
// (debtors, then persons and numbers, each class sorted) order them as
// they order batches of two nodes.
type opLanes struct {
	mu    sync.Mutex
	lanes []*opBatcher
	// pending: per debtor with operations queued or being decided, its
	// lane and how many (only with several lanes)
	pending map[string]pendingOps
}

type pendingOps struct {
	lane *opBatcher
	n    int
}

func newLanes(n int) *opLanes {
	ls := &opLanes{lanes: make([]*opBatcher, max(1, n)), pending: map[string]pendingOps{}}
	for i := range ls.lanes {
		ls.lanes[i] = &opBatcher{}
	}
	return ls
}

// route picks debtorID's lane and counts the operation in it; ls.mu is held.
func (ls *opLanes) route(debtorID string) *opBatcher {
	if len(ls.lanes) == 1 {
		return ls.lanes[0]
	}
	p, ok := ls.pending[debtorID]
	if !ok {
		for _, b := range ls.lanes {
			if !b.leading {
				p.lane = b
				break
			}
			if p.lane == nil || len(b.queue) < len(p.lane.queue) {
				p.lane = b
			}
		}
	}
	p.n++
	ls.pending[debtorID] = p
	return p.lane
}

// done uncounts batch's operations, decided; ls.mu is held.
func (ls *opLanes) done(batch []*ledgerOp) {
	if len(ls.lanes) == 1 {
		return
	}
	for _, op := range batch {
		id := op.debtorID()
		if p := ls.pending[id]; p.n > 1 {
			p.n--
			ls.pending[id] = p
		} else {
			delete(ls.pending, id)
		}
	}
}

// take removes the next batch from the queue; the lanes' mu is held.
func (b *opBatcher) take() []*ledgerOp {
	n := min(len(b.queue), maxOpBatch)
	batch := b.queue[:n:n]
	b.queue = b.queue[n:]
	if len(b.queue) == 0 {
		b.queue = nil // let the old array go
	}
	return batch
}

// submit queues op and returns when it is decided.
func (g *Guard) submit(op *ledgerOp) {
	op.wake = make(chan bool, 1)
	if opTraceOf(op.ctx) != nil {
		op.queued = time.Now()
	}
	ls := g.ops
	ls.mu.Lock()
	b := ls.route(op.debtorID())
	b.queue = append(b.queue, op)
	lead := !b.leading
	var batch []*ledgerOp
	if lead {
		b.leading = true
		batch = b.take() // op alone: the queue waits only behind a lead
	}
	ls.mu.Unlock()
	if !lead {
		if lead = <-op.wake; !lead {
			return
		}
		batch, op.batch = op.batch, nil
	}
	if g.leadBatch(op, b, batch) {
		<-op.wake // answered by the batch's sync (runOps)
	}
}

// leadBatch runs batch, led by op, hands the lead on and answers the
// batch's operations that do not wait for the disk; it tells whether op
// does (its answer then comes from the sync, like the other durable ones').
func (g *Guard) leadBatch(op *ledgerOp, b *opBatcher, batch []*ledgerOp) (wait bool) {
	ls := g.ops
	var late map[*ledgerOp]bool
	defer func() {
		// Hand the lead on and answer the batch even if deciding it
		// panicked: the others get an error, the panic goes on up here.
		p := recover()
		ls.mu.Lock()
		ls.done(batch)
		if len(b.queue) == 0 {
			b.leading = false
		} else {
			next := b.take()
			next[0].batch = next
			next[0].wake <- true
		}
		ls.mu.Unlock()
		for _, o := range batch {
			if o == op || (p == nil && late[o]) {
				continue
			}
			if p != nil {
				o.out, o.dec = Reservation{}, Decision{}
				o.err = fmt.Errorf("%s %s: the ledger batch panicked: %v", o.name(), o.debtorID(), p)
			}
			o.wake <- false
		}
		if p != nil {
			panic(p)
		}
	}()
	late = g.runOps(batch) // op is batch[0]: it was first in the queue
	return late[op]
}

// runOps decides one batch in one ledger transaction. It returns when the
// batch is committed, with the operations whose answer waits for the
// disk (late): the batch's sync answers those (AfterSync), on whatever
// goroutine it ends on; the caller answers the others at once. So a close
// whose loss is stricter never waits for a sync, and the lane's next
// batch starts at this one's COMMIT, not at the end of its sync.
func (g *Guard) runOps(batch []*ledgerOp) (late map[*ledgerOp]bool) {
	var live []*ledgerOp
	var debtors []string
	for _, op := range batch {
		if err := op.ctx.Err(); err != nil {
			op.err = fmt.Errorf("%s %s: %w", op.name(), op.debtorID(), err)
			continue
		}
		live = append(live, op)
		debtors = append(debtors, op.debtorID())
	}
	if len(live) == 0 {
		return nil
	}
	slices.Sort(debtors)
	debtors = slices.Compact(debtors)
	ctx := context.WithoutCancel(live[0].ctx)
	var trace *store.BatchTrace // when an op asked for its OpTrace
	var started time.Time
	for _, op := range live {
		if opTraceOf(op.ctx) != nil {
			trace, started = &store.BatchTrace{}, time.Now()
			ctx = store.WithBatchTrace(ctx, trace)
			defer func() {
				end := time.Now()
				for _, op := range live {
					if t := opTraceOf(op.ctx); t != nil {
						t.Wait, t.Batch, t.Ops, t.Store = started.Sub(op.queued), end.Sub(started), len(live), *trace
					}
				}
			}()
			break
		}
	}
	var err error
	stored := false // set only when LedgerBatch returns, not when it panics
	if g.view != nil {
		g.view.mu.Lock()
		defer func() {
			// A batch that failed or panicked changed the view in memory
			// and stored nothing: the view starts again empty.
			if stored {
				g.view.version, g.view.pending = g.view.pending, -1
			} else {
				g.view.reset()
			}
			g.view.mu.Unlock()
		}()
	}
	mode := store.SyncLater
	for _, op := range live {
		if !op.lazy {
			mode = store.SyncNow
		}
	}
	var durable []*ledgerOp // the late ones, as the batch decided
	// A sync that ends before LedgerBatch returns (PostgreSQL's COMMIT
	// already waited; a quick SQLite sync) leaves its operations to be
	// answered with the others, after the lead is handed on, as before
	// the sync ran off the writer; one that ends later answers them.
	var syncMu sync.Mutex
	returned, synced := false, false
	var syncErr error
	failed := func(op *ledgerOp, err error) {
		op.out, op.dec, op.expired = Reservation{}, Decision{}, nil
		op.err = fmt.Errorf("%s %s: %w", op.name(), op.debtorID(), err)
	}
	err = g.ledger.LedgerBatch(ctx, debtors, mode, func(tx *store.BatchTx) error {
		durable = nil
		for _, op := range live {
			op.out, op.dec, op.phone, op.expired, op.err, op.durable = Reservation{}, Decision{}, "", nil, nil, false
		}
		if err := g.decideBatch(ctx, tx, live); err != nil {
			return err
		}
		for _, op := range live {
			if op.durable && op.err == nil {
				durable = append(durable, op)
			}
		}
		if len(durable) > 0 {
			ops := durable
			tx.AfterSync(func(err error) {
				syncMu.Lock()
				if !returned {
					synced, syncErr = true, err
					syncMu.Unlock()
					return
				}
				syncMu.Unlock()
				// On the sync's goroutine: the durable operations hear
				// of their batch now; a failed sync fails them (the
				// reservation is stored, open, and only expires).
				for _, op := range ops {
					if t := opTraceOf(op.ctx); t != nil {
						t.Synced = time.Now()
					}
					if err != nil {
						failed(op, err)
					}
					g.logExpired(op)
					op.wake <- false
				}
			})
		}
		return nil
	})
	stored = err == nil && g.view != nil && g.view.pending >= 0
	syncMu.Lock()
	returned = true
	if err == nil && len(durable) > 0 && !synced {
		late = make(map[*ledgerOp]bool, len(durable))
		for _, op := range durable {
			late[op] = true
		}
	}
	syncMu.Unlock()
	for _, op := range live {
		switch {
		case err != nil:
			failed(op, err)
			continue
		case late[op]:
			continue
		case syncErr != nil && op.durable && op.err == nil:
			failed(op, syncErr)
		}
		g.logExpired(op)
	}
	return late
}

// logExpired logs the reservations op's batch expired on its way.
func (g *Guard) logExpired(op *ledgerOp) {
	for _, e := range op.expired {
		g.log.Warn("compliance reservation expired", "debtor", e.DebtorID, "reservation", e.ID, "holder", e.Holder, "counted_as", e.Kind)
	}
}

func (op *ledgerOp) debtorID() string {
	if op.req != nil {
		return op.req.DebtorID
	}
	return op.res.DebtorID
}

func (op *ledgerOp) name() string {
	if op.req != nil {
		return "reserve"
	}
	return op.action
}

// batchLedger is the ledger as one batch sees it: every entry it loaded or
// made, by id, person and number, changed in memory as the batch decides.
type batchLedger struct {
	byID     map[string]*store.LedgerEntry
	byPerson map[string][]*store.LedgerEntry
	byPhone  map[string][]*store.LedgerEntry
	links    map[string]map[string]time.Time // person → person it counts → up to when
	// loose are entries read only to be closed (not found as counted):
	// in no list of a person or number until a load finds them counted
	loose   map[string]*store.LedgerEntry
	since   time.Time            // the look-back start: older entries do not count
	added   []*store.LedgerEntry // made in the batch
	changed []*store.LedgerEntry // loaded and changed in the batch, each once
	dirty   map[string]bool
	audit   []store.AuditRecord
}

func newBatchLedger() *batchLedger {
	return &batchLedger{byID: map[string]*store.LedgerEntry{}, byPerson: map[string][]*store.LedgerEntry{}, byPhone: map[string][]*store.LedgerEntry{},
		links: map[string]map[string]time.Time{}, loose: map[string]*store.LedgerEntry{}, dirty: map[string]bool{}}
}

// entry is the entry id, counted or loose.
func (l *batchLedger) entry(id string) *store.LedgerEntry {
	if e := l.byID[id]; e != nil {
		return e
	}
	return l.loose[id]
}

func (l *batchLedger) add(e *store.LedgerEntry) {
	if _, ok := l.byID[e.ID]; ok {
		return
	}
	if le := l.loose[e.ID]; le != nil {
		// the same row as e, maybe closed by this batch since it was read
		delete(l.loose, e.ID)
		e = le
	}
	l.byID[e.ID] = e
	l.byPerson[e.PersonID] = append(l.byPerson[e.PersonID], e)
	if e.Phone != "" {
		l.byPhone[e.Phone] = append(l.byPhone[e.Phone], e)
	}
}

func (l *batchLedger) change(e *store.LedgerEntry) {
	if !l.dirty[e.ID] {
		l.dirty[e.ID] = true
		l.changed = append(l.changed, e)
	}
}

// counted returns the entries the limits count for person (its own and,
// up to each link's instant, those of the persons it counts) and for
// phone, each in (at, id) order.
func (l *batchLedger) counted(person, phone string) (byPerson, byNumber []*store.LedgerEntry) {
	keep := func(e *store.LedgerEntry) bool { return e.State != store.StateReleased && !e.At.Before(l.since) }
	for _, e := range l.byPerson[person] {
		if keep(e) {
			byPerson = append(byPerson, e)
		}
	}
	for p, upTo := range l.links[person] {
		if p == person {
			continue
		}
		for _, e := range l.byPerson[p] {
			if keep(e) && !e.At.After(upTo) {
				byPerson = append(byPerson, e)
			}
		}
	}
	if phone != "" {
		for _, e := range l.byPhone[phone] {
			if keep(e) {
				byNumber = append(byNumber, e)
			}
		}
	}
	order := func(a, b *store.LedgerEntry) int {
		return cmp.Or(a.At.Compare(b.At), strings.Compare(a.ID, b.ID))
	}
	slices.SortFunc(byPerson, order)
	slices.SortFunc(byNumber, order)
	return byPerson, byNumber
}

// reserveFacts is what a reservation is decided on besides the ledger.
type reserveFacts struct {
	phone, locPhone, person, region, district string
	blocks                                    []store.Block // the debtor's, in force
	err                                       error         // the request cannot be decided
}

// decideBatch decides the batch's operations in order inside tx and
// writes what they did: a few reads for all, then the decisions in memory,
// then the new entries, the closed ones and the audit in one write.
func (g *Guard) decideBatch(ctx context.Context, tx *store.BatchTx, ops []*ledgerOp) error {
	now := g.clock.Now().UTC()
	var reqs []*Request
	var closeIDs []string
	for _, op := range ops {
		if op.req != nil {
			reqs = append(reqs, op.req)
		} else {
			closeIDs = append(closeIDs, op.res.ID)
		}
	}
	l, facts, err := g.loadBatch(ctx, tx, reqs, closeIDs, now, true, g.view)
	if err != nil {
		return err
	}
	lazy := tx.SyncLater()
	for _, op := range ops {
		switch {
		case op.req != nil:
			f := facts[op.req]
			if op.err = f.err; op.err == nil {
				op.err = g.reserveIn(l, op, f, now)
			}
			if op.err != nil {
				op.err = fmt.Errorf("reserve %s: %w", op.req.DebtorID, op.err)
			}
			// The contact is made on a grant, and a denial is the audit's
			// record: both wait for the disk.
			op.durable = true
		default:
			var safe bool
			safe, op.err = g.closeIn(l, op, now)
			if op.err == nil && !safe {
				// Its entry is in a state its loss would undercount (a
				// conversation never marked answered, a meeting): the
				// batch is durable after all and this close waits for it.
				op.durable = true
				if lazy {
					tx.SyncNow()
					lazy = false
				}
			}
		}
	}
	added := make([]store.LedgerEntry, len(l.added))
	for i, e := range l.added {
		added[i] = *e
	}
	var changed []store.LedgerEntry
	for _, e := range l.changed {
		if !slices.Contains(l.added, e) {
			changed = append(changed, *e)
		}
	}
	if err := tx.Write(ctx, added, changed, l.audit); err != nil {
		return err
	}
	if g.view != nil {
		// The view holds the batch's writes (made in memory as decided):
		// the version they leave is the one the next batch must find.
		v, _, err := tx.LedgerVersion(ctx)
		if err != nil {
			return err
		}
		g.view.pending = v
	}
	return nil
}

// loadBatch reads, in a few statements, what the requests are decided on
// and the reservations to close: the debtors, their blocks in force at now,
// and the ledger the limits count — every entry of the requests' persons
// (and of those they count, person_links) and numbers from the look-back on.
// lock (Reserve) also takes the persons' and numbers' locks first; Explain
// reads under the debtor's lock alone, as it always did. A request's own
// error (a bad e-mail address) is in its facts.
//
// view, when not nil, is the guard's ledger view (ledger_view.go): the
// ledger comes from it, read only where it is not loaded.
func (g *Guard) loadBatch(ctx context.Context, tx *store.BatchTx, reqs []*Request, closeIDs []string, now time.Time, lock bool, view *ledgerView) (*batchLedger, map[*Request]reserveFacts, error) {
	var debtors []string
	for _, r := range reqs {
		debtors = append(debtors, r.DebtorID)
	}
	// Blocks come with the debtors: they are written without the ledger
	// locks, so any read of them after the debtors' locks is as good.
	var ds map[string]store.Debtor
	var blocks map[string][]store.Block
	var closing []store.LedgerEntry // without the view
	var err error
	if view != nil {
		if err := view.check(ctx, tx); err != nil {
			return nil, nil, err
		}
		ds, blocks, err = view.debtorsAndBlocks(ctx, tx, debtors, now)
	} else {
		// The reservations to close come with the debtors (one round trip
		// on PostgreSQL): they are the batch's debtors', whose locks it holds.
		ds, blocks, closing, err = tx.DebtorsBlocksAndEntries(ctx, debtors, now, closeIDs)
	}
	if err != nil {
		return nil, nil, err
	}
	facts := make(map[*Request]reserveFacts, len(reqs))
	var persons, phones []string
	for _, r := range reqs {
		f := g.reserveFacts(*r, ds[r.DebtorID])
		facts[r] = f
		if f.err != nil {
			continue
		}
		persons = append(persons, f.person)
		if f.phone != "" {
			phones = append(phones, f.phone)
		}
	}
	if lock {
		if err := tx.LockCounted(ctx, persons, phones); err != nil {
			return nil, nil, err
		}
	}
	for _, r := range reqs {
		if f := facts[r]; f.err == nil {
			f.blocks = blocks[r.DebtorID]
			facts[r] = f
		}
	}
	since := now.Add(-ledgerLookback)
	if view != nil {
		l, err := view.load(ctx, tx, persons, phones, closeIDs, since)
		return l, facts, err
	}
	l := newBatchLedger()
	l.since = since
	var entries []store.LedgerEntry
	if l.links, entries, err = tx.LinksAndCounted(ctx, persons, phones, since); err != nil {
		return nil, nil, err
	}
	for i := range entries {
		l.add(&entries[i])
	}
	for i := range closing {
		if _, ok := l.byID[closing[i].ID]; !ok {
			// not counted (released, or older than the look-back): only
			// its own close can touch it
			l.loose[closing[i].ID] = &closing[i]
		}
	}
	return l, facts, nil
}

// reserveFacts finds what Reserve decides r on besides the ledger: the
// number (r's, else the debtor's first; an e-mail address counts as one),
// the number that places the debtor, the person the limits count, and the
// region. d is the stored debtor (zero when it is not stored).
func (g *Guard) reserveFacts(r Request, d store.Debtor) reserveFacts {
	f := reserveFacts{phone: r.Phone.String(), region: r.Region, district: r.District}
	if d.Region != "" {
		f.region, f.district = d.Region, d.District
	}
	if f.phone == "" && len(d.Phones) > 0 {
		f.phone = d.Phones[0]
	}
	f.locPhone = f.phone
	if r.Address != "" {
		if r.Channel != Message {
			f.err = fmt.Errorf("an e-mail address is only for channel %s, not %s", Message, r.Channel)
			return f
		}
		addr, err := NormalizeAddress(r.Address)
		if err != nil {
			f.err = err
			return f
		}
		f.phone = addr // counted on like a number (per recipient), located by the debtor
	}
	f.person = cmp.Or(d.PersonID, r.PersonID, r.DebtorID)
	return f
}

// decision decides r at now against the batch's ledger: what Reserve and
// Explain share. An open reservation past its expiry counts as what it
// became (expiredKind); expire, when not nil, is told of each of r's own
// debtor, to close it.
func (g *Guard) decision(l *batchLedger, r Request, f reserveFacts, now time.Time, expire func(*store.LedgerEntry)) (Decision, error) {
	var kinds []string
	for _, b := range f.blocks {
		if b.Phone == "" || b.Phone == f.phone {
			kinds = append(kinds, b.Kind)
		}
	}
	byPerson, byNumber := l.counted(f.person, f.phone)
	events := func(es []*store.LedgerEntry) []Event {
		out := make([]Event, 0, len(es))
		for _, e := range es {
			kind, held := Kind(e.Kind), e.State == store.StateOpen
			if e.State == store.StateOpen && !e.ExpiresAt.After(now) {
				kind, held = expiredKind(*e), false
				if expire != nil && e.DebtorID == r.DebtorID {
					expire(e)
				}
			}
			out = append(out, Event{At: e.At, Kind: kind, Held: held})
		}
		return out
	}
	personEvents, numberEvents := events(byPerson), events(byNumber)
	loc, err := g.Locate(f.region, f.district, f.locPhone)
	if err != nil {
		return Decision{}, err
	}
	rules, err := g.rules(loc, g.policy, r.Channel, personEvents, kinds)
	if err != nil {
		return Decision{}, err
	}
	rules.thirdParty, rules.consent, rules.numberEvents = r.ThirdParty, r.Consent, numberEvents
	dec := rules.decide(now)
	if loc.Unreadable {
		dec.Detail += "; the address region names no federal subject: every Russian zone's window applies"
	}
	return dec, nil
}

// reserveIn decides one reservation against the batch's ledger and, when
// granted, adds its open entry; this debtor's reservations past their
// expiry are closed on the way.
func (g *Guard) reserveIn(l *batchLedger, op *ledgerOp, f reserveFacts, now time.Time) error {
	r := *op.req
	dec, err := g.decision(l, r, f, now, func(e *store.LedgerEntry) { g.expireIn(l, op, e, now) })
	if err != nil {
		return err
	}
	a := store.AuditRecord{At: now, DebtorID: r.DebtorID, Action: "reserve", Allowed: dec.Allowed, Reason: dec.Reason, Reasons: dec.Reasons, Detail: dec.Detail,
		Channel: string(r.Channel), Zone: dec.Zone, LocalTime: dec.Local.Format(time.RFC3339), NextAllowedAt: dec.NextAllowedAt, Holder: g.holderName()}
	if dec.Allowed {
		id, err := newID(now)
		if err != nil {
			return err
		}
		res := Reservation{ID: id, DebtorID: r.DebtorID, Phone: f.phone, Channel: r.Channel, At: now, ExpiresAt: now.Add(g.policy.ReservationTTL)}
		res.permit = g.seal(id, r.Channel, f.phone, res.ExpiresAt)
		e := &store.LedgerEntry{ID: id, DebtorID: r.DebtorID, Channel: string(r.Channel), Kind: string(heldKind(r.Channel)),
			State: store.StateOpen, At: now, ExpiresAt: res.ExpiresAt, Holder: g.holderName(), Phone: f.phone, CallID: r.CallID, PersonID: f.person}
		l.add(e)
		l.added = append(l.added, e)
		a.ReservationID, a.Kind = id, e.Kind
		op.out = res
	}
	l.audit = append(l.audit, a)
	op.dec, op.phone = dec, f.phone
	return nil
}

// expireIn closes an open reservation past its expiry as what it counts as
// (expiredKind), audited, as Guard.expire does in a debtor's transaction.
func (g *Guard) expireIn(l *batchLedger, op *ledgerOp, e *store.LedgerEntry, now time.Time) {
	kind := expiredKind(*e)
	e.Kind, e.State, e.ClosedAt = string(kind), store.StateExpired, now
	l.change(e)
	op.expired = append(op.expired, *e)
	l.audit = append(l.audit, store.AuditRecord{At: now, DebtorID: e.DebtorID, Action: "expire", Allowed: true, ReservationID: e.ID, Channel: e.Channel, Kind: string(kind),
		Detail: fmt.Sprintf("reservation of %s by %s expired at %s: counted as %s", e.At.Format(time.RFC3339), e.Holder, e.ExpiresAt.Format(time.RFC3339), kind),
		Holder: g.holderName()})
}

// closeIn moves a reservation from one of op.from to op.state, as close
// does in a debtor's transaction. safe tells whether losing the close
// (store.SyncLater) would leave the ledger counting at least as much.
func (g *Guard) closeIn(l *batchLedger, op *ledgerOp, now time.Time) (safe bool, err error) {
	res := op.res
	e := l.entry(res.ID)
	if e == nil || e.DebtorID != res.DebtorID {
		return false, fmt.Errorf("%s %s: ledger entry %s of %s: %w", op.action, res.ID, res.ID, res.DebtorID, store.ErrNotFound)
	}
	k := cmp.Or(op.kind, e.Kind)
	if !slices.Contains(op.from, e.State) {
		return false, fmt.Errorf("%s %s: it is %s as %s: %w", op.action, res.ID, e.State, e.Kind, ErrReservationClosed)
	}
	safe = lossIsStricter(*e, op.state, Kind(k))
	was := e.State
	e.Kind, e.State, e.ClosedAt = k, op.state, now
	l.change(e)
	l.audit = append(l.audit, store.AuditRecord{At: now, DebtorID: e.DebtorID, Action: op.action, Allowed: true, ReservationID: res.ID, Channel: e.Channel, Kind: k,
		Detail: fmt.Sprintf("%s: %s → %s as %s", op.action, was, op.state, k), Holder: g.holderName()})
	return safe, nil
}

// mayCloseLazily tells, before the entry is read, whether a close could
// be one whose loss is stricter (lossIsStricter): a release, or a commit
// as an attempt, a conversation or a message. A meeting never is (an
// expired meeting counts as an attempt, in other limits).
func mayCloseLazily(state string, kind Kind) bool {
	return state == store.StateReleased || kind == Attempt || kind == Conversation || kind == MessageKind
}

// lossIsStricter tells whether a close of e (open or expired, as stored)
// to state as kind may be committed without waiting for the disk: lost to
// a power cut, the entry stays as stored — open, counted as its channel's
// worst case until it expires into expiredKind (an answered call, marked
// durably by Answered, into a conversation), or already expired as its
// kind — and that must count in every limit the close would have counted
// in. The reservation itself is never lazy: it was durable before the
// contact was made. When in doubt the close is durable.
func lossIsStricter(e store.LedgerEntry, state string, kind Kind) bool {
	if state == store.StateReleased {
		return e.State == store.StateOpen // a released entry counts in nothing
	}
	if state != store.StateCommitted {
		return false
	}
	lostAs := Kind(e.Kind)
	if e.State == store.StateOpen {
		lostAs = expiredKind(e)
	} else if e.State != store.StateExpired {
		return false
	}
	// An attempt counts in the attempts limit only, which a conversation
	// also counts in (rules.go); any other kind only as itself.
	return kind == lostAs || kind == Attempt && lostAs == Conversation && Channel(e.Channel).isCall()
}
