package loadtest

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/store"
)

// GuardOptions are the flags of `bench guard`.
type GuardOptions struct {
	Backend  string        // sqlite or postgres
	DSN      string        // the database; empty: a fresh SQLite file in Dir, or a throwaway PostgreSQL (the caller's job)
	Dir      string        // where a fresh SQLite file goes
	Debtors  int           // debtors imported before the run
	Hot      int           // of them, hot debtors asked for again and again
	HotShare float64       // share of decisions that go to the hot debtors
	Rates    []int         // offered decisions per second, one stage each
	Stage    time.Duration // length of each offered-rate stage
	Warmup   time.Duration // offered at the first rate before the stages, not counted
	Burst    int           // decisions asked at once after the rate stages (0: none)
	Nodes    int           // guards on their own connection pools, contending for one ledger
	Workers  int           // decisions in flight at most per node
	ConvEach int           // every ConvEach-th granted reservation commits as a conversation (0: never)
	// Answered: a conversation's reservation is marked answered
	// (Guard.Answered) before its commit, as the call path does at the
	// answer (callflow's hold); the mark is timed apart, not in the
	// decision's latency. Without it a conversation is committed on an
	// entry never marked answered, and that commit must wait for the disk.
	Answered bool
	JSON     bool
	Profile  string // CPU profile of the stages to this file
	// TraceSlow prints per stage where the decisions' time went, the
	// slowest 1 % beside all (compliance.OpTrace, GC pauses).
	TraceSlow bool
}

// ParseGuardArgs reads the flags of `bench guard`.
func ParseGuardArgs(args []string, stderr io.Writer) (GuardOptions, error) {
	var o GuardOptions
	fs := flag.NewFlagSet("bench guard", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.Backend, "backend", "sqlite", "sqlite or postgres")
	fs.StringVar(&o.DSN, "dsn", "", "database (postgres://… or sqlite:FILE); default: a fresh SQLite file, or a throwaway PostgreSQL server for --backend postgres")
	fs.IntVar(&o.Debtors, "debtors", 30000, "debtors imported before the run (each takes 3 attempts a day)")
	fs.IntVar(&o.Hot, "hot", 20, "hot debtors: asked for again and again, mostly denied")
	fs.Float64Var(&o.HotShare, "hot-share", 0.05, "share of decisions that go to the hot debtors")
	rates := fs.String("rates", "500,1000,2000,5000,10000,20000", "offered decisions per second, one stage each")
	fs.DurationVar(&o.Stage, "stage", 3*time.Second, "length of each offered-rate stage")
	fs.DurationVar(&o.Warmup, "warmup", time.Second, "offer the first rate this long before the stages, not counted (a process just started: cold page cache, unprepared statements, new connections)")
	fs.IntVar(&o.Burst, "burst", 4000, "decisions asked at once after the rate stages (0: none)")
	fs.IntVar(&o.Nodes, "nodes", 1, "guards on their own connection pools contending for one ledger (several nodes on one PostgreSQL)")
	fs.IntVar(&o.Workers, "workers", 256, "decisions in flight at most per node")
	fs.IntVar(&o.ConvEach, "conversation-every", 10, "every Nth granted reservation commits as a conversation (0: never)")
	fs.BoolVar(&o.Answered, "answered", true, "mark a conversation's reservation answered before its commit, as the call path does at the answer (timed apart: answered p50/p99); --answered=false commits conversations never marked answered, each waiting for the disk")
	fs.StringVar(&o.Profile, "cpuprofile", "", "write the CPU profile of the stages to FILE (go tool pprof)")
	fs.BoolVar(&o.TraceSlow, "trace-slow", false, "print per stage where the decisions' time went: the slowest 1 % beside all (lane wait, each round trip, Go work, SQLite's commit and sync, GC pauses)")
	fs.BoolVar(&o.JSON, "json", false, "end with one JSON line {backend, sustained_per_s, p99_ms_at_500_per_s, violations}")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("bench guard: unexpected argument %q", fs.Arg(0))
	}
	for _, f := range strings.Split(*rates, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return o, fmt.Errorf("bench guard: --rates: %q is not a positive rate", f)
		}
		o.Rates = append(o.Rates, n)
	}
	switch {
	case o.Backend != "sqlite" && o.Backend != "postgres":
		return o, fmt.Errorf("bench guard: --backend %q: want sqlite or postgres", o.Backend)
	case o.Debtors < 1 || o.Hot < 0 || o.Hot >= o.Debtors:
		return o, fmt.Errorf("bench guard: --debtors %d, --hot %d: want debtors ≥ 1 and 0 ≤ hot < debtors", o.Debtors, o.Hot)
	case o.HotShare < 0 || o.HotShare > 1 || (o.Hot == 0 && o.HotShare > 0):
		return o, fmt.Errorf("bench guard: --hot-share %g: want 0…1, and hot debtors to give it to", o.HotShare)
	case o.Nodes < 1 || o.Workers < 1 || o.Burst < 0 || o.ConvEach < 0:
		return o, errors.New("bench guard: --nodes and --workers must be positive, --burst and --conversation-every not negative")
	case o.Stage <= 0:
		return o, fmt.Errorf("bench guard: --stage %s: want a positive duration", o.Stage)
	case o.Warmup < 0:
		return o, fmt.Errorf("bench guard: --warmup %s: want a duration ≥ 0", o.Warmup)
	}
	return o, nil
}

