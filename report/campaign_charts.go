package report

import (
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"

	"github.com/go-analyze/charts"
)

// The report's charts are SVG drawn on the server by go-analyze/charts (a
// maintained fork of vicanso/go-charts): the page stays one file with no
// script, readable offline and in print. The library escapes the text it
// writes into the SVG, so labels taken from the store are safe inline.

// Charts are a report's SVG charts, ready to be put inline in HTML; a chart
// with no data is "" (the page says so instead).
type Charts struct {
	Funnel, Hours, Zones, Classes, Denials, Trunks template.HTML
}

const chartW, chartH = 720, 360

// integer writes a count without the library's decimals ("12", not "12.00").
func integer(v float64) string { return strconv.FormatFloat(math.Round(v), 'f', 0, 64) }

// RenderCharts draws the report's charts.
func RenderCharts(r *Campaign) (Charts, error) {
	var c Charts
	var err error
	if c.Funnel, err = funnelChart(r.Funnel); err != nil {
		return Charts{}, err
	}
	hours, hourTallies := make([]string, len(r.ByHour)), make([]Tally, len(r.ByHour))
	for i, h := range r.ByHour {
		hours[i], hourTallies[i] = fmt.Sprintf("%02d:00", h.Hour), h.Calls
	}
	if c.Hours, err = stackedChart("Звонки по часам (местное время должника)", hours, hourTallies); err != nil {
		return Charts{}, err
	}
	zones, zoneTallies := make([]string, len(r.ByZone)), make([]Tally, len(r.ByZone))
	for i, z := range r.ByZone {
		zones[i], zoneTallies[i] = z.Zone, z.Calls
	}
	if c.Zones, err = stackedChart("Звонки по часовым поясам", zones, zoneTallies); err != nil {
		return Charts{}, err
	}
	if c.Classes, err = pieChart("Кто ответил: первая фраза", r.Classes); err != nil {
		return Charts{}, err
	}
	if c.Denials, err = barChart("Отказы проверки 230-ФЗ по причинам", r.Denials); err != nil {
		return Charts{}, err
	}
	trunks := make([]Count, len(r.Trunks))
	title := "Стоимость по транкам, ₽"
	anyCost := r.Total.CostKop > 0
	if !anyCost {
		title = "Звонки по транкам (тариф не задан)"
	}
	for i, t := range r.Trunks {
		trunks[i] = Count{Label: trunkLabel(t.Trunk), Count: t.Calls}
		if anyCost {
			trunks[i].Count = int((t.CostKop + 50) / 100)
		}
	}
	if c.Trunks, err = barChart(title, trunks); err != nil {
		return Charts{}, err
	}
	return c, nil
}

// trunkLabel names a trunk; calls with no trunk went over the default route.
func trunkLabel(t string) string {
	if t == "" {
		return "по умолчанию"
	}
	return t
}

// noto sets the Noto font on the parts of a chart that do not take the
// painter's (titles, axes, series labels). Noto Sans has Cyrillic: the
// library lays labels out by its widths, and Roboto's, its default, would
// measure Russian text too narrow and overlap it.
func noto(size float64) charts.FontStyle {
	return charts.FontStyle{FontSize: size, Font: charts.GetFont(charts.FontFamilyNotoSans)}
}

// render draws one chart of height h and returns its SVG.
func render(title string, h int, draw func(*charts.Painter) error) (template.HTML, error) {
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputSVG, Width: chartW, Height: h, Font: charts.GetFont(charts.FontFamilyNotoSans)})
	err := draw(p)
	var b []byte
	if err == nil {
		b, err = p.Bytes()
	}
	if err != nil {
		return "", fmt.Errorf("chart %s: %w", title, err)
	}
	return template.HTML(b), nil // the library's own SVG, its text escaped (see above)
}

// series are counts as a chart's values and names, with the count in the
// name when named is set (the library shows shares, not counts).
func series(counts []Count, named bool) (values []float64, names []string) {
	values, names = make([]float64, len(counts)), make([]string, len(counts))
	for i, c := range counts {
		values[i], names[i] = float64(c.Count), c.Label
		if named {
			names[i] = fmt.Sprintf("%s (%d)", c.Label, c.Count)
		}
	}
	return values, names
}

