package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dozvon/dozvon/api"
	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/events"
)

// TestPagesInARealBrowser drives Debian's chromium, headless at a phone's
// viewport (390×844), through serve's own stack — the pages beside the
// API, the campaign runner dialling simulated phones over loopback SIP
// through the 230-FZ guard, the events hub and its WebSocket: a collector
// logs in, selects three of her debtors, launches the robot and sees
// their outcomes arrive without a reload, then opens a transcript; a
// supervisor uploads a CSV and sees its rejected lines by line number.
// Screenshots go to $DOZVON_SCREENSHOTS (else the test's temp dir).
func TestPagesInARealBrowser(t *testing.T) {
	t.Parallel()
	browser := ""
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		t.Skip("no chromium on PATH: tools/setup-debian.sh installs it (apt-get install chromium)")
	}
	if _, err := exec.LookPath("espeak-ng"); err != nil || testing.Short() {
		t.Skip("places real loopback calls with espeak-ng (tools/setup-debian.sh); not with -short")
	}
	shots := os.Getenv("DOZVON_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	repoRoot, _ := filepath.Abs(filepath.Join("..", ".."))
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()

	// serve's stack, as TestAPICampaignIsDialled builds it, with the events
	// hub on the flow and the pages beside the API
	live := &lateSubscriber{}
	st := newCampaignStackForTests(t, ctx, dir, 5, live)
	rt, flow, cfg, clk, log, logs := st.rt, st.flow, st.cfg, st.clk, st.log, st.logs
	hub, err := events.NewHub(events.HubConfig{Store: rt.db, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	hubCtx, stopHub := context.WithCancel(ctx)
	hubDone := make(chan struct{})
	go func() { defer close(hubDone); hub.Run(hubCtx) }()
	defer func() { stopHub(); <-hubDone }()
	live.set(hub)
	for _, d := range st.sim {
		if err := rt.db.AssignCollector(ctx, d.Debtor.ID, "ivanova"); err != nil {
			t.Fatal(err)
		}
	}
	st.start(t, ctx)
	// sessions on the wall clock: the browser drops a cookie that expired on the simulated one
	users, err := auth.New(rt.db, clock.System{}, auth.Options{Argon2: auth.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	for login, role := range map[string]auth.Role{"ivanova": auth.Collector, "boss": auth.Supervisor} {
		if _, err := users.AddUser(ctx, login, role, "password-of-"+login, false); err != nil {
			t.Fatal(err)
		}
	}
	stream, err := events.NewHandler(events.HandlerConfig{Hub: hub, Visibility: api.DebtorScope{Store: rt.db}, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	// the campaign's script: the legal greeting and one question (the
	// calls last seconds, not verify_contact's whole dialogue)
	if err := os.MkdirAll(filepath.Join(dir, "scripts"), 0o755); err != nil {
		t.Fatal(err)
	}
	phrases, err := os.ReadFile(filepath.Join(repoRoot, "scripts", "phrases.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string][]byte{"phrases.yaml": phrases, "quick.yaml": []byte(quickScriptForTests)} {
		if err := os.WriteFile(filepath.Join(dir, "scripts", name), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	apiSrv := api.New(api.Config{Store: rt.db, Auth: users, Login: users.LoginHandler(), Logout: users.LogoutHandler(), Events: stream,
		Log: log, Clock: clk, Guard: rt.guard, CheckCampaign: checkServeCampaign(flow, cfg.Creditor), CampaignRoot: dir,
		RecordDir: cfg.SIP.RecordDir, ScriptsDir: filepath.Join(dir, "scripts")})
	loc, _ := time.LoadLocation("Europe/Moscow")
	site, err := withWeb(apiSrv, rt, users, dir, "scripts/quick.yaml", loc, clk, log)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(site)
	defer srv.Close()

	// the browser: a phone's viewport, no sandbox (CI runs as root)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox, chromedp.WindowSize(390, 844))
	actx, stopAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer stopAlloc()
	bctx, stopBrowser := chromedp.NewContext(actx)
	defer stopBrowser()
	// where the browser was when a step failed
	where := func() string {
		sctx, stop := context.WithTimeout(bctx, 5*time.Second)
		defer stop()
		v, _ := chromedp.Run(sctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText`))
		return v
	}
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, stop := context.WithTimeout(bctx, 20*time.Second)
		defer stop()
		if err := chromedp.Do(sctx, steps...); err != nil {
			t.Fatalf("%s: %v\npage: %s\n%s", what, err, where(), logs.String())
		}
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	login := func(who, password string) {
		t.Helper()
		do("log in as "+who,
			chromedp.WaitVisible(chromedp.CSS("#login")),
			chromedp.SendKeys(chromedp.CSS("#login"), who),
			chromedp.SendKeys(chromedp.CSS("#password"), password),
			chromedp.Click(chromedp.CSS(`#login-form button[type="submit"]`)))
	}
	// the browser starts on its context's first action: one with no
	// deadline of its own (a step's deadline would end the browser)
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)); err != nil {
		t.Fatalf("start %s: %v", browser, err)
	}
	t0 := time.Now()
	do("open the phone page", chromedp.Navigate(srv.URL+"/app/debtors"))
	login("ivanova", "password-of-ivanova")
	do("her debtors", chromedp.WaitVisible(chromedp.CSS(`li[data-debtor="S-00005"]`)))
	if got := eval(`document.documentElement.scrollWidth <= 390 ? "fits" : "overflows " + document.documentElement.scrollWidth`); got != "fits" {
		t.Errorf("the phone page at 390 px: %s", got)
	}
	shot("phone-debtors.png")
	chosen := []string{"S-00001", "S-00002", "S-00003"}
	for _, id := range chosen {
		do("select "+id, chromedp.Click(chromedp.CSS(`label[for="d-`+id+`"]`)))
	}
	// a mark on the page: still there after the outcomes arrive, so they
	// came without a reload
	eval(`window.__noReload = "same page"; ""`)
	do("launch", chromedp.Click(chromedp.CSS("#launch-btn")))
	cond := make([]string, len(chosen))
	for i, id := range chosen {
		cond[i] = fmt.Sprintf(`document.querySelector('li[data-debtor="%s"] [data-outcome]').textContent.includes("подтверждён")`, id)
	}
	wait, stopWait := context.WithTimeout(bctx, 45*time.Second)
	defer stopWait()
	if _, err := chromedp.Run(wait, chromedp.Poll[bool](strings.Join(cond, " && "), chromedp.WithPollingTimeout(0))); err != nil {
		t.Fatalf("the outcomes did not appear on the page: %v\npage: %s\n%s", err, eval(`document.querySelector("#debtor-list").innerText`), logs.String())
	}
	if got := eval(`window.__noReload || "reloaded"`); got != "same page" {
		t.Fatalf("the page was reloaded: %s", got)
	}
	if got := eval(`document.querySelector('li[data-debtor="S-00004"] [data-outcome]').textContent`); got != "" {
		t.Errorf("a debtor not selected got an outcome: %q", got)
	}
	t.Logf("three outcomes live after %v", time.Since(t0).Round(time.Millisecond))
	shot("phone-live-outcomes.png")
	page := eval(`document.body.innerText`)
	if strings.Contains(page, "+79100000") || strings.Contains(page, "79100000") {
		t.Errorf("the collector's page shows a full number:\n%s", page)
	}

	// the transcript of the first debtor's call
	do("open the card", chromedp.Click(chromedp.CSS(`li[data-debtor="S-00001"] a.open`)),
		chromedp.WaitVisible(chromedp.CSS("details.transcript-details summary")),
		chromedp.Click(chromedp.CSS("details.transcript-details summary")),
		chromedp.WaitVisible(chromedp.CSS("details.transcript-details li.turn")))
	if got := eval(`document.querySelector("details.transcript-details").innerText`); !strings.Contains(got, "Робот:") {
		t.Errorf("the transcript: %q", got)
	}
	do("ask the guard", chromedp.Click(chromedp.CSS("#call-btn")), chromedp.Poll[chromedp.Void](`document.querySelector("#call-decision").textContent.includes("230-ФЗ:")`))
	shot("phone-card.png")

	// the supervisor uploads a CSV with two bad lines
	csv := filepath.Join(dir, "portfolio.csv")
	if err := os.WriteFile(csv, []byte("ФИО;Телефон;Регион\nПетров Пётр;+79131110001;Томская обл\nБез Телефона;;Томская обл\nСидоров Сидор;12345;Томская обл\nКозлов Карл;+79131110004;Томская обл\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	do("log out", chromedp.Click(chromedp.CSS("[data-logout]")), chromedp.WaitVisible(chromedp.CSS("#login-form")))
	do("to the console", chromedp.Navigate(srv.URL+"/app/console"))
	login("boss", "password-of-boss")
	do("upload", chromedp.WaitVisible(chromedp.CSS("#upload")),
		chromedp.SetUploadFiles(chromedp.CSS("#up-file"), []string{csv}),
		chromedp.Click(chromedp.CSS(`#upload button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#upload-report table.rejected")))
	report := eval(`document.querySelector("#upload-report").innerText`)
	for _, want := range []string{"принято: 2", "отклонено: 2", "3\t", "4\t"} {
		if !strings.Contains(report, want) {
			t.Errorf("the import report lacks %q:\n%s", want, report)
		}
	}
	shot("console-upload.png")

	// the script editor marks an error at its line as the author types
	do("open the editor", chromedp.Navigate(srv.URL+"/app/scripts/quick"), chromedp.WaitVisible(chromedp.CSS("#script-text")),
		chromedp.Poll[chromedp.Void](`document.querySelector("#lint-state").textContent === "Ошибок нет"`))
	eval(`(() => { const t = document.querySelector("#script-text"); t.focus(); t.setSelectionRange(t.value.length, t.value.length); return "" })()`)
	do("type a node that goes nowhere", chromedp.SendKeys(chromedp.CSS("#script-text"), "  - {id: extra, say: hello, next: nowhere}\n"),
		chromedp.Poll[chromedp.Void](`document.querySelector("#gutter .bad") !== null`))
	bad := eval(`document.querySelector("#gutter .bad").textContent.trim()`)
	lines := eval(`String(document.querySelector("#script-text").value.split("\n").findIndex(l => l.includes("nowhere")) + 1)`)
	if bad != lines {
		t.Errorf("the error is marked at line %s, the node that goes nowhere is at line %s", bad, lines)
	}
	if got := eval(`document.querySelector("#publish").disabled ? "disabled" : "enabled"`); got != "disabled" {
		t.Errorf("publish with a lint error: %s", got)
	}
	shot("console-editor.png")
	t.Logf("browser test done in %v; screenshots in %s", time.Since(t0).Round(time.Millisecond), shots)
}

// quickScriptForTests is the browser test's campaign script.
const quickScriptForTests = `name: quick
version: "1"
language: ru
voice: festival:msu_ru_nsh_clunits
limits: {max_turns: 6, max_duration: 1m}
import: phrases.yaml
start: greeting
vars: [debtor.name, debtor.first_name, creditor.name]
defaults:
  creditor: {name: "Финансовая компания"}
nodes:
  - id: greeting
    say: [hello, disclosure, creditor, recording]
    next: identify
  - id: identify
    confirms_identity: true
    ask:
      prompt: ask_is_debtor
      reprompts: [ask_is_debtor_2, ask_is_debtor_3]
      timeout: 6s
      dtmf: {"1": "yes", "2": "no"}
    on:
      - {intent: "yes", goto: end_identified}
      - {intent: "no", goto: end_wrong_person}
    no_input: end_no_input
    no_match: end_no_input
  - {id: end_identified, end: identified}
  - {id: end_wrong_person, end: wrong_person}
  - {id: end_no_input, end: no_input}
`
