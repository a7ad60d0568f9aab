package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/dozvon/dozvon/api"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/events"
	"github.com/dozvon/dozvon/internal/logsink"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/testcalls"
	"github.com/dozvon/dozvon/webhook"
)

// The acceptance test runs `dozvon serve` as a child process: the test
// binary started again with these variables set plays the service (see
// TestMain) instead of running the tests, so it can be killed with SIGKILL.
const (
	serveArgsEnv  = "DOZVON_ACCEPT_SERVE_ARGS"   // the serve flags, as a JSON array
	serveClockEnv = "DOZVON_ACCEPT_CLOCK_OFFSET" // a Go duration added to the wall clock
)

func TestMain(m *testing.M) {
	if raw := os.Getenv(serveArgsEnv); raw != "" {
		os.Exit(runServeChild(raw, os.Getenv(serveClockEnv)))
	}
	os.Exit(m.Run())
}

// offsetClock is the wall clock moved by a fixed offset: it runs at the real
// rate (calls and leases take real time) on a weekday morning in Moscow.
type offsetClock time.Duration

func (o offsetClock) Now() time.Time { return time.Now().Add(time.Duration(o)) }

// runServeChild is `dozvon serve` as main runs it (SIGTERM drains), on a
// clock offset by offset; nothing of the test's environment reaches its config.
func runServeChild(rawArgs, offset string) int {
	var args []string
	if err := json.Unmarshal([]byte(rawArgs), &args); err != nil {
		fmt.Fprintln(os.Stderr, "serve child: args:", err)
		return 2
	}
	off, err := time.ParseDuration(offset)
	if err != nil {
		fmt.Fprintln(os.Stderr, "serve child: clock offset:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: func(string) string { return "" }, clock: offsetClock(off)}
	return run(ctx, e, append([]string{"serve"}, args...))
}

// serveProc is one running `dozvon serve` child.
type serveProc struct {
	cmd    *exec.Cmd
	stderr *logsink.Buffer
	base   string // http://host:port
	sip    string // host:port of its SIP listener
	exited chan struct{}
	code   int // after exited
}

// startServe starts serve with args on a clock offset by offset and waits
// until its API listens. Should the test fail, the service's stderr is
// printed; a child still running at the test's end is killed.
func startServe(ctx context.Context, t *testing.T, name, dir string, offset time.Duration, args ...string) *serveProc {
	t.Helper()
	raw, _ := json.Marshal(args)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "-test.run=^$")
	cmd.Dir = dir // a campaign's script is a path inside the service's directory
	cmd.Env = append(os.Environ(), serveArgsEnv+"="+string(raw), serveClockEnv+"="+offset.String())
	p := &serveProc{cmd: cmd, stderr: &logsink.Buffer{}, exited: make(chan struct{})}
	cmd.Stderr = p.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("%s stderr:\n%s", name, p.stderr.String())
		}
	})
	api := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "dozvon serve: answering on "); ok {
				p.sip = strings.Fields(rest)[0] // printed before the API's line
			}
			if rest, ok := strings.CutPrefix(sc.Text(), "dozvon serve: API on "); ok {
				api <- strings.TrimSuffix(strings.Fields(rest)[0], "/api/v1")
			}
		}
		_ = cmd.Wait()
		p.code = cmd.ProcessState.ExitCode()
		close(p.exited)
	}()
	select {
	case p.base = <-api:
		return p
	case <-p.exited:
		t.Fatalf("%s exited (%d) before its API listened", name, p.code)
	case <-ctx.Done():
		t.Fatalf("%s: no API before the deadline", name)
	}
	return nil
}

// eventStream is a live event client: envelopes as they come, closed when
// the connection ends.
type eventStream struct {
	conn *websocket.Conn
	c    chan events.Envelope
}