// funnelChart draws the funnel; each stage is named with its count (the
// library shows a share of the first stage).
func funnelChart(stages []Stage) (template.HTML, error) {
	if len(stages) == 0 || stages[0].Debtors == 0 {
		return "", nil
	}
	counts := make([]Count, len(stages))
	for i, s := range stages {
		counts[i] = Count{Key: s.Key, Label: s.Label, Count: s.Debtors}
	}
	values, names := series(counts, true)
	opt := charts.NewFunnelChartOptionWithData(values)
	opt.Title.Text = "Воронка по должникам"
	opt.Title.FontStyle = noto(14)
	opt.Legend.SeriesNames = names
	opt.Legend.Show = charts.Ptr(false) // the stages carry their names; the table beside has the counts
	for i := range opt.SeriesList {
		opt.SeriesList[i].Name = names[i]
	}
	return render("funnel", chartH+60, func(p *charts.Painter) error { return p.FunnelChart(opt) })
}

// stackedChart draws calls per category stacked by result group.
func stackedChart(title string, cats []string, tallies []Tally) (template.HTML, error) {
	if len(cats) == 0 {
		return "", nil
	}
	values := make([][]float64, nGroups)
	names := make([]string, nGroups)
	for g := range nGroups {
		names[g] = g.Label()
		values[g] = make([]float64, len(cats))
		for i, t := range tallies {
			values[g][i] = float64(t[g])
		}
	}
	opt := charts.NewBarChartOptionWithData(values)
	opt.Title.Text = title
	opt.Legend.SeriesNames = names
	opt.Legend.Offset = charts.OffsetRight
	opt.Legend.Padding = charts.Box{Top: 24}
	opt.Padding = charts.Box{Top: 20, Right: 20, Bottom: 10, Left: 10}
	opt.StackSeries = charts.Ptr(true)
	opt.CategoryAxis.Labels = cats
	opt.CategoryAxis.LabelFontStyle = noto(12)
	opt.ValueAxis[0].LabelFontStyle = noto(12)
	opt.Title.FontStyle = noto(14)
	opt.ValueFormatter = integer
	opt.ValueAxis[0].Min = charts.Ptr(0.0)
	opt.ValueAxis[0].PreferNiceIntervals = charts.Ptr(true)
	return render(title, chartH, func(p *charts.Painter) error { return p.BarChart(opt) })
}

// pieChart draws shares of a count.
func pieChart(title string, counts []Count) (template.HTML, error) {
	if len(counts) == 0 {
		return "", nil
	}
	values, names := series(counts, true)
	opt := charts.NewPieChartOptionWithData(values)
	opt.Title.Text = title
	opt.Title.FontStyle = noto(14)
	opt.Legend.SeriesNames = names
	opt.Legend.Show = charts.Ptr(false) // each slice is labelled with its name, count and share
	for i := range opt.SeriesList {
		opt.SeriesList[i].Name = names[i]
	}
	return render(title, chartH, func(p *charts.Painter) error { return p.PieChart(opt) })
}

// barChart draws one horizontal bar per count, the largest on top.
func barChart(title string, counts []Count) (template.HTML, error) {
	if len(counts) == 0 {
		return "", nil
	}
	// the library draws the first category at the bottom
	rev := slices.Clone(counts)
	slices.Reverse(rev)
	values, labels := series(rev, false)
	opt := charts.NewBarChartOptionWithData([][]float64{values})
	opt.Horizontal = true
	opt.Title.Text = title
	opt.Title.FontStyle = noto(14)
	opt.CategoryAxis.Labels = labels
	opt.CategoryAxis.LabelFontStyle = noto(12)
	opt.ValueAxis[0].LabelFontStyle = noto(12)
	opt.ValueFormatter = integer
	opt.ValueAxis[0].Min = charts.Ptr(0.0)
	opt.ValueAxis[0].PreferNiceIntervals = charts.Ptr(true)
	opt.SeriesList[0].Label.Show = charts.Ptr(true)
	opt.SeriesList[0].Label.ValueFormatter = integer
	opt.Padding = charts.Box{Top: 20, Right: 40, Bottom: 10, Left: 20}
	return render(title, max(160, 80+40*len(counts)), func(p *charts.Painter) error { return p.BarChart(opt) })
}