// GuardStage is one stage's figures. A decision is one reservation asked
// for and, when granted, committed; its latency runs from the moment the
// stage's schedule offered it (so a queue behind a slow ledger counts) to
// the commit's end.
type GuardStage struct {
	Name     string        `json:"name"`
	Offered  int           `json:"offered_per_s"` // 0: the burst
	Done     int           `json:"decisions"`
	Granted  int           `json:"granted"`
	Errors   int           `json:"errors"`
	Seconds  float64       `json:"seconds"`
	PerSec   float64       `json:"per_s"`
	P50      time.Duration `json:"p50_ns"`
	P99      time.Duration `json:"p99_ns"`
	Max      time.Duration `json:"max_ns"`
	FirstErr string        `json:"first_error,omitempty"`
	// CPU is this process's CPU time (user+sys) per decision over the
	// stage: what a decision costs whatever else the machine runs, which
	// the rates and latencies of a shared box do not show. PostgreSQL's
	// server is another process and is not in it.
	CPU time.Duration `json:"cpu_per_decision_ns"`
	// Trace: with --trace-slow, where the time went (text)
	Trace string `json:"-"`
	// Where a decision's time goes: the wait from its offered instant to
	// its Reserve call (a worker free), the Reserve, and the Commit of a
	// granted one, each p50/p99 over the stage's decisions.
	Queue  [2]time.Duration `json:"queue_p50_p99_ns"`
	Reserv [2]time.Duration `json:"reserve_p50_p99_ns"`
	Commit [2]time.Duration `json:"commit_p50_p99_ns"`
	// Both is the Reserve and the Commit of a decision together (the
	// Reserve alone for a denial): the ledger's part of the latency,
	// without the bench's queue. Answered is the answered mark of a
	// conversation (Answered), made between them and not in the latency.
	Both      [2]time.Duration `json:"reserve_commit_p50_p99_ns"`
	Answered  [2]time.Duration `json:"answered_p50_p99_ns"`
	Answereds int              `json:"answered_marks"`
	// Checkpoints: the store's background WAL checkpoints during the
	// stage (SQLite): how many, and p50/p99/max of their time.
	Checkpoints     int              `json:"checkpoints"`
	CheckpointTimes [3]time.Duration `json:"checkpoint_p50_p99_max_ns"`
}

