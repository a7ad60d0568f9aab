package report

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

//go:embed campaign.html
var campaignHTML string

var campaignPage = template.Must(template.New("campaign").Funcs(template.FuncMap{
	"fmtTime": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") },
	"dur":     durText,
	"rub":     rub,
	"pct": func(n, of int) string {
		if of == 0 {
			return "—"
		}
		return strconv.FormatFloat(100*float64(n)/float64(of), 'f', 1, 64) + "%"
	},
	"add":   func(a, b int) int { return a + b },
	"trunk": trunkLabel,
	"none":  func() template.HTML { return `<p class="none">нет данных</p>` },
}).Parse(campaignHTML))

var stateLabels = map[string]string{"active": "идёт", "paused": "на паузе", "done": "завершена", "stopped": "остановлена"}

// WriteHTML writes the report as one self-contained page: Russian, the
// charts inline as SVG, no script, no external font or stylesheet, fit to print.
func WriteHTML(w io.Writer, r *Campaign) error {
	c, err := RenderCharts(r)
	if err != nil {
		return fmt.Errorf("campaign report html: %w", err)
	}
	if err := campaignPage.Execute(w, struct {
		R     *Campaign
		C     Charts
		State string
	}{r, c, label(stateLabels, r.State)}); err != nil {
		return fmt.Errorf("campaign report html: %w", err)
	}
	return nil
}

// callHeader is the columns of a call's row, in the CSV and the XLSX.
var callHeader = []string{"call_id", "at_utc", "local_time", "debtor_id", "name", "phone", "region", "trunk", "result", "sip_code",
	"first_phrase", "outcome", "slots", "duration_s", "cost_rub", "recording", "transcript"}

func callRecord(l CallLine) []string {
	return []string{l.ID, l.At.UTC().Format(time.RFC3339), l.Local, l.DebtorID, l.Name, l.Phone, l.Region, l.Trunk, l.Result,
		strconv.Itoa(l.SIPCode), l.Class, l.Outcome, l.Slots, strconv.FormatFloat(l.Duration.Seconds(), 'f', 1, 64),
		strconv.FormatFloat(float64(l.CostKop)/100, 'f', 2, 64),
		l.Recording, l.Transcript}
}

// WriteCampaignCSV writes one line per call (for machines: keys, not
// labels, where there are keys; UTF-8; the phone masked).
func WriteCampaignCSV(w io.Writer, r *Campaign) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(callHeader) // errors stick in cw and come back from cw.Error
	for _, l := range r.Calls {
		_ = cw.Write(callRecord(l))
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("campaign report csv: %w", err)
	}
	return nil
}

// The workbook's sheets.
const (
	SheetSummary = "Сводка"
	SheetCalls   = "Звонки"
	SheetDenials = "Отказы 230-ФЗ"
)

