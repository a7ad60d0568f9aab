package loadtest

import (
	"context"
	"sync"
	"time"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/store"
)

// latencies collects the durations of one kind of operation.
type latencies struct {
	mu sync.Mutex
	ds []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.ds = append(l.ds, d)
	l.mu.Unlock()
}

// since adds the time since t0 (for a defer).
func (l *latencies) since(t0 time.Time) { l.add(time.Since(t0)) }

// total is the sum of what was collected.
func (l *latencies) total() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var t time.Duration
	for _, d := range l.ds {
		t += d
	}
	return t
}

// dist is the distribution of what was collected.
func (l *latencies) dist() Dist {
	l.mu.Lock()
	defer l.mu.Unlock()
	return distOf(l.ds)
}

// pathTimings are the call path's operations the full bench times, as the
// scheduler and the call path see them (the guard's answer includes its
// lock and the ledger write).
type pathTimings struct {
	reserve, commit                  latencies
	saveCall, finishTask, appendEvts latencies
	// lease is the scheduler's LeaseTasks: batches leased one after
	// another, so the leases' total time is a floor under the time it
	// takes to place the run's calls
	lease latencies
}

// timedGuard is the real 230-FZ guard with its reservations and commits
// timed; the scheduler and the call path both use it, so every decision
// still goes through the one guard.
type timedGuard struct {
	*compliance.Guard
	t *pathTimings
}

func (g timedGuard) Reserve(ctx context.Context, r compliance.Request) (compliance.Reservation, compliance.Decision, error) {
	defer g.t.reserve.since(time.Now())
	return g.Guard.Reserve(ctx, r)
}

func (g timedGuard) Commit(ctx context.Context, res compliance.Reservation, kind compliance.Kind) error {
	defer g.t.commit.since(time.Now())
	return g.Guard.Commit(ctx, res, kind)
}

// timedStore is the real store with the writes of every call timed: the
// call record (callflow), the task's result (scheduler) and the event
// batches (events hub).
type timedStore struct {
	*store.DB
	t *pathTimings
}

func (s timedStore) LeaseTasks(ctx context.Context, campaignID string, now time.Time, n int, holder string, ttl time.Duration) ([]store.Task, error) {
	defer s.t.lease.since(time.Now())
	return s.DB.LeaseTasks(ctx, campaignID, now, n, holder, ttl)
}

func (s timedStore) SaveCall(ctx context.Context, c store.CallRecord) error {
	defer s.t.saveCall.since(time.Now())
	return s.DB.SaveCall(ctx, c)
}

func (s timedStore) FinishTask(ctx context.Context, taskID int64, holder string, now time.Time, u store.TaskUpdate) error {
	defer s.t.finishTask.since(time.Now())
	return s.DB.FinishTask(ctx, taskID, holder, now, u)
}

func (s timedStore) AppendEvents(ctx context.Context, rows []store.EventRow) error {
	defer s.t.appendEvts.since(time.Now())
	return s.DB.AppendEvents(ctx, rows)
}