// GuardResult is a whole `bench guard` run.
type GuardResult struct {
	Backend      string       `json:"backend"`
	Nodes        int          `json:"nodes"`
	Debtors      int          `json:"debtors"`
	Warmup       *GuardStage  `json:"warmup,omitempty"` // decided and audited, not in the figures
	Stages       []GuardStage `json:"stages"`
	Sustained    float64      `json:"sustained_per_s"`
	SustainedCPU float64      `json:"cpu_ms_per_decision"` // at the best stage, this process only
	P99At500     float64      `json:"p99_ms_at_500_per_s"` // -1: no 500/s stage
	At500        *GuardStage  `json:"-"`
	AuditEntries int          `json:"audit_entries"`
	Violations   int          `json:"violations"`
	FirstFinding string       `json:"first_finding,omitempty"`
}

// guardBenchStart is a Monday 09:30 in Moscow: every zone of the debtors
// below is inside its calling window for the run's length.
var guardBenchStart = time.Date(2026, 11, 23, 6, 30, 0, 0, time.UTC)

// guardBenchRegions are the debtors' regions: zones from UTC+2 to UTC+12.
var guardBenchRegions = []string{"г. Москва", "Новосибирская область", "Калининградская область", "Свердловская область", "Приморский край", "Камчатский край"}

// RunGuard runs the stages against the ledger at open(dsn) (once per node)
// and audits what they left. The guard's clock starts at a legal hour and
// runs with the wall clock.
func RunGuard(ctx context.Context, o GuardOptions, open func(context.Context) (*store.DB, error), progress io.Writer) (GuardResult, error) {
	res := GuardResult{Backend: o.Backend, Nodes: o.Nodes, Debtors: o.Debtors, P99At500: -1}
	var dbs []*store.DB
	defer func() {
		for _, db := range dbs {
			db.Close()
		}
	}()
	for range o.Nodes {
		db, err := open(ctx)
		if err != nil {
			return res, fmt.Errorf("bench guard: open: %w", err)
		}
		dbs = append(dbs, db)
	}
	ids, err := importBenchDebtors(ctx, dbs[0], o.Debtors)
	if err != nil {
		return res, err
	}
	clk := clock.Start(clock.Fixed(guardBenchStart))
	quiet := slog.New(slog.DiscardHandler)
	var guards []*compliance.Guard
	for i, db := range dbs {
		g, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clk, Logger: quiet, Holder: fmt.Sprintf("bench-node-%d", i)})
		if err != nil {
			return res, fmt.Errorf("bench guard: %w", err)
		}
		guards = append(guards, g)
	}
	b := &guardBench{o: o, guards: guards, ids: ids, db: dbs[0]}
	stopProfile, err := startCPUProfile(o.Profile)
	if err != nil {
		return res, fmt.Errorf("bench guard: %w", err)
	}
	defer stopProfile()
	if o.Warmup > 0 {
		rate := o.Rates[0]
		st := b.stage(ctx, "warm-up", rate, max(1, rate*int(o.Warmup/time.Millisecond)/1000))
		fmt.Fprintf(progress, "bench guard: %-9s %s (not counted)\n", st.Name, stageLine(st))
		res.Warmup = &st
	}
	for _, rate := range o.Rates {
		st := b.stage(ctx, fmt.Sprintf("%d/s", rate), rate, rate*int(o.Stage/time.Millisecond)/1000)
		fmt.Fprintf(progress, "bench guard: %-9s %s\n", st.Name, stageLine(st))
		res.Stages = append(res.Stages, st)
		if rate == 500 {
			res.P99At500 = durMS(st.P99)
			res.At500 = &res.Stages[len(res.Stages)-1]
		}
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
	}
	if o.Burst > 0 {
		st := b.stage(ctx, "burst", 0, o.Burst)
		fmt.Fprintf(progress, "bench guard: %-9s %s\n", st.Name, stageLine(st))
		res.Stages = append(res.Stages, st)
	}
	for _, st := range res.Stages {
		if st.PerSec > res.Sustained {
			res.Sustained, res.SustainedCPU = st.PerSec, float64(st.CPU.Nanoseconds())/1e6
		}
	}
	// Replay the ledger against the law: every debtor asked for at least once.
	var audited []store.Debtor
	for _, id := range ids {
		audited = append(audited, store.Debtor{ID: id})
	}
	a, err := guards[0].Audit(ctx, dbs[0], audited)
	if err != nil {
		return res, fmt.Errorf("bench guard: audit: %w", err)
	}
	res.AuditEntries, res.Violations = a.Entries, len(a.Findings)
	if len(a.Findings) > 0 {
		res.FirstFinding = a.Findings[0].String()
	}
	return res, nil
}

// importBenchDebtors stores n debtors, each with a number of its own, in one
// import, and returns their ids.
func importBenchDebtors(ctx context.Context, db *store.DB, n int) ([]string, error) {
	ds := make([]store.Debtor, n)
	ids := make([]string, n)
	for i := range ds {
		ids[i] = fmt.Sprintf("bench-%06d", i)
		ds[i] = store.Debtor{ID: ids[i], Region: guardBenchRegions[i%len(guardBenchRegions)], Phones: []string{fmt.Sprintf("+7900%07d", i)}}
	}
	if err := db.ImportDebtors(ctx, ds, make([]store.DebtorDetails, n)); err != nil {
		return nil, fmt.Errorf("bench guard: import %d debtors: %w", n, err)
	}
	return ids, nil
}

type guardBench struct {
	o      GuardOptions
	db     *store.DB // the first node's: its checkpoints
	guards []*compliance.Guard
	ids    []string // the first o.Hot are the hot ones
	mu     sync.Mutex
	seq    int
	rng    *rand.Rand
}

// pick chooses the next decision's debtor and node.
func (b *guardBench) pick() (string, *compliance.Guard, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.rng == nil {
		b.rng = rand.New(rand.NewPCG(1, 2)) // the same debtors run to run
	}
	b.seq++
	g := b.guards[b.seq%len(b.guards)]
	conv := b.o.ConvEach > 0 && b.seq%b.o.ConvEach == 0
	if b.o.Hot > 0 && b.rng.Float64() < b.o.HotShare {
		return b.ids[b.rng.IntN(b.o.Hot)], g, conv
	}
	return b.ids[b.o.Hot+b.rng.IntN(len(b.ids)-b.o.Hot)], g, conv
}

type benchJob struct{ at time.Time }

type benchOutcome struct {
	lat                    time.Duration // without answered
	queue, reserve, commit time.Duration // commit: -1 when none (denied)
	answered               time.Duration // -1 when not marked
	granted                bool
	err                    error
	trace                  *decisionTrace // --trace-slow
}

