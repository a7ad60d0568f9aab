package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/dozvon/dozvon/report/reporttest"
	"github.com/dozvon/dozvon/store"
)

// seededDB is a store in dir holding reporttest's campaign, as its DSN.
func seededDB(t *testing.T, dir string) string {
	dsn := "sqlite:" + filepath.Join(dir, "dozvon.db")
	db, err := store.Open(t.Context(), dsn)
	if err == nil {
		err = reporttest.Seed(t.Context(), db)
		db.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return dsn
}

// TestReportCommand: dozvon report writes the page (with its SVG charts),
// the workbook (it opens and reads back) and the CSV of a stored campaign;
// "last" finds the newest campaign; bad input is a clear refusal.
func TestReportCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dsn := seededDB(t, dir)
	html, xlsx, csvPath := filepath.Join(dir, "out", "r.html"), filepath.Join(dir, "r.xlsx"), filepath.Join(dir, "r.csv")
	code, out, errs := runCmd(t, cmdReport, "", map[string]string{"DOZVON_DB": dsn}, "--campaign", reporttest.Campaign, "--html", html, "--xlsx", xlsx, "--csv", csvPath)
	if code != 0 || !strings.Contains(out, "campaign c-report: 6 debtors, 8 calls, 3 230-FZ denials") {
		t.Fatalf("exit %d, out %q, err %q", code, out, errs)
	}
	checkReportFiles(t, html, xlsx, 6)
	if b, err := os.ReadFile(csvPath); err != nil || strings.Count(string(b), "\ncall-") != 8 {
		t.Errorf("csv: %v\n%s", err, b)
	}
	// with no file named, the CSV goes to stdout; "last" is the newest campaign
	if code, out, errs := runCmd(t, cmdReport, "", nil, "--campaign", "last", "--db", dsn); code != 0 || !strings.HasPrefix(out, "call_id,") {
		t.Errorf("last to stdout: exit %d, %q, %q", code, out, errs)
	}
	for _, tc := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"--html", html}, 2, "usage: dozvon report --campaign"},
		{[]string{"--campaign", "nope", "--db", dsn}, 1, "--campaign nope: no such campaign"},
		{[]string{"--campaign", "last", "--db", "sqlite:" + filepath.Join(dir, "empty.db")}, 1, "the store has no campaign"},
		{[]string{"--campaign", reporttest.Campaign, "--db", dsn, "--xlsx", filepath.Join(html, "x.xlsx")}, 1, "write " + html},
	} {
		if code, _, errs := runCmd(t, cmdReport, "", nil, tc.args...); code != tc.code || !strings.Contains(errs, tc.err) {
			t.Errorf("%q: exit %d, %q: want %d and %q", tc.args, code, errs, tc.code, tc.err)
		}
	}
}

// TestReportOnTheDemoCampaign: the README's path — dozvon demo, then
// dozvon report on its campaign — writes a page with the charts and a
// workbook that opens. It runs a real (small) demo sweep over loopback SIP,
// about half a minute of real-time calls, so -short skips it.
func TestReportOnTheDemoCampaign(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the demo sweep places real calls for about 30 s")
	}
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "dozvon.yaml") // the voice cache in the test's directory, not the package's
	if err := os.WriteFile(cfg, []byte("tts: {cache_dir: \""+filepath.Join(dir, "tts-cache")+"\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, cmdDemo, "", nil, "--debtors", "2", "--channels", "2", "--dir", filepath.Join(dir, "demo"), "--config", cfg,
		"--script", "../../scripts/verify_contact.yaml")
	if code != 0 {
		t.Fatalf("demo: exit %d\n%s\n%s", code, out, errs)
	}
	html, xlsx := filepath.Join(dir, "report.html"), filepath.Join(dir, "report.xlsx")
	code, out, errs = runCmd(t, cmdReport, "", nil, "--campaign", "last", "--db", "sqlite:"+filepath.Join(dir, "demo", "dozvon.db"), "--html", html, "--xlsx", xlsx)
	if code != 0 || !strings.Contains(out, ": 2 debtors, ") {
		t.Fatalf("report: exit %d, %q, %q", code, out, errs)
	}
	checkReportFiles(t, html, xlsx, 2)
}

// checkReportFiles reads back a written report: the page has its funnel and
// other charts as inline SVG, the workbook opens with its three sheets and
// the number of debtors.
func checkReportFiles(t *testing.T, html, xlsx string, debtors int) {
	t.Helper()
	page, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(page), "<svg "); n < 4 || !strings.Contains(string(page), "Воронка по должникам") {
		t.Errorf("%s: %d inline SVG charts, funnel %v", html, n, strings.Contains(string(page), "Воронка по должникам"))
	}
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatalf("%s does not open: %v", xlsx, err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "Сводка,Звонки,Отказы 230-ФЗ" {
		t.Errorf("sheets %s", got)
	}
	if label, _ := f.GetCellValue("Сводка", "A6"); label != "Должники" {
		t.Errorf("Сводка!A6 = %q", label)
	}
	if v, _ := f.GetCellValue("Сводка", "B6"); v != strconv.Itoa(debtors) {
		t.Errorf("Сводка!B6 = %q debtors, want %d", v, debtors)
	}
}
