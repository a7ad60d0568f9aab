package report

import (
	"bytes"
	"encoding/csv"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dozvon/dozvon/report/reporttest"
	"github.com/dozvon/dozvon/store"
)

// seeded is the report of reporttest's campaign, stored in a fresh SQLite store.
func seeded(t *testing.T) *Campaign {
	t.Helper()
	ctx := t.Context()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "dozvon.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := reporttest.Seed(ctx, db); err != nil {
		t.Fatal(err)
	}
	r, err := BuildCampaign(ctx, db, reporttest.Campaign, CampaignOptions{Now: reporttest.Created.Add(24 * time.Hour),
		RecordingLink: func(id, _ string) string { return "/api/v1/calls/" + id + "/recording" }})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestCampaignFigures: the report counts debtors, not calls, at each step
// of the funnel (D1 answered twice, on two phones, counts once), takes a
// person from the first-phrase verdict or, with none, from the outcome,
// counts the guard's refusals of this campaign's robot calls only, and
// buckets calls by the debtor's local hour.
func TestCampaignFigures(t *testing.T) {
	t.Parallel()
	r := seeded(t)
	w := reporttest.Want
	for _, s := range r.Funnel {
		if s.Debtors != w.Funnel[s.Key] {
			t.Errorf("funnel %s (%s): %d debtors, want %d", s.Key, s.Label, s.Debtors, w.Funnel[s.Key])
		}
	}
	if len(r.Funnel) != len(w.Funnel) || r.Debtors != w.Funnel[StageDebtors] {
		t.Errorf("funnel has %d stages and %d debtors: %+v", len(r.Funnel), r.Debtors, r.Funnel)
	}
	if r.Total.Calls != w.Calls || r.Total.Answered != w.Answered || r.Total.CostKop != w.CostKop || len(r.Calls) != w.Calls {
		t.Errorf("totals %+v with %d call lines, want %d calls, %d answered, %d kop", r.Total, len(r.Calls), w.Calls, w.Answered, w.CostKop)
	}
	denials := map[string]int{}
	for _, d := range r.Denials {
		denials[d.Key] = d.Count
	}
	if r.DenialsTotal != w.DenialsTotal || len(denials) != len(w.Denials) {
		t.Errorf("denials %+v (total %d), want %v (total %d)", r.Denials, r.DenialsTotal, w.Denials, w.DenialsTotal)
	}
	for k, n := range w.Denials {
		if denials[k] != n {
			t.Errorf("denials for %s: %d, want %d", k, denials[k], n)
		}
	}
	trunks := map[string]int{}
	for _, tr := range r.Trunks {
		trunks[tr.Trunk] = tr.Calls
	}
	for k, n := range w.TrunkCalls {
		if trunks[k] != n {
			t.Errorf("trunk %q: %d calls, want %d (%+v)", k, trunks[k], n, r.Trunks)
		}
	}
	if len(r.ByHour) != len(w.ByHourCalls) {
		t.Errorf("hours %+v, want %v", r.ByHour, w.ByHourCalls)
	}
	for _, h := range r.ByHour {
		if h.Calls.Total() != w.ByHourCalls[h.Hour] || h.Calls[GroupPerson] != w.ByHourPersons[h.Hour] {
			t.Errorf("hour %02d: %v, want %d calls, %d with a person", h.Hour, h.Calls, w.ByHourCalls[h.Hour], w.ByHourPersons[h.Hour])
		}
	}
	if len(r.ByZone) != 2 || r.ByZone[0].Zone != "UTC+03:00" || r.ByZone[1].Zone != "UTC+07:00" {
		t.Errorf("zones %+v: want Moscow then Novosibirsk (Kamchatka had no call)", r.ByZone)
	}
	var kamchatka *RegionRow
	for i := range r.ByRegion {
		if r.ByRegion[i].Region == "Камчатский край" {
			kamchatka = &r.ByRegion[i]
		}
	}
	if kamchatka == nil || kamchatka.Debtors != 1 || kamchatka.Calls.Total() != 0 || kamchatka.Zone != "UTC+12:00" {
		t.Errorf("Kamchatka row %+v: want 1 debtor, no calls, UTC+12:00", kamchatka)
	}
	classes := map[string]int{}
	for _, c := range r.Classes {
		classes[c.Key] = c.Count
	}
	if classes["human"] != 2 || classes["machine"] != 1 || classes["voice_assistant"] != 1 || classes[""] != 1 {
		t.Errorf("first-phrase classes %+v", r.Classes)
	}
}