// stage offers n decisions at rate per second (rate 0: all at once) and
// waits for every one of them.
func (b *guardBench) stage(ctx context.Context, name string, rate, n int) GuardStage {
	jobs := make(chan benchJob, n)
	outs := make(chan benchOutcome, n)
	var wg sync.WaitGroup
	for range b.o.Workers * len(b.guards) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				outs <- b.decide(ctx, j)
			}
		}()
	}
	var gc gcWindow
	if b.o.TraceSlow {
		gc.start()
	}
	ck0 := len(b.db.Checkpoints())
	start, cpu0 := time.Now(), cpuTime()
	for i := range n {
		at := start
		if rate > 0 {
			at = start.Add(time.Duration(i) * time.Second / time.Duration(rate))
			if d := time.Until(at); d > 0 {
				select {
				case <-time.After(d):
				case <-ctx.Done():
				}
			}
		}
		jobs <- benchJob{at: at}
	}
	close(jobs)
	wg.Wait()
	close(outs)
	st := GuardStage{Name: name, Offered: rate, Seconds: time.Since(start).Seconds()}
	if n > 0 {
		st.CPU = (cpuTime() - cpu0) / time.Duration(n)
	}
	if b.o.TraceSlow {
		gc.stop()
	}
	var cks []time.Duration
	for _, c := range b.db.Checkpoints()[ck0:] {
		cks = append(cks, c.Took)
	}
	if st.Checkpoints = len(cks); len(cks) > 0 {
		slices.Sort(cks)
		st.CheckpointTimes = [3]time.Duration{quantile(cks, 0.5), quantile(cks, 0.99), cks[len(cks)-1]}
	}
	var traces []decisionTrace
	lats := make([]time.Duration, 0, n)
	var queues, reserves, commits, boths, answers []time.Duration
	for o := range outs {
		st.Done++
		lats = append(lats, o.lat)
		queues, reserves = append(queues, o.queue), append(reserves, o.reserve)
		if o.commit >= 0 {
			commits = append(commits, o.commit)
		}
		boths = append(boths, o.reserve+max(0, o.commit))
		if o.answered >= 0 {
			answers = append(answers, o.answered)
		}
		if o.trace != nil {
			traces = append(traces, *o.trace)
		}
		if o.err != nil {
			if st.Errors++; st.FirstErr == "" {
				st.FirstErr = o.err.Error()
			}
		} else if o.granted {
			st.Granted++
		}
	}
	slices.Sort(lats)
	if len(lats) > 0 {
		st.P50, st.P99, st.Max = quantile(lats, 0.50), quantile(lats, 0.99), lats[len(lats)-1]
	}
	st.Queue, st.Reserv, st.Commit = p50p99(queues), p50p99(reserves), p50p99(commits)
	st.Both, st.Answered, st.Answereds = p50p99(boths), p50p99(answers), len(answers)
	if b.o.TraceSlow {
		st.Trace = traceReport(traces, n, &gc)
	}
	if st.Seconds > 0 {
		st.PerSec = float64(st.Done-st.Errors) / st.Seconds
	}
	return st
}

// decide asks one reservation and commits it when granted.
func (b *guardBench) decide(ctx context.Context, j benchJob) benchOutcome {
	id, g, conv := b.pick()
	var tr *decisionTrace
	rctx, cctx := ctx, ctx
	if b.o.TraceSlow {
		tr = &decisionTrace{start: j.at}
		rctx, cctx = compliance.WithOpTrace(ctx, &tr.reserve), compliance.WithOpTrace(ctx, &tr.commit)
	}
	t0 := time.Now()
	res, dec, err := g.Reserve(rctx, compliance.Request{DebtorID: id, Channel: compliance.RobotCall})
	t1 := time.Now()
	commit, answered := time.Duration(-1), time.Duration(-1)
	if err == nil && dec.Allowed {
		kind := compliance.Attempt
		if conv {
			kind = compliance.Conversation
			if b.o.Answered {
				// At the answer, as callflow's hold does: the call's
				// write, seconds after the reservation in a real call,
				// so not in the decision's latency.
				err = g.Answered(ctx, res)
				answered = time.Since(t1)
			}
		}
		t2 := time.Now()
		if err == nil {
			err = g.Commit(cctx, res, kind)
		}
		commit = time.Since(t2)
	}
	out := benchOutcome{lat: time.Since(j.at) - max(0, answered), queue: t0.Sub(j.at), reserve: t1.Sub(t0), commit: commit, answered: answered,
		granted: err == nil && dec.Allowed, err: err}
	if tr != nil {
		tr.end, tr.reserveCall, tr.commitCall, out.trace = j.at.Add(out.lat), out.reserve, commit, tr
		tr.reserveAt, tr.commitAt = t0, t1.Add(max(0, answered))
	}
	return out
}

// p50p99 sorts ds and returns its p50 and p99 (zeros when empty).
func p50p99(ds []time.Duration) [2]time.Duration {
	if len(ds) == 0 {
		return [2]time.Duration{}
	}
	slices.Sort(ds)
	return [2]time.Duration{quantile(ds, 0.50), quantile(ds, 0.99)}
}

