package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/testcalls"
)

// demoDebtor is one simulated debtor phone with its behaviour.
type demoDebtor struct {
	id, name, first, region, phone string
	what                           string // what the phone does, for the table
	b                              testcalls.Behaviour
	block                          string // a standing 230-FZ block, if any
	spokeToday                     bool   // a conversation already happened today
}

func say(s ...string) []testcalls.Step {
	out := make([]testcalls.Step, len(s))
	for i, x := range s {
		out[i] = testcalls.Step{Say: x}
	}
	return out
}

func demoDebtors() []demoDebtor {
	ring := 800 * time.Millisecond
	return []demoDebtor{
		{id: "D-1001", name: "Иванов Иван Иванович", first: "Иван", region: "г. Москва", phone: "+79161110001",
			what: "confirms, has time", b: testcalls.Behaviour{Ring: ring, Steps: say("да, это я", "да, удобно")}},
		{id: "D-1002", name: "Петрова Анна Сергеевна", first: "Анна", region: "Новосибирская область", phone: "+79131110002",
			what: "busy, call back tomorrow 10", b: testcalls.Behaviour{Ring: ring, Steps: say("да, я", "я сейчас занята", "перезвоните завтра в десять утра")}},
		{id: "D-1003", name: "Сидоров Пётр Петрович", first: "Пётр", region: "Калининградская область", phone: "+79011110003",
			what: "wrong number", b: testcalls.Behaviour{Ring: ring, Steps: say("нет, вы ошиблись номером")}},
		{id: "D-1004", name: "Кузнецов Олег Викторович", first: "Олег", region: "Свердловская область", phone: "+79221110004",
			what: "wife answers", b: testcalls.Behaviour{Ring: ring, Steps: say("нет, это его жена, его нет дома")}},
		{id: "D-1005", name: "Смирнова Мария Ивановна", first: "Мария", region: "Камчатский край", phone: "+79141110005",
			what: "keypad: 1, 1", b: testcalls.Behaviour{Ring: ring, Steps: []testcalls.Step{{DTMF: "1"}, {DTMF: "1"}}}},
		{id: "D-1006", name: "Попов Андрей Николаевич", first: "Андрей", region: "Республика Татарстан", phone: "+79171110006",
			what: "stop calling me", b: testcalls.Behaviour{Ring: ring, Steps: say("перестаньте мне звонить")}},
		{id: "D-1007", name: "Волков Сергей Андреевич", first: "Сергей", region: "Приморский край", phone: "+79241110007",
			// the opening (disclosure) cannot be interrupted; this caller talks over the question that follows it
			what: "talks over the question", b: testcalls.Behaviour{Ring: ring, Steps: []testcalls.Step{{Interrupt: "да, это я", After: 11500 * time.Millisecond}, {Say: "да"}}}},
		{id: "D-1008", name: "Соколова Елена Павловна", first: "Елена", region: "Ростовская область", phone: "+79281110008",
			what: "hangs up mid-prompt", b: testcalls.Behaviour{Ring: ring, Steps: []testcalls.Step{{HangupAfter: 1500 * time.Millisecond}}}},
		{id: "D-1013", name: "Егоров Максим Романович", first: "Максим", region: "Челябинская область", phone: "+79511110013",
			what: "stays silent", b: testcalls.Behaviour{Ring: ring, Steps: []testcalls.Step{{Silence: time.Minute}}}},
		{id: "D-1014", name: "Белов Кирилл Антонович", first: "Кирилл", region: "Тюменская область", phone: "+79821110014",
			what: "voice assistant answers", b: testcalls.Behaviour{Ring: ring, Greeting: "Здравствуйте, я голосовой помощник Олег. Представьтесь, пожалуйста, и скажите, что передать?"}},
		{id: "D-1015", name: "Зайцева Нина Фёдоровна", first: "Нина", region: "Воронежская область", phone: "+79521110015",
			what: "voicemail", b: testcalls.Behaviour{Ring: ring, Greeting: "Абонент не может ответить. Оставьте сообщение после сигнала."}},
		{id: "D-1009", name: "Михайлов Денис Олегович", first: "Денис", region: "Краснодарский край", phone: "+79181110009",
			what: "line busy (486)", b: testcalls.Behaviour{Ring: 300 * time.Millisecond, Reject: 486}},
		{id: "D-1010", name: "Новиков Артём Ильич", first: "Артём", region: "Омская область", phone: "+79081110010",
			what: "no answer", b: testcalls.Behaviour{NoAnswer: true}},
		{id: "D-1011", name: "Фёдоров Игорь Львович", first: "Игорь", region: "Самарская область", phone: "+79271110011",
			what: "bankrupt (blocked)", block: "bankruptcy", b: testcalls.Behaviour{Ring: ring, Steps: say("да")}},
		{id: "D-1012", name: "Морозова Ольга Юрьевна", first: "Ольга", region: "Иркутская область", phone: "+79501110012",
			what: "already spoken today", spokeToday: true, b: testcalls.Behaviour{Ring: ring, Steps: say("да")}},
	}
}

// demoClock fixes "now" for the 230-FZ guard at a lawful moment for most of
// the country (Tuesday 24 Nov 2026, 11:00 in Moscow), so the demo shows the
// same decisions whenever it runs. Media and SIP use the real clock.
type demoClock struct{ at time.Time }

func (c demoClock) Now() time.Time { return c.at }

// cmdDemo is the README's run command. By default it runs the main job — a
// robot sweep of a generated portfolio against simulated debtor phones (see
// dozvon sweep --simulate) — and prints progress, results and the 230-FZ
// audit. `dozvon demo calls` instead places one call per behaviour and shows
// every transcript.
func cmdDemo(ctx context.Context, e env, args []string) int {
	if len(args) > 0 && args[0] == "calls" {
		return demoCalls(ctx, e, args[1:])
	}
	fmt.Fprintln(e.stdout, "dozvon demo: a robot sweep of 40 generated debtors over loopback SIP (dozvon demo calls: one call per behaviour, with transcripts)")
	return cmdSweep(ctx, e, append([]string{"--simulate", "--debtors", "40", "--channels", "20"}, args...))
}

func demoCalls(ctx context.Context, e env, args []string) int {
	fs := flag.NewFlagSet("demo calls", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	channels := fs.Int("channels", 6, "calls in parallel")
	dir := fs.String("dir", "var/demo", "where the demo keeps its database and recordings (recreated)")
	scriptPath := fs.String("script", "scripts/verify_contact.yaml", "dialogue script")
	cfgPath := fs.String("config", "", "config file (default dozvon.yaml if present)")
	verbose := fs.Bool("v", false, "log details to stderr")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, err := loadConfig(*cfgPath, e.getenv)
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon demo:", err)
		return 2
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	log := newLogger(e.stderr, level)
	if err := os.RemoveAll(*dir); err != nil {
		fmt.Fprintln(e.stderr, "dozvon demo:", err)
		return 2
	}
	cfg.Store.DSN = "sqlite:" + filepath.Join(*dir, "dozvon.db")
	cfg.SIP.RecordDir = filepath.Join(*dir, "recordings")
	loop := []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}}
	cfg.SIP.Listen = loop

	// Recognition: Vosk when a model is there, else the phones' planned text.
	asrNote := ""
	if cfg.ASR.Engine == "vosk" {
		if cfg.ASR.Model == "" {
			if _, err := findModel(); err != nil {
				cfg.ASR.Engine = "simulated"
			}
		}
	}
	switch cfg.ASR.Engine {
	case "simulated":
		asrNote = "ASR: simulated — no Vosk model; set VOSK_MODEL or run make model (the simulated phones' planned text stands in for recognition of the speech segments the robot's VAD detects)"
	case "dtmf":
		asrNote = "ASR: keypad only (dtmf)"
	default:
		asrNote = "ASR: Vosk"
	}
	fmt.Fprintln(e.stdout, asrNote)

	sc, err := scripts.Load(*scriptPath)
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon demo:", err)
		return 2
	}
	clock := demoClock{at: time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)}
	rt, err := newRuntime(ctx, cfg, log, clock)
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon demo:", err)
		return 2
	}
	defer rt.close()

	phones, err := testcalls.NewCallee(ctx, telephony.Config{Name: "phones", Listen: loop}, rt.voice, log)
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon demo:", err)
		return 2
	}
	ua, err := telephony.New(ctx, cfg.SIP, log)
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon demo:", err)
		return 2
	}
	debtors := demoDebtors()
	for _, d := range debtors {
		if err := rt.db.UpsertDebtor(ctx, store.Debtor{ID: d.id, Name: d.name, Region: d.region, Phones: []string{d.phone}}); err != nil {
			fmt.Fprintln(e.stderr, "dozvon demo:", err)
			return 2
		}
		if d.block != "" {
			if _, err := rt.db.AddBlock(ctx, store.Block{DebtorID: d.id, Kind: d.block, Note: "demo", Since: clock.at.Add(-30 * 24 * time.Hour)}); err != nil {
				fmt.Fprintln(e.stderr, "dozvon demo:", err)
				return 2
			}
		}
		if d.spokeToday {
			// an operator spoke with this debtor an hour ago (demo clock)
			g, err := compliance.NewGuard(compliance.Config{Ledger: rt.db, Clock: demoClock{at: clock.at.Add(-time.Hour)}, Logger: log})
			if err == nil {
				if res, dec, err := g.Reserve(ctx, compliance.Request{DebtorID: d.id, Phone: d.phone, Channel: compliance.HumanCall}); err == nil && dec.Allowed {
					_ = g.Commit(ctx, res, compliance.Conversation)
				}
			}
		}
	}
	fmt.Fprintf(e.stdout, "demo: %d simulated debtor phones on %s, robot on %s, script %s %s, %d channels\n",
		len(debtors), strings.TrimPrefix(phones.Phone("probe", testcalls.Behaviour{Reject: 404}), "sip:probe@"), ua.Addr(), sc.Name, sc.VersionString(), *channels)
	fmt.Fprintf(e.stdout, "230-FZ clock: %s (fixed for the demo; calls and audio are real-time)\n\n", clock.at.In(mustZone("Europe/Moscow")).Format("Mon 2006-01-02 15:04 MST"))

	reps := make([]callReport, len(debtors))
	sem := make(chan struct{}, max(1, *channels))
	var wg sync.WaitGroup
	var mu sync.Mutex
	start := time.Now()
	for i, d := range debtors {
		uri := phones.Phone(d.phone, d.b)
		req := simulatedPhoneCall(uri, sc, compliance.DialogueZone(d.region), phones, d.name, d.first)
		req.DebtorID, req.Region, req.CallerID = d.id, d.region, "74950000000"
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			rep := rt.placeCall(ctx, ua, req)
			mu.Lock()
			reps[i] = rep
			mu.Unlock()
			fmt.Fprintf(e.stdout, "  done %-16s %s\n", compliance.MaskPhone(d.phone), shortResult(rep))
		}()
	}
	wg.Wait()
	fmt.Fprintf(e.stdout, "\nall %d calls done in %.1fs\n\n", len(debtors), time.Since(start).Seconds())
	printDemoTable(e.stdout, debtors, reps)
	for i, r := range reps {
		if string(r.Result.Outcome) == "identified" || string(r.Result.Outcome) == "callback" {
			fmt.Fprintf(e.stdout, "\ntranscript, %s (%s):\n", compliance.MaskPhone(debtors[i].phone), debtors[i].what)
			printTranscript(e.stdout, r.Result.Result)
		}
	}
	fmt.Fprintf(e.stdout, "\ndatabase: %s; recordings: %s\n", strings.TrimPrefix(cfg.Store.DSN, "sqlite:"), cfg.SIP.RecordDir)
	return 0
}