// TestCampaignCallLines: a call's line masks the phone and any number said
// in the transcript or the slots, hides internal slots, and links the
// recording through the given function.
func TestCampaignCallLines(t *testing.T) {
	t.Parallel()
	r := seeded(t)
	var promise CallLine
	recordings := 0
	for _, l := range r.Calls {
		if l.Outcome == "promise_to_pay" {
			promise = l
		}
		if l.Recording != "" {
			recordings++
			if l.Recording != "/api/v1/calls/"+l.ID+"/recording" {
				t.Errorf("recording link %q", l.Recording)
			}
		}
	}
	if recordings != reporttest.Want.Recordings {
		t.Errorf("%d calls link a recording, want %d", recordings, reporttest.Want.Recordings)
	}
	if promise.Phone != "+7 913 *** ** 02" || promise.Local != "2026-11-24 09:05 UTC+03:00" || promise.ResultText() != "Обещание оплаты" ||
		promise.ClassText() != "Человек" || promise.Slots != "promise_at=2026-11-27, amount=5000" {
		t.Errorf("promise line %+v", promise)
	}
	if !strings.Contains(promise.Transcript, "Абонент: заплачу в пятницу") || !strings.Contains(promise.Transcript, "***21") ||
		strings.Contains(promise.Transcript, reporttest.SpokenNumber) {
		t.Errorf("transcript not as said or the number said not masked:\n%s", promise.Transcript)
	}
}

// TestCampaignOutputs: the page has the six charts inline as SVG and no
// script or external resource; the workbook opens and reads back the
// figures; the CSV parses; no output has a full phone number.
func TestCampaignOutputs(t *testing.T) {
	t.Parallel()
	r := seeded(t)
	var page, book, lines bytes.Buffer
	if err := WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteXLSX(&book, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteCampaignCSV(&lines, r); err != nil {
		t.Fatal(err)
	}
	html := page.String()
	if n := strings.Count(html, "<svg "); n != 6 {
		t.Errorf("page has %d inline SVG charts, want 6 (funnel, hours, zones, classes, denials, trunks)", n)
	}
	for _, s := range []string{"Воронка по должникам", "Отказы проверки 230-ФЗ по причинам", "Вне разрешённых часов", `href="/api/v1/calls/call-02/recording"`, "@media print"} {
		if !strings.Contains(html, s) {
			t.Errorf("page lacks %q", s)
		}
	}
	for _, s := range []string{"<script", "http://", "https://", "@import", "<link"} {
		if strings.Contains(strings.ReplaceAll(html, "http://www.w3.org/", ""), s) {
			t.Errorf("page is not self-contained: it has %q", s)
		}
	}

	f, err := excelize.OpenReader(bytes.NewReader(book.Bytes()))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, "|") != strings.Join([]string{SheetSummary, SheetCalls, SheetDenials}, "|") {
		t.Errorf("sheets %q", got)
	}
	summary := sheetMap(t, f, SheetSummary)
	for k, want := range map[string]string{"Должники": "6", "Звонки": "8", "Личность подтверждена": "1", "Стоимость, ₽": "6.5", "Отказы 230-ФЗ": "3"} {
		if summary[k] != want {
			t.Errorf("summary %q = %q, want %q", k, summary[k], want)
		}
	}
	calls, err := f.GetRows(SheetCalls)
	if err != nil || len(calls) != 1+reporttest.Want.Calls || calls[0][0] != "call_id" {
		t.Fatalf("calls sheet: %d rows, %v", len(calls), err)
	}
	if denials := sheetMap(t, f, SheetDenials); denials["Вне разрешённых часов"] != "window" || denials["Всего отказов"] != "" {
		t.Errorf("denials sheet %v", denials)
	}
	if v, _ := f.GetCellValue(SheetDenials, "C2"); v != "2" {
		t.Errorf("denials C2 = %q, want 2 (window)", v)
	}

	recs, err := csv.NewReader(bytes.NewReader(lines.Bytes())).ReadAll()
	if err != nil || len(recs) != 1+reporttest.Want.Calls {
		t.Fatalf("csv: %d records, %v", len(recs), err)
	}
	for _, rec := range recs[1:] {
		if len(rec) != len(callHeader) {
			t.Errorf("csv record of %d fields, want %d", len(rec), len(callHeader))
		}
		if _, err := strconv.ParseFloat(rec[14], 64); err != nil {
			t.Errorf("cost %q is not a number a machine reads: %v", rec[14], err)
		}
	}

	var sheets strings.Builder
	for _, s := range f.GetSheetList() {
		rows, _ := f.GetRows(s)
		for _, row := range rows {
			sheets.WriteString(strings.Join(row, "\t") + "\n")
		}
	}
	for name, out := range map[string]string{"html": html, "xlsx": sheets.String(), "csv": lines.String()} {
		for _, full := range append(reporttest.Phones(), reporttest.SpokenNumber, "9131234501", "913 765 43 21") {
			if strings.Contains(out, full) || strings.Contains(out, strings.TrimPrefix(full, "+")) {
				t.Errorf("%s shows the full number %s", name, full)
			}
		}
	}
}

// sheetMap reads a sheet's first column as keys of its second.
func sheetMap(t *testing.T, f *excelize.File, sheet string) map[string]string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, row := range rows {
		if len(row) >= 2 {
			m[row[0]] = row[1]
		} else if len(row) == 1 {
			m[row[0]] = ""
		}
	}
	return m
}
