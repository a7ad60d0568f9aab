package main

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"flag"
	"fmt"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/portfolio"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/testcalls"
)

// cmdSweep runs a whole robot sweep over a portfolio:
//
//	dozvon sweep --portfolio FILE --script scripts/verify_contact.yaml [--channels N] [--out results.csv]
//	dozvon sweep --simulate [--debtors 1000] [--channels 50] …
//
// It imports the portfolio, creates a campaign with one task per debtor phone,
// and runs the scheduler (230-FZ guard, retries, callbacks) with a live
// progress line until nothing more falls due before the horizon. It ends with a
// results table and a CSV of results. --simulate dials simulated debtor phones
// over loopback SIP (varied behaviours and time zones) on a simulated 230-FZ
// clock that jumps to the next due time when idle; without --portfolio it
// generates the debtors.
func cmdSweep(ctx context.Context, e env, args []string) int {
	fs := flag.NewFlagSet("sweep", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	file := fs.String("portfolio", "", "portfolio CSV (see dozvon import)")
	scriptPath := fs.String("script", "scripts/verify_contact.yaml", "dialogue script")
	channels := fs.Int("channels", 10, "simultaneous calls")
	cps := fs.Float64("cps", 0, "new calls per second (0: unlimited)")
	out := fs.String("out", "", "results CSV (default DIR/results.csv with --simulate, else sweep-results.csv)")
	cfgPath := fs.String("config", "", "config file (default dozvon.yaml if present)")
	campaignCfg := fs.String("campaign", "", "campaign settings JSON file (trunks, caller_ids, schedule, retry, priority, non_human)")
	horizon := fs.Duration("horizon", 12*time.Hour, "stop when nothing falls due sooner than this from the start")
	simulate := fs.Bool("simulate", false, "dial simulated debtor phones on loopback with a simulated 230-FZ clock")
	nDebtors := fs.Int("debtors", 60, "with --simulate and no --portfolio: how many debtors to generate")
	dir := fs.String("dir", "var/sweep", "with --simulate: where the database and recordings go (recreated)")
	verbose := fs.Bool("v", false, "log details to stderr")
	trunkChannels := fs.String("trunk-channels", "", "per-trunk channel limits: name=N,name=N")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *file == "" && !*simulate {
		fmt.Fprintln(e.stderr, "usage: dozvon sweep --portfolio FILE --script FILE [--channels N] [--simulate]")
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintln(e.stderr, "dozvon sweep:", err)
		return 1
	}
	cfg, err := loadConfig(*cfgPath, e.getenv)
	if err != nil {
		return fail(err)
	}
	level := slog.LevelError
	if *verbose {
		level = slog.LevelDebug
	}
	log := newLogger(e.stderr, level)

	camp := scheduler.Config{Script: *scriptPath, CPS: *cps}
	if *campaignCfg != "" {
		if camp, err = readCampaignConfig(*campaignCfg); err != nil {
			return fail(err)
		}
		if camp.Script == "" {
			camp.Script = *scriptPath
		}
	}
	var clk clock.Clock = clock.System{}
	var sim []simDebtor
	if *simulate {
		if err := os.RemoveAll(*dir); err != nil {
			return fail(err)
		}
		cfg.Store.DSN = "sqlite:" + filepath.Join(*dir, "dozvon.db")
		cfg.SIP.RecordDir = filepath.Join(*dir, "recordings")
		cfg.SIP.Listen = []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}}
		cfg.SIP.Trunks = nil
		if cfg.ASR.Engine == "vosk" && cfg.ASR.Model == "" {
			if _, err := findModel(); err != nil {
				cfg.ASR.Engine = "simulated"
			}
		}
		// Tuesday 24 Nov 2026, 05:00 UTC: 08:00 in Moscow, before the window in Kaliningrad, evening in Kamchatka.
		clk = clock.NewSim(time.Date(2026, 11, 24, 5, 0, 0, 0, time.UTC))
		if len(camp.CallerIDs) == 0 {
			camp.CallerIDs = []scheduler.CallerID{{Number: "74950000000", Region: "г. Москва"},
				{Number: "73830000000", Region: "Новосибирская область"}, {Number: "74230000000", Region: "Приморский край"}}
		}
		if *out == "" {
			*out = filepath.Join(*dir, "results.csv")
		}
	}
	if *out == "" {
		*out = "sweep-results.csv"
	}
	if !*simulate && len(cfg.SIP.Trunks) == 0 {
		return fail(fmt.Errorf("no SIP trunk configured (sip.trunks in %s): numbers cannot be dialed; --simulate dials simulated phones", orDefault(*cfgPath, "dozvon.yaml")))
	}

	// The portfolio: a file, or generated simulated debtors.
	var debtors []portfolio.Debtor
	source := "simulated"
	if *file != "" {
		f, err := os.Open(*file)
		if err != nil {
			return fail(err)
		}
		res, err := portfolio.Parse(f, filepath.Base(*file))
		f.Close()
		if err != nil {
			return fail(err)
		}
		debtors, source = res.Debtors, filepath.Base(*file)
		fmt.Fprintf(e.stdout, "portfolio %s: %d rows, %d debtors, %d phones, %d rows rejected\n", *file, res.Rows, len(res.Debtors), res.Phones(), len(res.Rejected))
		for _, r := range res.Rejected {
			fmt.Fprintf(e.stdout, "  line %d: rejected: %s\n", r.Line, r.Reason)
		}
		if *simulate {
			sim = simulateFor(debtors)
		}
	} else {
		sim = simDebtors(*nDebtors)
		for _, s := range sim {
			debtors = append(debtors, s.d)
		}
	}

	rt, err := newRuntime(ctx, cfg, log, clk)
	if err != nil {
		return fail(err)
	}
	defer rt.close()
	if err := portfolio.Save(ctx, rt.db, portfolio.Result{Debtors: debtors}, source); err != nil {
		return fail(err)
	}
	start := clk.Now()
	ua, err := telephony.New(ctx, cfg.SIP, log)
	if err != nil {
		return fail(err)
	}
	limits, err := parseTrunkChannels(*trunkChannels)
	if err != nil {
		return fail(err)
	}
	// the config file's non-human reaction holds unless the campaign has its own
	flow, err := rt.flow(ua, rt.trunkBook(limits), nil)
	if err != nil {
		return fail(err)
	}
	dialer := &callflow.Dialer{Flow: flow, Vars: sweepVars, RingTimeout: 20 * time.Second}
	expect := map[string]string{}
	if *simulate {
		phones, err := testcalls.NewCallee(ctx, telephony.Config{Name: "phones", Listen: cfg.SIP.Listen}, rt.voice, log)
		if err != nil {
			return fail(err)
		}
		uris := map[string]string{}
		for _, s := range sim {
			for i, p := range s.d.Phones {
				uris[p.String()] = phones.Phone(p.String(), s.phones[i].b)
			}
			expect[s.d.ID] = s.expect
			if s.block != "" {
				if _, err := rt.db.AddBlock(ctx, store.Block{DebtorID: s.d.ID, Kind: s.block, Note: "simulation", Since: start.Add(-24 * time.Hour)}); err != nil {
					return fail(err)
				}
			}
		}
		dialer.Target = func(c scheduler.Call) string { return uris[c.Task.Phone] }
		dialer.Recognizer = func(callID string) asr.Recognizer { return rt.recognizer(phones.Board().Recognizer(callID)) }
		dialer.RingTimeout = 3 * time.Second
		if cfg.ASR.Engine == "simulated" {
			fmt.Fprintln(e.stdout, "ASR: simulated — no Vosk model; set VOSK_MODEL or run make model (the simulated phones' planned text stands in for recognition of the speech segments the robot's VAD detects)")
		}
		fmt.Fprintf(e.stdout, "simulated debtor phones on loopback; 230-FZ clock starts %s and jumps when idle (calls run in real time); ASR: %s\n",
			start.In(mustZone("Europe/Moscow")).Format("Mon 2006-01-02 15:04 MST"), cfg.ASR.Engine)
	}

	// The same portfolio and script make the same campaign: running the sweep
	// again after an interruption resumes it (only new tasks are added).
	h := sha256.New()
	fmt.Fprintln(h, camp.Script, source)
	for _, d := range debtors {
		fmt.Fprintln(h, d.ID, strings.Join(phonenum.Strings(d.Phones), ","))
	}
	campaignID := fmt.Sprintf("sweep-%x", h.Sum(nil)[:6])
	sdebtors := make([]store.Debtor, len(debtors))
	names := map[string]string{}
	for i, d := range debtors {
		sdebtors[i] = store.Debtor{ID: d.ID, Name: d.Name, Region: d.Region, Phones: phonenum.Strings(d.Phones)}
		names[d.ID] = d.Name
	}
	nTasks, err := scheduler.CreateCampaign(ctx, rt.db, campaignID, "sweep of "+source, camp, sdebtors, start)
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(e.stdout, "campaign %s: %d debtors, %d tasks (one per phone), %d channels, script %s\n\n", campaignID, len(debtors), nTasks, *channels, camp.Script)

	prog := &progress{debtors: len(debtors), outcomes: map[string]int{}, reached: map[string]bool{}}
	host, _ := os.Hostname()
	s, err := scheduler.New(scheduler.Options{Store: rt.db, Guard: rt.guard, Dialer: dialer, Clock: clk, Log: log, CheckConfig: callflow.CheckCampaign,
		Holder: fmt.Sprintf("%s:%d", host, os.Getpid()), Channels: *channels, OnEvent: prog.event})
	if err != nil {
		return fail(err)
	}
	prog.sched = s
	t0 := time.Now()
	stopProgress := prog.live(e.stdout, t0)
	runErr := s.Run(ctx, start.Add(*horizon))
	stopProgress()
	wall := time.Since(t0)
	if runErr != nil && ctx.Err() == nil {
		return fail(runErr)
	}
	if ctx.Err() != nil {
		fmt.Fprintf(e.stdout, "\ninterrupted: campaign %s is in the store; the same command resumes it\n", campaignID)
	}

	rows, err := sweepResults(ctx, rt.db, campaignID, names, expect)
	if err != nil {
		return fail(err)
	}
	printSweepTable(e.stdout, rows, expect)
	if err := writeSweepCSV(*out, rows, expect); err != nil {
		return fail(err)
	}
	entries, bad, err := auditCheck(ctx, rt.db, sdebtors)
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(e.stdout, "\naudit check (independent of the guard): %d ledger entries, %d outside 08–22/09–20 local or over 3 attempts, 1 conversation a day\n", entries, len(bad))
	for _, b := range bad {
		fmt.Fprintln(e.stdout, "  ", b)
	}
	calls := prog.calls()
	fmt.Fprintf(e.stdout, "\n%d calls in %.1fs wall time at %d channels: %.0f calls/min; 230-FZ clock now %s\n", calls, wall.Seconds(), *channels,
		float64(calls)/wall.Minutes(), clk.Now().In(mustZone("Europe/Moscow")).Format("Mon 15:04 MST"))
	fmt.Fprintf(e.stdout, "results: %s; database: %s\n", *out, strings.TrimPrefix(cfg.Store.DSN, "sqlite:"))
	return 0
}

func readCampaignConfig(path string) (scheduler.Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return scheduler.Config{}, fmt.Errorf("campaign settings: %w", err)
	}
	c, err := scheduler.ParseConfig(store.Campaign{ID: path, Config: string(b)}, callflow.CheckCampaign)
	if err != nil {
		return scheduler.Config{}, fmt.Errorf("campaign settings: %w", err)
	}
	return c, nil
}

func debtorZone(region string) *time.Location { return compliance.DialogueZone(region) }

func sweepVars(c scheduler.Call) map[string]any {
	first := c.Debtor.Name
	if f := strings.Fields(c.Debtor.Name); len(f) >= 2 {
		first = f[1]
	}
	v := map[string]any{
		"debtor":   map[string]any{"name": c.Debtor.Name, "first_name": first},
		"creditor": map[string]any{"name": "ООО «Альфа Финанс»"},
	}
	if c.Details.DebtKop > 0 {
		v["debt"] = map[string]any{"amount": float64(c.Details.DebtKop) / 100}
	}
	return v
}

// progress keeps the live counters of a sweep.
type progress struct {
	mu       sync.Mutex
	debtors  int
	inFlight int
	nCalls   int
	denied   int
	outcomes map[string]int
	reached  map[string]bool // debtors with a final answer
	sched    *scheduler.Scheduler
}

func (p *progress) event(ev scheduler.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ev.Decision != nil && !ev.Decision.Allowed {
		p.denied++
	}
	if a := ev.Attempt; a != nil {
		p.nCalls++
		k := a.Result
		if a.Result == scheduler.ResultAnswered {
			k = string(a.Outcome)
		}
		p.outcomes[k]++
	}
	if ev.Update.State == store.TaskDone || ev.Update.SkipOthers != "" {
		p.reached[ev.Task.DebtorID] = true
	}
}

func (p *progress) calls() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.nCalls
}

func (p *progress) line(elapsed time.Duration) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	keys := make([]string, 0, len(p.outcomes))
	for k := range p.outcomes {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return p.outcomes[keys[i]] > p.outcomes[keys[j]] })
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, p.outcomes[k]))
	}
	eta := "-"
	if n := len(p.reached); n > 0 && n < p.debtors {
		eta = (time.Duration(float64(elapsed) / float64(n) * float64(p.debtors-n))).Round(time.Second).String()
	}
	inFlight := 0
	if p.sched != nil {
		inFlight = p.sched.InFlight()
	}
	return fmt.Sprintf("[%s] in flight %d, calls %d, denied %d, debtors settled %d/%d, ETA %s | %s",
		elapsed.Round(time.Second), inFlight, p.nCalls, p.denied, len(p.reached), p.debtors, eta, strings.Join(parts, ", "))
}

