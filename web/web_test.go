package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/api"
	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/portfolio"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/web"
)

// site is the pages beside the API, as serve mounts them, on a real
// SQLite store holding an imported portfolio: 120 debtors, 110 of them
// ivanova's (three pages of her list), 10 petrov's; a call with a
// transcript for one debtor of each, and a due callback for ivanova.
type site struct {
	t        *testing.T
	db       *store.DB
	ts       *httptest.Server
	sessions map[string]auth.Session // by login
	phones   []string                // every full number imported
	ivanova  []store.DebtorView
	petrov   []store.DebtorView
	scripts  string
}

// guardForTests stands in for the 230-FZ guard (tested in compliance): a
// robot call is denied for the hour, and the next allowed time said.
type guardForTests struct{ next time.Time }

func (g guardForTests) Explain(_ context.Context, r compliance.Request, at time.Time) (compliance.Decision, error) {
	msk, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		return compliance.Decision{}, err
	}
	return compliance.Decision{Allowed: false, Reason: "window", Reasons: []string{"window"}, Detail: "21:30 local is outside 08:00–22:00 on a working day",
		At: at, Local: at, Zone: "Europe/Moscow", NextAllowedAt: g.next, NextAllowedLocal: g.next.In(msk)}, nil
}

const password = "long-enough-password"

var t0 = time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)

func newSite(t *testing.T) *site {
	t.Helper()
	ctx := t.Context()
	dir := t.TempDir()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "web.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := &site{t: t, db: db, sessions: map[string]auth.Session{}, scripts: filepath.Join(dir, "scripts")}
	s.phones = importForTests(t, db, 120)
	all, _, err := db.ListDebtors(ctx, store.DebtorFilter{Limit: 500})
	if err != nil || len(all) != 120 {
		t.Fatalf("imported %d debtors (%v)", len(all), err)
	}
	for i, d := range all {
		who := "ivanova"
		if i >= 110 {
			who = "petrov"
		}
		if err := db.AssignCollector(ctx, d.ID, who); err != nil {
			t.Fatal(err)
		}
		d.Collector = who
		if who == "ivanova" {
			s.ivanova = append(s.ivanova, d)
		} else {
			s.petrov = append(s.petrov, d)
		}
	}
	s.calls(ctx)
	users, err := auth.New(db, clock.NewSim(t0), auth.Options{Argon2: auth.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		login string
		role  auth.Role
	}{{"root", auth.Admin}, {"boss", auth.Supervisor}, {"ivanova", auth.Collector}, {"petrov", auth.Collector}, {"crm", auth.Integration},
		{"temp", auth.Collector}} {
		if _, err := users.AddUser(ctx, u.login, u.role, password, false); err != nil {
			t.Fatal(err)
		}
		if s.sessions[u.login], err = users.Login(ctx, u.login, password, "test"); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(s.scripts, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"verify_contact.yaml", "phrases.yaml"} {
		b, err := os.ReadFile(filepath.Join("..", "scripts", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(s.scripts, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	guard := guardForTests{next: t0.Add(14 * time.Hour)}
	apiSrv := api.New(api.Config{Store: db, Auth: users, Guard: guard, ScriptsDir: s.scripts, Clock: clock.NewSim(t0)})
	pages, err := web.New(web.Config{Store: db, Auth: users, Users: users, Guard: guard, ScriptsDir: s.scripts,
		Script: "scripts/verify_contact.yaml", Clock: clock.NewSim(t0)})
	if err != nil {
		t.Fatal(err)
	}
	s.ts = httptest.NewServer(pages.Beside(apiSrv))
	t.Cleanup(s.ts.Close)
	return s
}

// dictated is a number a debtor says in a call: the transcript must not
// show it whole either.
const dictated = "запишите 8 913 777 66 55"

// calls stores a campaign with one answered call for ivanova's first
// debtor and petrov's first, denials for two others, and a callback due
// for ivanova's second debtor.
func (s *site) calls(ctx context.Context) {
	t := s.t
	db := s.db
	if err := db.SaveCampaign(ctx, store.Campaign{ID: "c1", Name: "ноябрь", State: store.CampaignActive, Config: `{"script":"scripts/verify_contact.yaml"}`, CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	var tasks []store.Task
	for _, d := range []store.DebtorView{s.ivanova[0], s.petrov[0], s.ivanova[1], s.ivanova[2], s.ivanova[3]} {
		tasks = append(tasks, store.Task{CampaignID: "c1", DebtorID: d.ID, Phone: d.Phones[0], State: "pending", DueAt: t0})
	}
	if _, err := db.AddTasks(ctx, tasks); err != nil {
		t.Fatal(err)
	}
	leased, err := db.LeaseTasks(ctx, "c1", t0, 10, "test", time.Minute)
	if err != nil || len(leased) != 5 {
		t.Fatalf("leased %d (%v)", len(leased), err)
	}
	for i, task := range leased {
		var up store.TaskUpdate
		switch i {
		case 0, 1:
			id := fmt.Sprintf("call-%d", i)
			c := store.CallRecord{ID: id, Direction: "outbound", From: "+74950000000", To: task.Phone, Started: t0, Answered: t0.Add(3 * time.Second),
				Ended: t0.Add(time.Minute), Result: "answered", SIPCode: 200, Outcome: "identified", ScriptName: "verify_contact", ScriptVersion: "1",
				Slots: map[string]string{"amount": "5000", "callback_at": "2026-11-25T07:00:00Z", "first_audio": "/var/rec/x.first5s.wav"},
				Turns: []store.TurnRecord{{Seq: 1, Node: "identify", Who: "robot", Kind: "say", Text: "Здравствуйте! Это вы?", Start: t0, End: t0.Add(time.Second)},
					{Seq: 2, Node: "identify", Who: "caller", Kind: "speech", Text: "да это я, " + dictated, Start: t0.Add(time.Second), End: t0.Add(2 * time.Second)}}}
			if err := db.SaveCall(ctx, c); err != nil {
				t.Fatal(err)
			}
			up = store.TaskUpdate{State: "done", Attempted: true, LastResult: "answered", Outcome: "identified",
				Call: &store.TaskCall{CallID: id, At: t0, Result: "answered", Outcome: "identified"}}
		case 2:
			up = store.TaskUpdate{State: store.TaskPending, DueAt: t0.Add(-time.Hour), Outcome: "callback", Reason: "callback at " + t0.Add(-time.Hour).Format(time.RFC3339)}
		default:
			up = store.TaskUpdate{State: store.TaskPending, DueAt: t0.Add(time.Hour), LastResult: "denied", Reason: "230-FZ window: 23:10 local"}
			// the guard's refusal, as it audits it
			if err := db.WithDebtor(ctx, task.DebtorID, func(tx *store.Tx) error {
				return tx.Audit(ctx, store.AuditRecord{At: t0.Add(time.Minute), Action: "reserve", Reason: "window", Reasons: []string{"window"}, Channel: "robot_call"})
			}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.FinishTask(ctx, task.ID, "test", t0, up); err != nil {
			t.Fatal(err)
		}
	}
}

// who sends a request: a login of the site ("" nobody).
func (s *site) do(login, method, path, body string) (int, http.Header, string) {
	s.t.Helper()
	req, err := http.NewRequestWithContext(s.t.Context(), method, s.ts.URL+path, strings.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if ss, ok := s.sessions[login]; ok {
		req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: ss.Cookie})
		req.Header.Set(auth.CSRFHeader, ss.CSRF)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// TestEveryPageByRole is the page × role table: every page and page
// action, asked by each role and by nobody, answers what the pages' table
// says. A page added without a row here fails the test.
func TestEveryPageByRole(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	mine, theirs := s.ivanova[0].ID, s.petrov[0].ID
	logins := []string{"root", "boss", "ivanova", "crm", ""}
	tests := []struct {
		pattern, method, path, body string
		want                        [5]int // admin, supervisor, collector, integration, nobody
	}{
		{"GET /{$}", "GET", "/", "", [5]int{303, 303, 303, 303, 303}},
		{"GET /login", "GET", "/login", "", [5]int{200, 200, 200, 200, 200}},
		{"GET /static/", "GET", "/static/app.js", "", [5]int{200, 200, 200, 200, 200}},
		{"GET /app/{$}", "GET", "/app/", "", [5]int{303, 303, 303, 403, 303}},
		{"GET /app/debtors", "GET", "/app/debtors", "", [5]int{200, 200, 200, 403, 303}},
		{"GET /app/debtors/{id}", "GET", "/app/debtors/" + mine, "", [5]int{200, 200, 200, 403, 303}},
		{"GET /app/console", "GET", "/app/console", "", [5]int{200, 200, 403, 403, 303}},
		{"GET /app/console/dashboard", "GET", "/app/console/dashboard", "", [5]int{200, 200, 403, 403, 303}},
		{"GET /app/quarantine", "GET", "/app/quarantine", "", [5]int{200, 200, 403, 403, 303}},
		{"GET /app/scripts", "GET", "/app/scripts", "", [5]int{200, 200, 403, 403, 303}},
		{"GET /app/scripts/{name}", "GET", "/app/scripts/verify_contact", "", [5]int{200, 200, 403, 403, 303}},
		{"GET /app/users", "GET", "/app/users", "", [5]int{200, 403, 403, 403, 303}},
		{"POST /app/users", "POST", "/app/users", `{"login":"newbie","role":"collector","password":"` + password + `"}`, [5]int{201, 403, 403, 403, 401}},
		{"POST /app/users/{login}/tokens", "POST", "/app/users/crm/tokens", `{"name":"crm","days":30}`, [5]int{201, 403, 403, 403, 401}},
		{"POST /app/users/{login}/disable", "POST", "/app/users/temp/disable", "", [5]int{204, 403, 403, 403, 401}},
	}
	covered := map[string]bool{}
	for _, tc := range tests {
		covered[tc.pattern] = true
		for i, login := range logins {
			status, hdr, body := s.do(login, tc.method, tc.path, tc.body)
			if status != tc.want[i] {
				t.Errorf("%s as %q: %d, want %d: %.200s", tc.pattern, login, status, tc.want[i], body)
			}
			if login == "" && status == 303 && tc.path != "/" && !strings.HasPrefix(hdr.Get("Location"), "/login?next=") {
				t.Errorf("%s as nobody: to %q, want the login page", tc.pattern, hdr.Get("Location"))
			}
		}
	}
	pages, err := web.New(web.Config{Store: s.db, Auth: noAuthForTests{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pages.Patterns() {
		if !covered[p] {
			t.Errorf("page %s has no row in the role table", p)
		}
	}
	// a collector's card of another collector's debtor is "not found", as
	// one that does not exist (the store's scoped query)
	if status, _, _ := s.do("ivanova", "GET", "/app/debtors/"+theirs, ""); status != 404 {
		t.Errorf("ivanova opens petrov's debtor: %d, want 404", status)
	}
	// a page action with the session but without its CSRF token is refused
	req, _ := http.NewRequestWithContext(t.Context(), "POST", s.ts.URL+"/app/users", strings.NewReader(`{"login":"x","role":"admin","password":"`+password+`"}`))
	req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: s.sessions["root"].Cookie})
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 403 {
		t.Errorf("POST /app/users without the CSRF token: %v %v", resp.Status, err)
	}
}

// importForTests imports a portfolio file of n debtors in Tomsk (their
// streets in turn Ленина, Мира, Советская) and one line with no phone,
// through the importer, and returns the numbers imported.
func importForTests(tb testing.TB, db *store.DB, n int) []string {
	tb.Helper()
	var csv strings.Builder
	var phones []string
	csv.WriteString("ФИО;Телефон;Регион;Адрес\n")
	for i := range n {
		phone := fmt.Sprintf("+79135%06d", i)
		phones = append(phones, phone)
		fmt.Fprintf(&csv, "Должник%04d Иван Петрович;%s;Томская обл;г. Томск, %s, %d\n", i, "8"+phone[2:], []string{"ул. Ленина", "пр. Мира", "ул. Советская"}[i%3], i+1)
	}
	csv.WriteString("Без Телефона;;Томская обл;г. Томск\n")
	res, err := portfolio.Parse(strings.NewReader(csv.String()), "portfolio.csv")
	if err != nil {
		tb.Fatal(err)
	}
	if err := portfolio.Save(tb.Context(), db, res, "portfolio.csv"); err != nil {
		tb.Fatal(err)
	}
	return phones
}

// noAuthForTests authenticates no one (the pages' table is read only).
type noAuthForTests struct{}

func (noAuthForTests) Authenticate(*http.Request) (auth.Principal, error) {
	return auth.Principal{}, auth.ErrUnauthenticated
}

var links = regexp.MustCompile(`(?:href|src|data-refresh)="(/[^"]*)"`)

// TestCollectorNeverSeesAFullNumber: everything a collector can reach —
// every page linked from theirs (all pages of their list, filters, every
// card with its transcript) and the API's JSON of their debtors, calls,
// callbacks and the guard — holds no imported number whole, nor the one
// a debtor dictated in a call; and nothing of another collector's debtors.
func TestCollectorNeverSeesAFullNumber(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	seen := map[string]bool{}
	queue := []string{"/app/", "/app/debtors?address=Ленина", "/app/debtors?outcome=identified", "/api/v1/debtors?limit=500",
		"/api/v1/calls", "/api/v1/calls/call-0", "/api/v1/callbacks", "/api/v1/compliance/explain?debtor=" + s.ivanova[0].ID}
	for _, d := range s.ivanova[:5] {
		queue = append(queue, "/api/v1/debtors/"+d.ID)
	}
	var bodies int
	sawTranscript := false
	for len(queue) > 0 && bodies < 400 {
		path := queue[0]
		queue = queue[1:]
		if seen[path] {
			continue
		}
		seen[path] = true
		status, hdr, body := s.do("ivanova", "GET", path, "")
		if status == 303 {
			queue = append(queue, hdr.Get("Location"))
			continue
		}
		if status != 200 {
			if !strings.HasPrefix(path, "/api/v1/calls/") || !strings.HasSuffix(path, "/recording") { // no recording stored: 404
				t.Errorf("ivanova GET %s: %d", path, status)
			}
			continue
		}
		bodies++
		s.noFullNumber(t, path, body)
		if strings.Contains(body, "Здравствуйте! Это вы?") && strings.Contains(body, "***55") {
			sawTranscript = true
		}
		for _, d := range s.petrov {
			if strings.Contains(body, d.ID) || strings.Contains(body, d.Name) {
				t.Errorf("ivanova GET %s shows petrov's debtor %s", path, d.ID)
			}
		}
		for _, m := range links.FindAllStringSubmatch(body, -1) {
			link := strings.ReplaceAll(m[1], "&amp;", "&")
			if !strings.HasPrefix(link, "/static/") && !seen[link] {
				queue = append(queue, link)
			}
		}
	}
	// the crawl went through her whole list (110 debtors, 50 a page) and its cards
	for _, want := range []string{"/app/debtors/" + s.ivanova[109].ID, "/app/debtors/" + s.ivanova[0].ID} {
		if !seen[want] {
			t.Errorf("the crawl never reached %s (%d pages)", want, bodies)
		}
	}
	if !sawTranscript {
		t.Error("no page showed the call's transcript with the dictated number masked")
	}
}

// noFullNumber fails when body holds any imported number, or the
// dictated one, in any of the ways a number is written.
func (s *site) noFullNumber(t *testing.T, path, body string) {
	t.Helper()
	digits := strings.NewReplacer(" ", "", "-", "", "(", "", ")", "", "\u00a0", "").Replace(body)
	for _, p := range append(s.phones, "+79137776655") {
		national := p[2:] // 913…: in +7…, 8… and 7… alike
		if strings.Contains(digits, national) {
			t.Errorf("GET %s shows the full number %s", path, p)
		}
	}
}

// TestCollectorListFiltersAndPages: the filters run on the server and the
// list pages through 110 debtors 50 at a time, with the filters kept.
func TestCollectorListFiltersAndPages(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	rows := regexp.MustCompile(`<li class="debtor" data-debtor="([^"]+)"`)
	next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`)
	page := func(path string) ([]string, string) {
		status, _, body := s.do("ivanova", "GET", path, "")
		if status != 200 {
			t.Fatalf("%s: %d", path, status)
		}
		var ids []string
		for _, m := range rows.FindAllStringSubmatch(body, -1) {
			ids = append(ids, m[1])
		}
		n := ""
		if m := next.FindStringSubmatch(body); m != nil {
			n = strings.ReplaceAll(m[1], "&amp;", "&")
		}
		return ids, n
	}
	var all []string
	for path := "/app/debtors"; path != ""; {
		ids, n := page(path)
		all = append(all, ids...)
		path = n
	}
	if len(all) != 110 || !sort.StringsAreSorted(all) {
		t.Fatalf("paged through %d debtors, want 110 in order", len(all))
	}
	// "ул. Ленина" is every third address: a third of ivanova's 110, on one page
	want := 0
	for _, d := range s.ivanova {
		if strings.Contains(d.Address, "Ленина") {
			want++
		}
	}
	lenina, n := page("/app/debtors?address=" + "%D0%9B%D0%B5%D0%BD%D0%B8%D0%BD%D0%B0")
	if len(lenina) != want || want < 30 || n != "" {
		t.Fatalf("address filter: %d rows, next %q, want %d on one page", len(lenina), n, want)
	}
	if ids, _ := page("/app/debtors?outcome=identified"); len(ids) != 1 || ids[0] != s.ivanova[0].ID {
		t.Fatalf("outcome filter: %v, want ivanova's called debtor", ids)
	}
	// the callback due is on top, with the debtor's name
	_, _, body := s.do("ivanova", "GET", "/app/debtors", "")
	cb := strings.Index(body, `class="callbacks"`)
	if cb < 0 || cb > strings.Index(body, `id="debtor-list"`) || !strings.Contains(body[cb:], s.ivanova[1].Name) || !strings.Contains(body[cb:], "пора") {
		t.Fatal("no due callback on top of the collector's page")
	}
}

// TestDebtorCard: the card shows the outcome, the transcript, the guard's
// next allowed time and reason, and the call button — no number.
func TestDebtorCard(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	status, _, body := s.do("ivanova", "GET", "/app/debtors/"+s.ivanova[0].ID, "")
	if status != 200 {
		t.Fatalf("%d", status)
	}
	for _, want := range []string{"Должник подтверждён", "Здравствуйте! Это вы?", "запишите ***55", "Сейчас звонить нельзя", "неразрешённое время суток", "(Europe/Moscow)",
		"Следующий разрешённый звонок", "25.11.2026 01:00", "Сумма: 5000", "Перезвонить: 25.11.2026 10:00", "id=\"call-btn\"", s.ivanova[0].Address, strings.TrimPrefix(phonenum.Mask(s.ivanova[0].Phones[0]), "+7 ")} {
		if !strings.Contains(body, want) {
			t.Errorf("the card lacks %q: %s", want, body[strings.Index(body, "<main"):])
		}
	}
	if strings.Contains(body, "first5s") {
		t.Error("the card shows the robot's own slots (a server path)")
	}
}

// TestConsoleDashboard: the dashboard counts the campaign's calls by
// outcome, its denials by reason, and offers its actions; the page a
// script refreshes it from is the same part alone.
func TestConsoleDashboard(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	_, _, page := s.do("boss", "GET", "/app/console", "")
	status, _, part := s.do("boss", "GET", "/app/console/dashboard", "")
	if status != 200 || strings.Contains(part, "<html") || !strings.Contains(page, part) {
		t.Fatalf("the dashboard part (%d) is not the page's: %.300s", status, part)
	}
	for _, want := range []string{"ноябрь", "Должник подтверждён: <strong>2</strong>", "Запрет 230-ФЗ (неразрешённое время суток): <strong>2</strong>",
		`data-campaign-action="pause"`, `data-campaign-action="stop"`, "/api/v1/campaigns/c1/report?format=html", "scripts/verify_contact.yaml"} {
		if !strings.Contains(page, want) {
			t.Errorf("the console lacks %q", want)
		}
	}
}

// TestLoginPage: the login form has labelled fields, and its next page is
// only ever one of the service's own (no open redirect).
func TestLoginPage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for next, want := range map[string]string{"/app/console": "/app/console", "https://evil.example/": "/app/", "//evil.example/app/": "/app/"} {
		_, _, body := s.do("", "GET", "/login?next="+next, "")
		if !strings.Contains(body, `data-next="`+want+`"`) {
			t.Errorf("next %q: want %q in the page", next, want)
		}
	}
	_, _, body := s.do("", "GET", "/login", "")
	for _, want := range []string{`<label for="login">`, `<label for="password">`, `lang="ru"`, `name="viewport"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the login page lacks %s", want)
		}
	}
	if bytes.Contains([]byte(body), []byte("https://")) {
		t.Error("the login page loads something from outside the service")
	}
}