// WriteXLSX writes the report as a workbook: the summary (totals, funnel,
// regions, first phrases, outcomes, trunks), every call, the denials.
func WriteXLSX(w io.Writer, r *Campaign) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return fmt.Errorf("campaign report xlsx: %w", err)
	}
	for _, s := range []string{SheetCalls, SheetDenials} {
		if _, err := f.NewSheet(s); err != nil {
			return fmt.Errorf("campaign report xlsx: %w", err)
		}
	}
	x := &sheetWriter{f: f}
	x.sheet(SheetSummary)
	x.row("Кампания", r.ID, r.Name)
	x.row("Состояние", label(stateLabels, r.State))
	x.row("Создана (UTC)", r.Created.UTC().Format("2006-01-02 15:04"))
	x.row("Отчёт составлен (UTC)", r.Now.UTC().Format("2006-01-02 15:04"))
	x.row()
	x.row("Должники", r.Debtors)
	x.row("Звонки", r.Total.Calls)
	x.row("С ответом", r.Total.Answered)
	x.row("Разговоры, мин", minutes(r.Total.Talk))
	x.row("Стоимость, ₽", float64(r.Total.CostKop)/100)
	x.row("Отказы 230-ФЗ", r.DenialsTotal)
	x.row()
	x.row("Воронка", "Должники")
	for _, s := range r.Funnel {
		x.row(s.Label, s.Debtors)
	}
	x.row()
	x.row("Регион", "Пояс", "Должники", "Звонки", "Разговор с человеком", "Автоответчик", "Занято", "Нет ответа", "Не дозвонились", "Личность подтверждена")
	for _, g := range r.ByRegion {
		x.row(g.Region, g.Zone, g.Debtors, g.Calls.Total(), g.Calls[GroupPerson], g.Calls[GroupMachine], g.Calls[GroupBusy], g.Calls[GroupNoAnswer],
			g.Calls[GroupOther], g.Identified)
	}
	x.row()
	x.row("Час (местный)", "Звонки", groupLabels[0], groupLabels[1], groupLabels[2], groupLabels[3], groupLabels[4])
	for _, h := range r.ByHour {
		x.row(fmt.Sprintf("%02d:00", h.Hour), h.Calls.Total(), h.Calls[0], h.Calls[1], h.Calls[2], h.Calls[3], h.Calls[4])
	}
	x.row()
	x.row("Первая фраза", "Звонки")
	for _, c := range r.Classes {
		x.row(c.Label, c.Count)
	}
	x.row()
	x.row("Исход разговора", "Звонки")
	for _, c := range r.Outcomes {
		x.row(c.Label, c.Count)
	}
	x.row()
	x.row("Транк", "Звонки", "С ответом", "Разговоры, мин", "Стоимость, ₽")
	for _, t := range r.Trunks {
		x.row(trunkLabel(t.Trunk), t.Calls, t.Answered, minutes(t.Talk), float64(t.CostKop)/100)
	}
	x.sheet(SheetCalls)
	x.row(anys(callHeader)...)
	for _, l := range r.Calls {
		rec := callRecord(l)
		x.row(rec[0], rec[1], rec[2], rec[3], rec[4], rec[5], rec[6], rec[7], l.ResultText(), l.SIPCode, l.ClassText(), rec[11], rec[12],
			l.Duration.Seconds(), float64(l.CostKop)/100, rec[15], rec[16])
	}
	x.sheet(SheetDenials)
	x.row("Причина", "Код", "Отказы")
	for _, d := range r.Denials {
		x.row(d.Label, d.Key, d.Count)
	}
	x.row("Всего отказов", "", r.DenialsTotal)
	x.flush()
	if x.err != nil {
		return fmt.Errorf("campaign report xlsx: %w", x.err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("campaign report xlsx: %w", err)
	}
	return nil
}

// sheetWriter appends rows to one sheet after another through excelize's
// stream writer (10,000 calls: a fifth of the time SetSheetRow took); the
// first error sticks.
type sheetWriter struct {
	f   *excelize.File
	sw  *excelize.StreamWriter
	n   int
	err error
}

// sheet finishes the sheet being written and starts name.
func (x *sheetWriter) sheet(name string) {
	x.flush()
	if x.err == nil {
		x.sw, x.err = x.f.NewStreamWriter(name)
	}
	x.n = 0
}

func (x *sheetWriter) flush() {
	if x.sw != nil && x.err == nil {
		x.err = x.sw.Flush()
	}
	x.sw = nil
}

func (x *sheetWriter) row(cells ...any) {
	x.n++
	if x.err != nil || len(cells) == 0 {
		return
	}
	cell, err := excelize.CoordinatesToCellName(1, x.n)
	if err == nil {
		err = x.sw.SetRow(cell, cells)
	}
	x.err = err
}

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// SaveCampaign writes the report to each path that is set: HTML, XLSX, CSV.
func SaveCampaign(r *Campaign, htmlPath, xlsxPath, csvPath string) error {
	for _, out := range []struct {
		path  string
		write func(io.Writer, *Campaign) error
	}{{htmlPath, WriteHTML}, {xlsxPath, WriteXLSX}, {csvPath, WriteCampaignCSV}} {
		if out.path == "" {
			continue
		}
		if err := saveFile(out.path, func(w io.Writer) error { return out.write(w, r) }); err != nil {
			return err
		}
	}
	return nil
}

func saveFile(path string, write func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func durText(d time.Duration) string {
	d = d.Round(time.Second)
	if d >= time.Hour {
		return fmt.Sprintf("%d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
	}
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

func minutes(d time.Duration) float64 { return float64(d.Round(time.Second)) / float64(time.Minute) }

// rub is kopecks as roubles with a comma, as Russian readers write them.
func rub(kop int64) string {
	s := strconv.FormatFloat(float64(kop)/100, 'f', 2, 64)
	return strings.Replace(s, ".", ",", 1)
}
