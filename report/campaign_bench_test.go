package report

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

// memorySource is a CampaignSource over rows held in memory: the benchmark
// measures the report, not the database.
type memorySource struct {
	debtors []store.ReportDebtor
	calls   []store.ReportCall
}

func (m memorySource) Campaign(context.Context, string) (store.Campaign, error) {
	return store.Campaign{ID: "big", Name: "big", State: "done", CreatedAt: time.Date(2026, 11, 24, 5, 0, 0, 0, time.UTC)}, nil
}
func (m memorySource) CampaignDebtors(context.Context, string) ([]store.ReportDebtor, error) {
	return m.debtors, nil
}
func (m memorySource) CampaignCalls(context.Context, string) ([]store.ReportCall, error) {
	return m.calls, nil
}
func (m memorySource) CampaignDenials(context.Context, string) ([]store.ReportDenial, error) {
	return []store.ReportDenial{{Reasons: []string{"window"}, Count: 900}, {Reasons: []string{"limit_day", "attempts"}, Count: 40}}, nil
}

// bigCampaign is 5,000 debtors in four regions, two calls each: a busy
// line, then an answered call with a six-turn transcript.
func bigCampaign() memorySource {
	regions := []string{"г. Москва", "Новосибирская область", "Приморский край", "Калининградская область"}
	t0 := time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC)
	var m memorySource
	for i := range 5000 {
		id := fmt.Sprintf("D%05d", i)
		m.debtors = append(m.debtors, store.ReportDebtor{ID: id, Name: "Иванов Иван Иванович", Region: regions[i%4], Phones: 1})
		phone := fmt.Sprintf("+7913%07d", i)
		at := t0.Add(time.Duration(i) * 7 * time.Second)
		m.calls = append(m.calls, store.ReportCall{CallID: id + "-1", DebtorID: id, Phone: phone, At: at, Result: "busy", SIPCode: 486, Trunk: "mts"})
		var turns []store.TurnRecord
		for k := range 6 {
			turns = append(turns, store.TurnRecord{Seq: k + 1, Who: []string{"robot", "caller"}[k%2], Kind: "say", Text: "Здравствуйте, это Иван Иванович?"})
		}
		m.calls = append(m.calls, store.ReportCall{CallID: id + "-2", DebtorID: id, Phone: phone, At: at.Add(2 * time.Hour), Result: "answered",
			Outcome: []string{"identified", "callback", "promise_to_pay", "wrong_person"}[i%4], SIPCode: 200, Trunk: "mts", CostKop: 150,
			Duration: 40 * time.Second, Detection: &store.DetectionRecord{Class: "human"}, Turns: turns, RecordingPath: "/var/rec/" + id + ".wav"})
	}
	return m
}

// BenchmarkCampaignReport: go test -run '^$' -bench CampaignReport ./report/
func BenchmarkCampaignReport(b *testing.B) {
	src := bigCampaign()
	for _, out := range []struct {
		name  string
		write func(io.Writer, *Campaign) error
	}{{"build", nil}, {"html", WriteHTML}, {"xlsx", WriteXLSX}, {"csv", WriteCampaignCSV}} {
		b.Run(out.name, func(b *testing.B) {
			for b.Loop() {
				r, err := BuildCampaign(b.Context(), src, "big", CampaignOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if out.write == nil {
					continue
				}
				cw := &countingWriter{}
				if err := out.write(cw, r); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(cw.n)/1e6, "MB")
			}
		})
	}
}

type countingWriter struct{ n int }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }
