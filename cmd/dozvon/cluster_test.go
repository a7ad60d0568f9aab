package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dozvon/dozvon/api"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/events"
	"github.com/dozvon/dozvon/internal/logsink"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/store/storetest"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/testcalls"
)

// TestClusterBehindKamailio is issue 17's several-nodes test: three `dozvon
// serve` processes on one PostgreSQL behind Kamailio (deploy/kamailio, the
// shipped config), a campaign created on one node and dialled by all,
// inbound calls through the proxy. One node is killed with SIGKILL while
// it has a call up and another is stopped with SIGTERM. Then: the calls on
// the living nodes end normally (the only calls without an end are the
// killed node's); the killed node's tasks are taken over once, by a living
// node, whose guard sends them to the next day (the answered call counts as
// the day's conversation) rather than dialling the debtor again; every other
// debtor's task is finished once with one call; the ledger audits clean
// once the killed call's reservation has expired into a conversation; the
// surviving node's event stream carried every node's events; and Kamailio,
// its probe having marked the dead node down, sends it no new call.
func TestClusterBehindKamailio(t *testing.T) {
	skipUnlessCalls(t)
	kamailio, err := exec.LookPath("kamailio")
	if err != nil {
		t.Skip("kamailio not installed (tools/setup-debian.sh): the several-nodes test needs it")
	}
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 150*time.Second)
	defer cancel()
	t0 := time.Now()
	dsn := nodesPostgres(ctx, t)
	dir := t.TempDir()

	// The debtors' phones: each answers, stays quiet a while, then says yes
	// with the keypad (a call of some 13 s: long enough to be up at a kill).
	phones, err := testcalls.NewCallee(ctx, telephony.Config{Name: "phones", Listen: []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	talk := testcalls.Behaviour{Ring: 200 * time.Millisecond, Steps: []testcalls.Step{{DTMF: "1"}, {Silence: 5 * time.Second}, {DTMF: "1"}}}
	const debtors = 9
	var trunkHost string
	var csv strings.Builder
	csv.WriteString("ФИО;Телефон;Регион;Номер договора\n")
	for i := range debtors {
		n := fmt.Sprintf("+7916555%04d", 100+i)
		uri := phones.Phone(n, talk)
		trunkHost = uri[strings.LastIndex(uri, "@")+1:]
		fmt.Fprintf(&csv, "Должник %c Иванович;%s;г. Москва;CL-%d\n", 'А'+rune(i), n, i)
	}
	// Inbound callers are unknown: their script names no debtor.
	anonymous := strings.NewReplacer("{creditor.name}", "Тест", "{debtor.name}", "вы")
	for name, text := range map[string]string{"phrases.yaml": acceptPhrases, "accept.yaml": acceptScript,
		"inbound_phrases.yaml": anonymous.Replace(acceptPhrases),
		"inbound.yaml":         strings.NewReplacer("import: phrases.yaml", "import: inbound_phrases.yaml", "vars: [debtor.name, creditor.name]\n", "").Replace(acceptScript)} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	token := cliSupervisorToken(t, dsn)

	// Three nodes, each with its own SIP port, recordings and voice cache.
	day1 := weekdayMorning(time.Now())
	var nodes []*serveProc
	for i := range 3 {
		name := fmt.Sprintf("node%d", i+1)
		cfgPath := filepath.Join(dir, name+".yaml")
		cfg := fmt.Sprintf("creditor: \"ООО Тест\"\nsip:\n  listen: [{transport: udp, host: 127.0.0.1, port: 0}]\n  record_dir: %s\n  trunks: [{name: sim, host: %q}]\ntts: {cache_dir: %s}\nstore: {dsn: %q}\n",
			filepath.Join(dir, name, "rec"), trunkHost, filepath.Join(dir, name, "tts"), dsn)
		if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
		nodes = append(nodes, startServe(ctx, t, name, dir, day1, "--config", cfgPath, "--asr", "dtmf", "--http", "127.0.0.1:0",
			"--drain", "60s", "--script", filepath.Join(dir, "inbound.yaml"), "--channels", "2", "--node", name, "--lease", "8s"))
	}

	// Kamailio on loopback with the shipped config, probing every second.
	kam := startKamailio(ctx, t, kamailio, dir, nodes)

	do := func(base, method, path, ctype, body string, out any) (int, string) {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, method, base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode < 300 && out != nil {
			if err := json.Unmarshal(b, out); err != nil {
				t.Fatalf("%s %s: %v in %s", method, path, err, b)
			}
		}
		return resp.StatusCode, string(b)
	}
	// Inbound calls through the proxy: round robin, one per node.
	inbound := func(n int) []error {
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rep, err := phones.Dial(ctx, "sip:robot@"+kam.addr, talk)
				if err == nil && !rep.Answered {
					err = fmt.Errorf("not answered: %+v", rep)
				}
				errs[i] = err
			}()
		}
		wg.Wait()
		return errs
	}
	for i, err := range inbound(3) {
		if err != nil {
			t.Errorf("inbound call %d: %v", i, err)
		}
	}
	for _, n := range nodes {
		kam.waitLine(ctx, t, "dozvon-proxy: INVITE to sip:"+n.sip)
	}

	// A viewer on every node sees every event from the start, whichever
	// node's; the survivor's is checked at the end.
	streams := map[*serveProc]*[]events.Envelope{}
	var streamsWG sync.WaitGroup
	for _, n := range nodes {
		live := openEvents(ctx, t, n.base, "", token, map[string]any{"subscribe": []string{}, "after": 0})
		got := &[]events.Envelope{}
		streams[n] = got
		streamsWG.Add(1)
		go func() {
			defer streamsWG.Done()
			for e := range live.c {
				*got = append(*got, e) // read after the stream ends
			}
		}()
	}

	// The portfolio and the campaign, through the first node's API.
	if code, body := do(nodes[0].base, "POST", "/api/v1/portfolios", "text/csv", csv.String(), nil); code != http.StatusCreated {
		t.Fatalf("portfolio: %d %s", code, body)
	}
	var camp api.Campaign
	if code, body := do(nodes[0].base, "POST", "/api/v1/campaigns", "application/json",
		`{"name":"cluster","script":"accept.yaml","selection":{"region":"г. Москва"},"channels":6}`, &camp); code != http.StatusCreated || camp.Counters.Tasks != debtors {
		t.Fatalf("campaign: %d %s", code, body)
	}

	// Kill a node while it has a campaign call up, stop another while it has one.
	active := func(n *serveProc) int {
		_, body := do(n.base, "GET", "/metrics", "", "", nil)
		for _, l := range strings.Split(body, "\n") {
			if v, ok := strings.CutPrefix(l, "dozvon_calls_active "); ok {
				f, _ := strconv.ParseFloat(v, 64)
				return int(f)
			}
		}
		return 0
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var dead, stopped, survivor *serveProc
	for dead == nil {
		var busy, idle []*serveProc
		for _, n := range nodes {
			if active(n) > 0 {
				busy = append(busy, n)
			} else {
				idle = append(idle, n)
			}
		}
		if len(busy) >= 2 {
			dead, stopped = busy[0], busy[1]
			survivor = slices.Concat(busy[2:], idle)[0]
			break
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.Fatal("no two nodes had calls up")
		}
	}
	if err := dead.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	killedAt := time.Now()
	<-dead.exited
	if err := stopped.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	t.Logf("killed %s, SIGTERM to %s after %v", dead.sip, stopped.sip, killedAt.Sub(t0).Round(time.Millisecond))

	// The probe marks the dead node down; new inbound calls land on the
	// living nodes (the draining one refuses with 503: the proxy fails over).
	downLine := kam.waitLine(ctx, t, "dozvon-proxy: node down sip:"+dead.sip)
	t.Logf("kamailio marked the killed node down %v after the kill", time.Since(killedAt).Round(time.Millisecond))
	for i, err := range inbound(3) {
		if err != nil {
			t.Errorf("inbound call %d after the kill: %v", i, err)
		}
	}
	for _, l := range kam.linesAfter(downLine) {
		if strings.Contains(l, "INVITE to sip:"+dead.sip) || strings.Contains(l, "failed over to sip:"+dead.sip) {
			t.Errorf("kamailio sent a call to the dead node after marking it down: %s", l)
		}
	}
	select {
	case <-stopped.exited:
		if stopped.code != 0 {
			t.Errorf("the SIGTERMed node exited %d", stopped.code)
		}
	case <-ctx.Done():
		t.Fatal("the SIGTERMed node did not stop after its calls")
	}

	// Wait for the campaign to settle: every task finished, or (the killed
	// node's) taken over and sent to the next day by the guard.
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tasks []store.Task
	settled := func() bool {
		if tasks, err = db.Tasks(ctx, camp.ID); err != nil {
			t.Fatal(err)
		}
		for _, tk := range tasks {
			if tk.State == store.TaskLeased || (tk.State == store.TaskPending && tk.LastResult == "") {
				return false
			}
		}
		return true
	}
	for !settled() {
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.Fatalf("the campaign did not settle: %+v", tasks)
		}
	}
	tookOver := time.Since(killedAt)
	if err := survivor.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-survivor.exited
	streamsWG.Wait() // every node's stream has ended: killed, stopped, stopped
	got := *streams[survivor]

	stored, err := db.EventsSince(ctx, 0, store.EventFilter{}, 100000)
	if err != nil {
		t.Fatal(err)
	}
	// The killed calls: reservations the dead node's guard still held.
	pidSuffix := fmt.Sprintf(":%d", dead.cmd.Process.Pid)
	killed := map[string]store.LedgerEntry{} // debtor → the dead node's open reservation
	for _, tk := range tasks {
		entries, err := db.LedgerEntries(ctx, tk.DebtorID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.State == store.StateOpen {
				if !strings.HasSuffix(e.Holder, pidSuffix) {
					t.Errorf("debtor %s: a living node's reservation left open: %+v", tk.DebtorID, e)
				}
				killed[tk.DebtorID] = e
			}
		}
	}
	if len(killed) == 0 {
		t.Fatal("no campaign call was cut by the kill")
	}
	calls, _, err := db.ListCalls(ctx, store.CallFilter{Campaign: camp.ID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	perDebtor := map[string]int{}
	for _, c := range calls {
		perDebtor[c.DebtorID]++
	}
	for _, tk := range tasks {
		_, cut := killed[tk.DebtorID]
		switch {
		case cut && (tk.State != store.TaskPending || tk.LastResult != "denied" || perDebtor[tk.DebtorID] != 0):
			t.Errorf("the killed call's task %d: %s/%s, %d calls; want taken over and sent to the next day by the guard, no call", tk.ID, tk.State, tk.LastResult, perDebtor[tk.DebtorID])
		case !cut && (tk.State == store.TaskPending || perDebtor[tk.DebtorID] != 1):
			t.Errorf("task %d of debtor %s: %s/%s with %d calls; want finished with one call", tk.ID, tk.DebtorID, tk.State, tk.LastResult, perDebtor[tk.DebtorID])
		}
	}

	// The ledger: the killed call's reservation expires into what it was (a
	// conversation once answered); one reserve by a living node was denied
	// (the takeover, once); no debtor is over a limit.
	later := offsetClock(day1 + time.Since(t0) + time.Hour) // past the reservations' 15 minutes
	guard, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clock.Clock(later)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := guard.ExpireStale(ctx); err != nil {
		t.Fatal(err)
	}
	var all []store.Debtor
	for _, tk := range tasks {
		d, err := db.Debtor(ctx, tk.DebtorID)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, d)
		open, cut := killed[d.ID]
		if !cut {
			continue
		}
		want := compliance.Attempt
		if !open.AnsweredAt.IsZero() {
			want = compliance.Conversation
		}
		entries, err := db.LedgerEntries(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].State != store.StateExpired || entries[0].Kind != string(want) {
			t.Errorf("the killed call's debtor %s: ledger %+v; want the dead node's one reservation expired into %s", d.ID, entries, want)
		}
		audit, err := db.AuditLog(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		denied := 0
		for _, a := range audit {
			if a.Action == "reserve" && !a.Allowed {
				denied++
				if strings.HasSuffix(a.Holder, pidSuffix) {
					t.Errorf("debtor %s: the dead node decided after its death: %+v", d.ID, a)
				}
			}
		}
		if denied != 1 {
			t.Errorf("debtor %s: the killed task was taken over %d times, want once", d.ID, denied)
		}
	}
	res, err := guard.Audit(ctx, db, all)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) > 0 || res.Entries < debtors {
		t.Errorf("ledger audit: %d entries, findings %v", res.Entries, res.Findings)
	}

	// The survivor's stream: exactly the store's events, every node's, in order.
	var want, have []int64
	for _, e := range stored {
		want = append(want, e.Seq)
	}
	for _, e := range got {
		have = append(have, e.Seq)
	}
	if !slices.Equal(have, want) {
		t.Errorf("the survivor's stream (%d events) is not the store's (%d):\n got %v\nwant %v", len(have), len(want), have, want)
	}
	t.Logf("3 nodes, %d debtors, 6 inbound calls; killed-node tasks settled %v after the kill (lease 8 s); run %v",
		debtors, tookOver.Round(time.Millisecond), time.Since(t0).Round(time.Millisecond))
}

// kamailioProc is a running Kamailio with its log.
type kamailioProc struct {
	addr string // host:port it listens on
	log  *logsink.Buffer
}

// startKamailio runs deploy/kamailio/kamailio.cfg on a free loopback port
// with the nodes in its dispatcher list, probing every second; it is
// stopped when the test ends.
func startKamailio(ctx context.Context, t *testing.T, bin, dir string, nodes []*serveProc) *kamailioProc {
	t.Helper()
	cfg, err := filepath.Abs(filepath.Join("..", "..", "deploy", "kamailio", "kamailio.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	var list strings.Builder
	for _, n := range nodes {
		fmt.Fprintf(&list, "1 sip:%s 0 0\n", n.sip) // active from the start; the probes watch it
	}
	listPath := filepath.Join(dir, "dispatcher.list")
	if err := os.WriteFile(listPath, []byte(list.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	k := &kamailioProc{addr: addr, log: &logsink.Buffer{}}
	run := filepath.Join(dir, "kamailio-run")
	if err := os.MkdirAll(run, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-f", cfg, "-DD", "-E", "-Y", run, "-m", "32", "-M", "4",
		"-A", "LISTEN=udp:"+addr, "-A", `DISPATCHER_LIST="`+listPath+`"`,
		"-A", "PING_INTERVAL=1", "-A", "PROBE_FAILURES=1", "-A", "REPLY_TIMEOUT=1000")
	cmd.Stderr, cmd.Stdout = k.log, k.log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("kamailio: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("kamailio log:\n%s", k.log.String())
		}
	})
	return k
}

// waitLine waits until the log has a line containing s and returns its index.
func (k *kamailioProc) waitLine(ctx context.Context, t *testing.T, s string) int {
	t.Helper()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		for i, l := range strings.Split(k.log.String(), "\n") {
			if strings.Contains(l, s) {
				return i
			}
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.Fatalf("kamailio logged no %q", s)
		}
	}
}

// linesAfter is the log after line i.
func (k *kamailioProc) linesAfter(i int) []string {
	lines := strings.Split(k.log.String(), "\n")
	if i+1 >= len(lines) {
		return nil
	}
	return lines[i+1:]
}

// nodesPostgres starts a throwaway PostgreSQL for the test's nodes to share
// and returns a new database's DSN; the test is skipped, saying so, when
// PostgreSQL is not installed.
func nodesPostgres(ctx context.Context, t *testing.T) string {
	t.Helper()
	pg, err := storetest.StartPostgres(ctx)
	if errors.Is(err, storetest.ErrNoPostgres) {
		t.Skip("PostgreSQL not installed (tools/setup-debian.sh): the nodes share it: ", err)
	} else if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pg.Stop() })
	dsn, err := pg.NewDatabase(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return dsn
}