func openEvents(ctx context.Context, t *testing.T, base, query, token string, first any) *eventStream {
	t.Helper()
	conn, resp, err := websocket.DefaultDialer.DialContext(ctx, "ws"+strings.TrimPrefix(base, "http")+"/api/v1/events"+query,
		http.Header{"Authorization": {"Bearer " + token}})
	if err != nil {
		t.Fatalf("events stream: %v (%v)", err, resp)
	}
	t.Cleanup(func() { conn.Close() })
	if first != nil {
		if err := conn.WriteJSON(first); err != nil {
			t.Fatal(err)
		}
	}
	s := &eventStream{conn: conn, c: make(chan events.Envelope, 4096)}
	go func() {
		defer close(s.c)
		for {
			var e events.Envelope
			if err := conn.ReadJSON(&e); err != nil {
				return
			}
			s.c <- e
		}
	}()
	return s
}

// hookLog is a collection system's webhook receiver: every delivery as it
// came (at least once: one event may come more than once).
type hookLog struct {
	mu  sync.Mutex
	got []hookDelivery
}

type hookDelivery struct {
	key, sig string
	body     []byte
	payload  webhook.Payload
}

func (h *hookLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	d := hookDelivery{key: r.Header.Get("Idempotency-Key"), sig: r.Header.Get(webhook.SignatureHeader), body: body}
	_ = json.Unmarshal(body, &d.payload)
	h.mu.Lock()
	h.got = append(h.got, d)
	h.mu.Unlock()
}

func (h *hookLog) all() []hookDelivery {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.got)
}

// callEnded returns the call.ended deliveries by idempotency key.
func (h *hookLog) callEnded() map[string]hookDelivery {
	out := map[string]hookDelivery{}
	for _, d := range h.all() {
		if d.payload.Event == webhook.CallEnded {
			out[d.key] = d
		}
	}
	return out
}

// acceptScript is a short dialogue of the service's campaign: the opening
// 230-FZ asks for, one keypad question, goodbye. A phone that presses a
// wrong key and then waits keeps its call up for the question's reprompts
// and 15 s timeouts (the key tells first-phrase detection a person is there).
const acceptPhrases = `phrases:
  hello: {text: "Здравствуйте! С вами говорит робот компании {creditor.name}. Разговор записывается.", tags: [greeting, disclosure, creditor, recording]}
  ask: "Это {debtor.name}? Нажмите один."
  ask_2: "Вы {debtor.name}? Нажмите один или два."
  ask_3: "Если это вы, нажмите один."
  bye: "Спасибо, до свидания!"
  bye_no: "До свидания!"
intents:
  "yes": {priority: 10, negation: "no", phrases: ["да", "это я"]}
  "no": {priority: 20, phrases: ["нет"]}
`

const acceptScript = `name: accept
version: "1"
language: ru
limits: {max_turns: 10, max_duration: 2m}
import: phrases.yaml
start: greeting
vars: [debtor.name, creditor.name]
nodes:
  - {id: greeting, say: [hello], next: identify}
  - id: identify
    ask: {prompt: ask, reprompts: [ask_2, ask_3], timeout: 15s, dtmf: {"1": "yes", "2": "no"}}
    on:
      - {intent: "yes", goto: end_ok}
      - {intent: "no", goto: end_wrong}
    no_input: end_silent
    no_match: end_silent
  - {id: end_ok, say: bye, end: identified}
  - {id: end_wrong, say: bye_no, end: wrong_person}
  - {id: end_silent, say: bye_no, end: no_input}
`

// weekdayMorning is an offset that puts the wall clock on a past weekday
// at 11:00 in Moscow, a week or more ago: inside the 230-FZ window whenever
// the test runs, and (with a day added) the next day's too; in the past, so
// the outbox's rows written on it are due on the wall clock at once.
func weekdayMorning(now time.Time) time.Duration {
	d := time.Date(now.Year(), now.Month(), now.Day(), 8, 0, 0, 0, time.UTC).AddDate(0, 0, -8)
	for d.Weekday() != time.Tuesday {
		d = d.AddDate(0, 0, -1)
	}
	return d.Sub(now)
}

// TestServeAcceptance is the service's acceptance test, end to end over
// real HTTP and real SIP with `dozvon serve` as a separate process: a
// portfolio uploaded, a campaign created and dialled against simulated
// phones that answer with the keypad, its events on a WebSocket in seq
// order, its calls with transcripts from the API, signed webhooks; then the
// service is killed with SIGKILL while a call is up, restarted on the same
// database (the next morning on the 230-FZ clock: the killed task's lease
// and reservation have run out by then), the stream resumes from its last
// seq with exactly what it missed, the campaign completes, no call's
// webhook is lost and no debtor is over the 230-FZ limits.
func TestServeAcceptance(t *testing.T) {
	skipUnlessCalls(t)
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 75*time.Second)
	defer cancel()
	t0 := time.Now()
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "dozvon.db")

	// The simulated phones: three answer and press 1; the fourth answers,
	// presses 3 and waits: the call the service is killed in.
	phones, err := testcalls.NewCallee(ctx, telephony.Config{Name: "phones", Listen: []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	keypad := testcalls.Behaviour{Ring: 200 * time.Millisecond, Steps: []testcalls.Step{{DTMF: "1"}, {DTMF: "1"}}}
	slow := testcalls.Behaviour{Ring: 200 * time.Millisecond, Steps: []testcalls.Step{{DTMF: "3"}, {Silence: 2 * time.Minute}}}
	numbers := []string{"+79165550001", "+79165550002", "+79165550003", "+79165550004"}
	slowNumber := numbers[3]
	for _, n := range numbers[:3] {
		phones.Phone(n, keypad)
	}
	uri := phones.Phone(slowNumber, slow) // sip:USER@HOST:PORT: the phones' exchange is the service's trunk
	trunkHost := uri[strings.LastIndex(uri, "@")+1:]

	scriptPath := writeAcceptScript(t, dir)
	cfgPath := filepath.Join(dir, "dozvon.yaml")
	cfg := fmt.Sprintf(`creditor: "ООО Тест"
sip:
  listen: [{transport: udp, host: 127.0.0.1, port: 0}]
  record_dir: %s
  trunks: [{name: sim, host: %q}]
tts: {cache_dir: %s}
store: {dsn: %q}
`, filepath.Join(dir, "rec"), trunkHost, filepath.Join(dir, "tts"), dsn)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}

	// A supervisor and a token, with the CLI; a collection system's
	// webhook endpoint for call ends.
	token := cliSupervisorToken(t, dsn)
	hooks := &hookLog{}
	receiver := httptest.NewServer(hooks)
	defer receiver.Close()
	secret := cliWebhook(t, dsn, receiver.URL)

	serveArgs := []string{"--config", cfgPath, "--asr", "dtmf", "--http", "127.0.0.1:0", "--drain", "20s", "--script", scriptPath}
	day1 := weekdayMorning(time.Now())
	first := startServe(ctx, t, "serve (first)", dir, day1, serveArgs...)
	do := func(base, method, path, ctype, body string, out any) int {
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
		} else if resp.StatusCode >= 300 {
			t.Logf("%s %s: %d %s", method, path, resp.StatusCode, b)
		}
		return resp.StatusCode
	}

	// The portfolio, as a collection system uploads it.
	var csv strings.Builder
	csv.WriteString("ФИО;Телефон;Регион;Номер договора\n")
	for i, n := range numbers {
		fmt.Fprintf(&csv, "%s;%s;г. Москва;AC-%d\n", []string{"Иванов Иван Иванович", "Петрова Анна Сергеевна", "Сидоров Пётр Петрович", "Кузнецова Ольга Юрьевна"}[i], n, i+1)
	}
	var report struct{ Rows, Accepted, Debtors, Phones int }
	if status := do(first.base, "POST", "/api/v1/portfolios", "text/csv", csv.String(), &report); status != http.StatusCreated ||
		report.Rows != 4 || report.Accepted != 4 || report.Debtors != 4 || report.Phones != 4 {
		t.Fatalf("portfolio: %d %+v", status, report)
	}
	var camp api.Campaign
	if status := do(first.base, "POST", "/api/v1/campaigns", "application/json",
		fmt.Sprintf(`{"name":"accept","script":"accept.yaml","selection":{"region":"г. Москва"},"channels":4}`), &camp); status != http.StatusCreated || camp.Counters.Tasks != 4 {
		t.Fatalf("campaign: %d %+v", status, camp)
	}

	// The campaign's events from the start, over the first service. The
	// service is killed once three calls have completed while the fourth
	// is up (answered, not ended).
	var got []events.Envelope
	take := func(e events.Envelope) {
		if e.Campaign != camp.ID {
			t.Errorf("event %d of campaign %q on a stream subscribed to %s", e.Seq, e.Campaign, camp.ID)
		}
		if n := len(got); n > 0 && e.Seq <= got[n-1].Seq {
			t.Errorf("event seq %d after %d", e.Seq, got[n-1].Seq)
		}
		got = append(got, e)
	}
	status := func(e events.Envelope) string {
		var d events.StatusData
		if e.Type == events.TypeCallStatus {
			_ = json.Unmarshal(e.Data, &d)
		}
		return d.Status
	}
	live := openEvents(ctx, t, first.base, "", token, map[string]any{"subscribe": []string{camp.ID}, "after": 0})
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	completed, up := map[string]bool{}, map[string]string{} // call → debtor for calls answered and not ended
	var killed, killedDebtor string
	for killed == "" {
		select {
		case e, ok := <-live.c:
			if !ok {
				t.Fatal("the event stream ended before the kill")
			}
			take(e)
			switch status(e) {
			case events.StatusInProgress:
				up[e.Call] = e.Debtor
			case events.StatusCompleted, events.StatusFailed, events.StatusNoAnswer, events.StatusBusy:
				if _, ok := up[e.Call]; !ok || status(e) != events.StatusCompleted {
					t.Fatalf("call %s ended %s before the kill (%s)", e.Call, status(e), e.Data)
				}
				delete(up, e.Call)
				completed[e.Call] = true
			}
			if len(completed) == 3 && len(up) == 1 {
				for c, d := range up {
					killed, killedDebtor = c, d
				}
			}
		case <-ctx.Done():
			t.Fatalf("%d calls completed, %d up before the deadline", len(completed), len(up))
		}
	}
	// A completed call's task is finished just after its end: wait for the
	// three (else the restart would dial a debtor already reached; see
	// the report), the fourth call still up.
	for camp.Counters.Done < 3 {
		select {
		case e, ok := <-live.c:
			if ok {
				take(e)
				if e.Call == killed && status(e) != "" && status(e) != events.StatusInProgress {
					t.Fatalf("call %s ended %s before the kill", killed, status(e))
				}
			}
		case <-tick.C:
			do(first.base, "GET", "/api/v1/campaigns/"+camp.ID, "", "", &camp)
		case <-ctx.Done():
			t.Fatalf("tasks done before the kill: %+v", camp.Counters)
		}
	}
	if err := first.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-first.exited
	t.Logf("killed the service with call %s up after %v", killed, time.Since(t0))
	for e := range live.c { // what the stream had sent before it broke
		take(e)
	}
	last := got[len(got)-1].Seq

	// The silent phone answers with the keypad next time; the service
	// comes back on the same database the next morning.
	phones.Phone(slowNumber, keypad)
	second := startServe(ctx, t, "serve (restarted)", dir, day1+24*time.Hour, serveArgs...)
	resumed := len(got)
	live = openEvents(ctx, t, second.base, fmt.Sprintf("?campaign=%s&after=%d", camp.ID, last), token, nil)
	for done := false; !done; {
		select {
		case e, ok := <-live.c:
			if !ok {
				t.Fatal("the resumed event stream ended")
			}
			take(e)
			done = status(e) == events.StatusCompleted && e.Debtor == killedDebtor
		case <-ctx.Done():
			t.Fatalf("the killed debtor was not called again before the deadline (%d events after the restart)", len(got)-resumed)
		}
	}
	// The campaign is marked done after its last task is finished, just
	// after the call's end: look until it is.
	for camp.State != store.CampaignDone {
		select {
		case <-tick.C:
			do(second.base, "GET", "/api/v1/campaigns/"+camp.ID, "", "", &camp)
		case <-ctx.Done():
			t.Fatalf("campaign %s after its last call: %+v", camp.State, camp.Counters)
		}
	}

	// The calls come back from the API with their transcripts; the
	// killed one never ended, so it has no record.
	var list struct{ Calls []api.Call }
	if status := do(second.base, "GET", "/api/v1/calls?campaign="+camp.ID, "", "", &list); status != http.StatusOK || len(list.Calls) != 4 {
		t.Fatalf("calls of the campaign: %d, %d calls", status, len(list.Calls))
	}
	callIDs := map[string]bool{}
	for _, c := range list.Calls {
		callIDs[c.ID] = true
		var d api.CallDetail
		if status := do(second.base, "GET", "/api/v1/calls/"+c.ID, "", "", &d); status != http.StatusOK {
			t.Fatalf("call %s: %d", c.ID, status)
		}
		keyed := slices.ContainsFunc(d.Transcript, func(tr api.Turn) bool { return tr.Who != "robot" && tr.Text != "" })
		spoke := slices.ContainsFunc(d.Transcript, func(tr api.Turn) bool { return tr.Who == "robot" && tr.Text != "" })
		if d.Outcome != "identified" || d.Answered == nil || !keyed || !spoke {
			t.Errorf("call %s: outcome %q, transcript %+v", c.ID, d.Outcome, d.Transcript)
		}
	}
	if callIDs[killed] {
		t.Errorf("the killed call %s has a record", killed)
	}

	// Stop the restarted service (SIGTERM drains): its stream ends after
	// the hub's last events, and its last webhooks get a delivery round.
	if err := second.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for e := range live.c {
		take(e)
	}
	select {
	case <-second.exited:
		if second.code != 0 {
			t.Fatalf("the restarted service exited %d after SIGTERM", second.code)
		}
	case <-ctx.Done():
		t.Fatal("the restarted service did not stop on SIGTERM")
	}

	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The stream, over the kill: exactly what the store has for the
	// campaign, each once, in seq order.
	stored, err := db.EventsSince(ctx, 0, store.EventFilter{Campaigns: []string{camp.ID}}, 100000)
	if err != nil {
		t.Fatal(err)
	}
	var want, have []int64
	for _, e := range stored {
		want = append(want, e.Seq)
	}
	for _, e := range got {
		have = append(have, e.Seq)
	}
	if !slices.Equal(have, want) {
		t.Errorf("events received (%d, resumed after seq %d) are not the store's (%d):\n got %v\nwant %v", len(have), last, len(want), have, want)
	}

	// Every call that ended has its call.ended webhook, signed; a tampered
	// body does not verify.
	ended := hooks.callEnded()
	for id := range callIDs {
		d, ok := ended[id+":"+webhook.CallEnded]
		if !ok {
			t.Errorf("no call.ended webhook for call %s", id)
			continue
		}
		if d.payload.Call != id || d.payload.Campaign != camp.ID || d.payload.ID != d.key {
			t.Errorf("webhook %s: %s", d.key, d.body)
		}
	}
	if len(ended) != len(callIDs) {
		t.Errorf("%d call.ended webhooks for %d calls", len(ended), len(callIDs))
	}
	for _, d := range hooks.all() {
		if err := webhook.Verify(d.sig, d.body, time.Now(), webhook.Tolerance, secret); err != nil {
			t.Errorf("webhook %s: %v", d.key, err)
		}
		tampered := []byte(strings.Replace(string(d.body), `"call.ended"`, `"call.endeD"`, 1))
		if err := webhook.Verify(d.sig, tampered, time.Now(), webhook.Tolerance, secret); err == nil {
			t.Errorf("webhook %s: a tampered body verified", d.key)
		}
	}

	// The 230-FZ ledger: nothing left open and no debtor over a limit; the
	// killed call counts as the conversation it was.
	checkLedger(ctx, t, db, killedDebtor, killed)
	if d := time.Since(t0); d > 40*time.Second {
		t.Logf("the acceptance run took %v (want under 40 s)", d)
	}
}

// checkLedger checks every debtor's ledger against the default 230-FZ
// limits, per local day and week in Moscow, and that the killed call (its
// debtor's reservation that was answered and expired) is a conversation.
func checkLedger(ctx context.Context, t *testing.T, db *store.DB, killedDebtor, killedCall string) {
	t.Helper()
	pol := compliance.DefaultPolicy()
	msk, _ := time.LoadLocation("Europe/Moscow")
	calls, _, err := db.ListCalls(ctx, store.CallFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var debtors []string
	for _, c := range calls {
		if !slices.Contains(debtors, c.DebtorID) {
			debtors = append(debtors, c.DebtorID)
		}
	}
	if !slices.Contains(debtors, killedDebtor) {
		debtors = append(debtors, killedDebtor)
	}
	for _, d := range debtors {
		entries, err := db.LedgerEntries(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		day, week := map[string][2]int{}, map[string]int{} // day: attempts (conversations included), conversations
		expiredConversations := 0
		for _, e := range entries {
			switch e.State {
			case store.StateReleased:
				continue
			case store.StateOpen:
				t.Errorf("debtor %s: reservation %s still open", d, e.ID)
			}
			local := e.At.In(msk)
			y, w := local.ISOWeek()
			k := day[local.Format(time.DateOnly)]
			k[0]++
			if e.Kind == string(compliance.Conversation) {
				k[1]++
				week[fmt.Sprint(y, w)]++
				if e.State == store.StateExpired {
					expiredConversations++
				}
			}
			day[local.Format(time.DateOnly)] = k
		}
		for date, k := range day {
			if k[0] > pol.AttemptsPerDay || k[1] > pol.ConversationsPerDay {
				t.Errorf("debtor %s on %s: %d attempts, %d conversations", d, date, k[0], k[1])
			}
		}
		for w, n := range week {
			if n > pol.ConversationsPerWeek {
				t.Errorf("debtor %s in week %s: %d conversations", d, w, n)
			}
		}
		if d == killedDebtor && (expiredConversations != 1 || len(day) != 2) {
			t.Errorf("the killed call's debtor %s: %d expired conversations over %d days, want the killed call (%s) and the next day's: %+v",
				d, expiredConversations, len(day), killedCall, entries)
		}
	}
	if len(debtors) != 4 {
		t.Errorf("debtors with calls: %d, want 4", len(debtors))
	}
}

// skipUnlessCalls skips a test that places real calls: not with -short,
// nor without espeak-ng for the robot's voice.
func skipUnlessCalls(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("places real calls; not with -short")
	}
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed (tools/setup-debian.sh)")
	}
}