func findModel() (string, error) {
	if p := os.Getenv("VOSK_MODEL"); p != "" {
		return p, nil
	}
	p := filepath.Join("var", "models", "vosk-model-small-ru-0.22")
	if _, err := os.Stat(p); err != nil {
		return "", errors.New("no model")
	}
	return p, nil
}

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return l
}

func shortResult(r callReport) string {
	switch {
	case r.Decision != nil && !r.Decision.Allowed:
		return "not called: 230-FZ " + strings.Join(r.Decision.Reasons, ",")
	case r.DialErr != nil:
		var de *telephony.DialError
		if errors.As(r.DialErr, &de) {
			return string(de.Result)
		}
		return "failed"
	default:
		return string(r.Result.Outcome)
	}
}

func printDemoTable(w io.Writer, debtors []demoDebtor, reps []callReport) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "phone\tbehaviour\tlocal time\t230-FZ\tSIP\toutcome\tslots\tturns\tsec\trecording")
	counts := map[string]int{}
	for i, d := range debtors {
		r := reps[i]
		local, fz := "-", "-"
		if r.Decision != nil {
			local = r.Decision.Local.Format("15:04 MST")
			fz = "ok"
			if !r.Decision.Allowed {
				fz = "denied: " + strings.Join(r.Decision.Reasons, ",")
			}
		}
		sip := "-"
		if r.Dial.Code != 0 {
			sip = fmt.Sprint(r.Dial.Code)
		}
		var de *telephony.DialError
		if errors.As(r.DialErr, &de) {
			sip = fmt.Sprintf("%d %s", de.Code, de.Result)
			if de.Code == 0 {
				sip = string(de.Result)
			}
		}
		outcome := string(r.Result.Outcome)
		if outcome == "" {
			outcome = "-"
		}
		counts[shortResult(r)]++
		rec := r.Record.RecordingPath
		if rec == "" {
			rec = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%.1f\t%s\n", compliance.MaskPhone(d.phone), d.what, local, fz, sip,
			outcome, strings.TrimPrefix(strings.TrimSuffix(slotsText(r.Result.Slots), ")"), " ("), len(r.Result.Turns), r.Duration.Seconds(), rec)
	}
	tw.Flush()
	var keys []string
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, counts[k]))
	}
	fmt.Fprintln(w, "\nsummary:", strings.Join(parts, ", "))
}

// simulatedPhoneCall is a robot call to one of the simulated phones: the
// demo creditor, the debtor's name, and the phones' board standing in for
// recognition (a Vosk model, when configured, takes its place in placeCall).
func simulatedPhoneCall(uri string, sc *scripts.Script, loc *time.Location, phones *testcalls.Callee, name, first string) callRequest {
	return callRequest{
		To: uri, Script: sc, Location: loc, RingTimeout: 5 * time.Second,
		Vars: map[string]any{
			"debtor":   map[string]any{"name": name, "first_name": first},
			"creditor": map[string]any{"name": "ООО «Альфа Финанс»"},
		},
		Recognizer: func(callID string) asr.Recognizer { return phones.Board().Recognizer(callID) },
	}
}