// live prints the progress line every second, rewriting it in place on a
// terminal; elsewhere (logs, CI) it prints a line every 10 seconds.
func (p *progress) live(w io.Writer, t0 time.Time) (stop func()) {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	every := time.Second
	if !tty {
		every = 10 * time.Second
	}
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-quit:
				if tty {
					fmt.Fprint(w, "\r")
				}
				fmt.Fprintf(w, "%s\n\n", p.line(time.Since(t0)))
				return
			case <-t.C:
				if tty {
					fmt.Fprintf(w, "\r%s\x1b[K", p.line(time.Since(t0)))
				} else {
					fmt.Fprintln(w, p.line(time.Since(t0)))
				}
			}
		}
	}()
	return func() { close(quit); wg.Wait() }
}

// sweepRow is one task's result.
type sweepRow struct {
	t     store.Task
	name  string
	calls []store.TaskCall
}

func sweepResults(ctx context.Context, db *store.DB, campaign string, names, expect map[string]string) ([]sweepRow, error) {
	tasks, err := db.Tasks(ctx, campaign)
	if err != nil {
		return nil, err
	}
	rows := make([]sweepRow, 0, len(tasks))
	for _, t := range tasks {
		calls, err := db.TaskCalls(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		rows = append(rows, sweepRow{t: t, name: names[t.DebtorID], calls: calls})
	}
	return rows, nil
}

// debtorResult is the result that settles a debtor: the outcome of a done
// task, else the state of the first phone still open.
func debtorResult(rows []sweepRow) map[string]string {
	out := map[string]string{}
	for _, r := range rows {
		cur, seen := out[r.t.DebtorID]
		v := r.t.Outcome
		switch r.t.State {
		case store.TaskDone:
			if !seen || !strings.HasPrefix(cur, "done:") || cur == "done:wrong_person" {
				out[r.t.DebtorID] = "done:" + v
			}
			continue
		case store.TaskPending:
			v = "pending:" + r.t.LastResult
			if r.t.Outcome == "callback" {
				v = "callback"
			}
		case store.TaskExhausted:
			v = "exhausted"
		default:
			continue
		}
		if !seen {
			out[r.t.DebtorID] = v
		}
	}
	return out
}

func printSweepTable(w io.Writer, rows []sweepRow, expect map[string]string) {
	byState := map[string]int{}
	var talk time.Duration
	var cost int64
	calls := 0
	for _, r := range rows {
		k := r.t.State
		if r.t.Outcome != "" {
			k += " / " + r.t.Outcome
		} else if r.t.LastResult != "" {
			k += " / last " + r.t.LastResult
		}
		byState[k]++
		for _, c := range r.calls {
			calls++
			talk += c.Duration
			cost += c.CostKop
		}
	}
	keys := make([]string, 0, len(byState))
	for k := range byState {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "phones (tasks) by state / outcome\tcount")
	for _, k := range keys {
		fmt.Fprintf(tw, "%s\t%d\n", k, byState[k])
	}
	tw.Flush()
	fmt.Fprintf(w, "%d tasks, %d calls, talk time %s, cost %.2f ₽\n", len(rows), calls, talk.Round(time.Second), float64(cost)/100)
	if len(expect) == 0 {
		return
	}
	got := debtorResult(rows)
	match, total := 0, 0
	miss := map[string]int{}
	for id, want := range expect {
		total++
		if got[id] == want {
			match++
		} else {
			miss[want+" → "+got[id]]++
		}
	}
	fmt.Fprintf(w, "simulation check: %d of %d debtors ended as their phones' behaviour predicts\n", match, total)
	for k, n := range miss {
		fmt.Fprintf(w, "  expected → got: %s ×%d\n", k, n)
	}
}

func writeSweepCSV(path string, rows []sweepRow, expect map[string]string) error {
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("results csv: %w", err)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("results csv: %w", err)
	}
	w := csv.NewWriter(f)
	head := []string{"debtor_id", "name", "phone", "position", "state", "outcome", "last_result", "slots", "reason", "pinned_to",
		"calls", "talk_seconds", "call_results", "recording", "cost_rub"}
	if len(expect) > 0 {
		head = append(head, "expected")
	}
	_ = w.Write(head)
	for _, r := range rows {
		var talk time.Duration
		var cost int64
		rec := ""
		var spans []string
		for _, c := range r.calls {
			talk += c.Duration
			cost += c.CostKop
			if c.RecordingPath != "" {
				rec = c.RecordingPath
			}
			spans = append(spans, c.Result)
		}
		rec2 := []string{r.t.DebtorID, r.name, r.t.Phone, strconv.Itoa(r.t.Position + 1), r.t.State, r.t.Outcome, r.t.LastResult,
			slotsCSV(r.t.Slots), r.t.Reason, r.t.PinnedTo, strconv.Itoa(len(r.calls)), fmt.Sprintf("%.1f", talk.Seconds()),
			strings.Join(spans, " "), rec, fmt.Sprintf("%.2f", float64(cost)/100)}
		if len(expect) > 0 {
			rec2 = append(rec2, expect[r.t.DebtorID])
		}
		_ = w.Write(rec2)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("results csv: %w", err)
	}
	return f.Close()
}

func slotsCSV(s map[string]string) string {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + s[k]
	}
	return strings.Join(parts, ";")
}

// simPhone is one simulated phone.
type simPhone struct{ b testcalls.Behaviour }

// simDebtor is a generated debtor, how their phones behave, and the result
// that behaviour must produce.
type simDebtor struct {
	d      portfolio.Debtor
	phones []simPhone
	block  string
	expect string
}

var simRegions = []string{"г. Москва", "Новосибирская область", "Калининградская область", "Камчатский край", "Свердловская область", "Приморский край"}

var simNames = []string{"Иванов Иван Иванович", "Петрова Анна Сергеевна", "Сидоров Пётр Петрович", "Кузнецов Олег Викторович",
	"Смирнова Мария Ивановна", "Попов Андрей Николаевич", "Волков Сергей Андреевич", "Соколова Елена Павловна"}

func simSay(s ...string) []testcalls.Step {
	out := make([]testcalls.Step, len(s))
	for i, x := range s {
		out[i] = testcalls.Step{Say: x}
	}
	return out
}

// simBehaviour gives the behaviour of kind k for a debtor with n phones and the expected result.
func simBehaviour(k, n int) ([]simPhone, string, string) {
	ring := 800 * time.Millisecond
	confirms := testcalls.Behaviour{Ring: ring, Steps: simSay("да, это я", "да, удобно")}
	wrong := testcalls.Behaviour{Ring: ring, Steps: simSay("нет, вы ошиблись номером")}
	ph := make([]simPhone, n)
	for i := range ph {
		ph[i] = simPhone{confirms}
	}
	switch k % 10 {
	case 0, 1, 2:
		return ph, "", "done:identified"
	case 3:
		ph[0] = simPhone{wrong}
		if n == 1 {
			return ph, "", "done:wrong_person"
		}
		return ph, "", "done:identified"
	case 4:
		ph[0] = simPhone{testcalls.Behaviour{Ring: ring, Steps: simSay("да, я", "я сейчас занята", "перезвоните завтра в десять утра")}}
		return ph, "", "callback"
	case 5, 6, 9:
		b := testcalls.Behaviour{Ring: 300 * time.Millisecond, Reject: 486}
		if k%10 == 6 {
			b = testcalls.Behaviour{NoAnswer: true}
		}
		if k%10 == 9 {
			b = testcalls.Behaviour{Ring: ring, Steps: []testcalls.Step{{HangupAfter: 1500 * time.Millisecond}}}
		}
		for i := range ph {
			ph[i] = simPhone{b}
		}
		if k%20 == 19 {
			return ph, "bankruptcy", "pending:denied"
		}
		return ph, "", "pending:denied" // retried until the day's 3 attempts are used
	case 7:
		ph[0] = simPhone{testcalls.Behaviour{Ring: ring, Steps: simSay("перестаньте мне звонить")}}
		return ph, "", "done:refused"
	default:
		for i := range ph {
			ph[i] = simPhone{wrong}
		}
		return ph, "", "done:wrong_person"
	}
}

// simDebtors generates n debtors over several zones with one or two phones.
func simDebtors(n int) []simDebtor {
	out := make([]simDebtor, n)
	for i := range out {
		nph := 1 + i%2
		d := portfolio.Debtor{ID: fmt.Sprintf("S-%05d", i+1), Name: simNames[i%len(simNames)], Region: simRegions[(i/10)%len(simRegions)], DebtKop: int64(1000+i) * 100}
		for j := range nph {
			d.Phones = append(d.Phones, phonenum.MustParse(fmt.Sprintf("+79%02d%07d", 10+j, i+1)))
		}
		ph, block, exp := simBehaviour(i, nph)
		out[i] = simDebtor{d: d, phones: ph, block: block, expect: exp}
	}
	return out
}

// simulateFor gives the debtors of a real portfolio simulated phones.
func simulateFor(ds []portfolio.Debtor) []simDebtor {
	out := make([]simDebtor, len(ds))
	for i, d := range ds {
		ph, block, exp := simBehaviour(i, len(d.Phones))
		out[i] = simDebtor{d: d, phones: ph, block: block, expect: exp}
	}
	return out
}

// auditCheck re-reads the ledger and checks every contact against 230-FZ
// art. 7 on its own: local time 08:00–22:00 on weekdays, 09:00–20:00 on
// Saturdays and Sundays (the production calendar's moved days are not
// applied here), at most 3 attempts and 1 conversation a local day. It is a
// second opinion on the guard, written separately from it.
func auditCheck(ctx context.Context, db *store.DB, debtors []store.Debtor) (entries int, bad []string, err error) {
	for _, d := range debtors {
		es, err := db.LedgerEntries(ctx, d.ID)
		if err != nil {
			return 0, nil, err
		}
		zones := []string{"Europe/Moscow"}
		if l, err := compliance.ResolveRegion(d.Region, d.District); err == nil && len(l.Zones) > 0 {
			zones = l.Zones
		}
		perDay := map[string][2]int{}
		for _, e := range es {
			if e.State == store.StateReleased {
				continue
			}
			entries++
			for _, z := range zones {
				l := e.At.In(mustZone(z))
				m := l.Hour()*60 + l.Minute()
				from, to := 8*60, 22*60
				if l.Weekday() == time.Saturday || l.Weekday() == time.Sunday {
					from, to = 9*60, 20*60
				}
				if m < from || m >= to {
					bad = append(bad, fmt.Sprintf("%s: contact at %s local (%s)", d.ID, l.Format("Mon 15:04"), z))
				}
				day := z + l.Format(" 2006-01-02")
				c := perDay[day]
				c[0]++
				if e.Kind == string(compliance.Conversation) {
					c[1]++
				}
				perDay[day] = c
			}
		}
		for day, c := range perDay {
			if c[0] > 3 || c[1] > 1 {
				bad = append(bad, fmt.Sprintf("%s: %d attempts, %d conversations on %s", d.ID, c[0], c[1], day))
			}
		}
	}
	return entries, bad, nil
}

// parseTrunkChannels reads "main=30,backup=10".
func parseTrunkChannels(s string) (map[string]int, error) {
	out := map[string]int{}
	for _, part := range strings.Split(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		name, n, ok := strings.Cut(part, "=")
		v, err := strconv.Atoi(strings.TrimSpace(n))
		if !ok || err != nil || v < 0 {
			return nil, fmt.Errorf("--trunk-channels %q: want name=N", part)
		}
		out[strings.TrimSpace(name)] = v
	}
	return out, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