// cliSupervisorToken adds the supervisor "boss" to the store at dsn with
// the CLI and returns a bearer token of theirs, as an operator would.
func cliSupervisorToken(t *testing.T, dsn string) string {
	t.Helper()
	if code, _, errs := runCmd(t, cmdUser, "boss-password-1\n", nil, "add", "boss", "--role", "supervisor", "--db", dsn); code != 0 {
		t.Fatalf("user add: %d %s", code, errs)
	}
	code, out, errs := runCmd(t, cmdToken, "", nil, "create", "boss", "--db", dsn)
	if code != 0 {
		t.Fatalf("token create: %d %s", code, errs)
	}
	return lastLine(out)
}

// cliWebhook adds a collection system's endpoint for call.ended at url with
// the CLI and returns its signing secret.
func cliWebhook(t *testing.T, dsn, url string) string {
	t.Helper()
	code, out, errs := runCmd(t, cmdWebhook, "", nil, "add", "--owner", "crm", "--url", url, "--events", "call.ended", "--db", dsn)
	if code != 0 {
		t.Fatalf("webhook add: %d %s", code, errs)
	}
	return lastLine(out)
}

// lastLine is what a command printed on its last line (a token, a secret).
func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return strings.TrimSpace(s[strings.LastIndex(s, "\n")+1:])
}

// writeAcceptScript writes acceptScript and its phrases to dir and returns
// the script's path.
func writeAcceptScript(t *testing.T, dir string) string {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "phrases.yaml"), []byte(acceptPhrases), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "accept.yaml")
	if err := os.WriteFile(path, []byte(acceptScript), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