func durMS(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func stageLine(st GuardStage) string {
	s := fmt.Sprintf("%6d decisions (%5d granted) in %5.2fs = %7.0f/s  p50 %7.2f ms  p99 %8.2f ms  max %8.2f ms  cpu %.3f ms/decision",
		st.Done, st.Granted, st.Seconds, st.PerSec, durMS(st.P50), durMS(st.P99), durMS(st.Max), float64(st.CPU.Nanoseconds())/1e6)
	s += fmt.Sprintf("\n                      p50/p99 ms: queue %.2f/%.2f  reserve %.2f/%.2f  commit %.2f/%.2f  reserve+commit %.2f/%.2f",
		durMS(st.Queue[0]), durMS(st.Queue[1]), durMS(st.Reserv[0]), durMS(st.Reserv[1]), durMS(st.Commit[0]), durMS(st.Commit[1]), durMS(st.Both[0]), durMS(st.Both[1]))
	if st.Answereds > 0 {
		s += fmt.Sprintf("  (apart: %d answered marks %.2f/%.2f)", st.Answereds, durMS(st.Answered[0]), durMS(st.Answered[1]))
	}
	if st.Checkpoints > 0 {
		s += fmt.Sprintf("\n                      checkpoints: %d, p50/p99/max %.2f/%.2f/%.2f ms",
			st.Checkpoints, durMS(st.CheckpointTimes[0]), durMS(st.CheckpointTimes[1]), durMS(st.CheckpointTimes[2]))
	}
	if st.Errors > 0 {
		s += fmt.Sprintf("  %d errors (first: %s)", st.Errors, st.FirstErr)
	}
	if st.Trace != "" {
		s += "\n" + st.Trace
	}
	return s
}

// ReportGuard prints the summary; with JSON it ends with one JSON line.
func ReportGuard(w io.Writer, o GuardOptions, r GuardResult) error {
	fmt.Fprintf(w, "bench guard: %s, %d node(s), %d debtors (%d hot, %.0f %% of decisions)\n", r.Backend, r.Nodes, r.Debtors, o.Hot, o.HotShare*100)
	fmt.Fprintf(w, "  sustained %.0f decisions/s (best stage, %.3f ms of this process's CPU per decision); p99 at 500/s offered: %s\n",
		r.Sustained, r.SustainedCPU, p99Text(r.P99At500))
	fmt.Fprintf(w, "  audit: %d ledger entries replayed, %d violations", r.AuditEntries, r.Violations)
	if r.FirstFinding != "" {
		fmt.Fprintf(w, " (first: %s)", r.FirstFinding)
	}
	fmt.Fprintln(w)
	if !o.JSON {
		return nil
	}
	fields := map[string]any{"backend": r.Backend, "nodes": r.Nodes, "sustained_per_s": round1(r.Sustained),
		"p99_ms_at_500_per_s": r.P99At500, "violations": r.Violations, "cpu_ms_per_decision": r.SustainedCPU}
	if st := r.At500; st != nil {
		// The 500/s stage's parts: the reservation (what a dialing call
		// waits for), the commit, both together; the answered mark apart.
		fields["p50_ms_at_500_per_s"] = durMS(st.P50)
		fields["reserve_p99_ms_at_500_per_s"] = durMS(st.Reserv[1])
		fields["commit_p99_ms_at_500_per_s"] = durMS(st.Commit[1])
		fields["reserve_commit_p99_ms_at_500_per_s"] = durMS(st.Both[1])
		fields["queue_p99_ms_at_500_per_s"] = durMS(st.Queue[1])
		fields["answered_p99_ms_at_500_per_s"] = durMS(st.Answered[1])
		fields["cpu_ms_per_decision_at_500_per_s"] = float64(st.CPU.Nanoseconds()) / 1e6
	}
	line, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", line)
	return err
}

func p99Text(v float64) string {
	if v < 0 {
		return "no 500/s stage"
	}
	return fmt.Sprintf("%.2f ms", v)
}

func round1(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }
