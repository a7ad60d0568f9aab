package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/store"
)

func task(debtor, state, outcome, last string, pos int) store.Task {
	return store.Task{DebtorID: debtor, Phone: "+7916000000" + string(rune('0'+pos)), Position: pos, State: state, Outcome: outcome, LastResult: last}
}

func TestDebtorResults(t *testing.T) {
	tests := []struct {
		name string
		rows []store.Task
		want string
	}{
		{"done", []store.Task{task("A", store.TaskDone, "identified", "answered", 0)}, "done:identified"},
		{"the debtor's phone wins over a wrong person", []store.Task{task("A", store.TaskDone, "wrong_person", "answered", 0),
			task("A", store.TaskDone, "identified", "answered", 1)}, "done:identified"},
		{"a done phone wins over an open one", []store.Task{task("A", store.TaskPending, "", "busy", 0),
			task("A", store.TaskDone, "refused", "answered", 1)}, "done:refused"},
		{"callback", []store.Task{task("A", store.TaskPending, "callback", "answered", 0)}, "callback"},
		{"first open phone", []store.Task{task("A", store.TaskPending, "", "denied", 0), task("A", store.TaskExhausted, "", "busy", 1)}, "pending:denied"},
		{"exhausted", []store.Task{task("A", store.TaskExhausted, "", "no_answer", 0)}, "exhausted"},
		{"waiting phones do not settle", []store.Task{task("A", store.TaskWaiting, "", "", 0)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rows []Row
			for _, x := range tt.rows {
				rows = append(rows, Row{Task: x})
			}
			if got := DebtorResults(rows)["A"]; got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// memStore is a test double of the campaign store.
type memStore struct {
	tasks []store.Task
	calls map[int64][]store.TaskCall
}

func (m memStore) Tasks(ctx context.Context, id string) ([]store.Task, error) { return m.tasks, nil }
func (m memStore) TaskCalls(ctx context.Context, id int64) ([]store.TaskCall, error) {
	return m.calls[id], nil
}

func TestTableAndCSV(t *testing.T) {
	st := memStore{
		tasks: []store.Task{
			{ID: 1, DebtorID: "A", Phone: "+79160000001", State: store.TaskDone, Outcome: "callback", Slots: map[string]string{"when": "10:00", "day": "tomorrow"}},
			{ID: 2, DebtorID: "B", Phone: "+79160000002", State: store.TaskPending, LastResult: "busy"},
		},
		calls: map[int64][]store.TaskCall{
			1: {{Result: "answered", Duration: 30 * time.Second, CostKop: 150, RecordingPath: "r1.wav"}},
			2: {{Result: "busy"}, {Result: "busy", CostKop: 50}},
		},
	}
	rows, err := Load(context.Background(), st, "c", map[string]string{"A": "Иванов Иван"})
	if err != nil {
		t.Fatal(err)
	}
	expect := map[string]string{"A": "done:callback", "B": "done:identified"}
	var table bytes.Buffer
	WriteTable(&table, rows, expect)
	for _, want := range []string{"done / callback", "pending / last busy", "2 tasks, 3 calls, talk time 30s, cost 2.00 ₽",
		"simulation check: 1 of 2 debtors", "expected → got: done:identified → pending:busy ×1"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
	var out bytes.Buffer
	if err := WriteCSV(&out, rows, expect); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not read back: %v", err)
	}
	if len(recs) != 3 || recs[0][len(recs[0])-1] != "expected" {
		t.Fatalf("records %v", recs)
	}
	a := strings.Join(recs[1], "|")
	if want := "A|Иванов Иван|+79160000001|1|done|callback||day=tomorrow;when=10:00|||1|30.0|answered|r1.wav|1.50|done:callback"; a != want {
		t.Fatalf("row A\n got %s\nwant %s", a, want)
	}
	if b := recs[2]; b[10] != "2" || b[12] != "busy busy" || b[14] != "0.50" {
		t.Fatalf("row B %v", b)
	}
}

// fixedInFlight is a test double of the scheduler's in-flight counter.
type fixedInFlight int

func (n fixedInFlight) InFlight() int { return int(n) }

func TestProgressLine(t *testing.T) {
	p := NewProgress(4)
	p.Watch(fixedInFlight(2))
	p.Event(scheduler.Event{Task: store.Task{DebtorID: "A"}, Attempt: &scheduler.Attempt{Result: scheduler.ResultAnswered, Outcome: "identified"},
		Update: store.TaskUpdate{State: store.TaskDone}})
	p.Event(scheduler.Event{Task: store.Task{DebtorID: "B"}, Attempt: &scheduler.Attempt{Result: "busy"}})
	p.Event(scheduler.Event{Task: store.Task{DebtorID: "C"}, Attempt: &scheduler.Attempt{Result: "busy"}})
	p.Event(scheduler.Event{Task: store.Task{DebtorID: "D"}, Decision: &compliance.Decision{Allowed: false}})
	got := p.Line(10 * time.Second)
	want := "[10s] in flight 2, calls 3, denied 1, debtors settled 1/4, ETA 30s | busy 2, identified 1"
	if got != want || p.Calls() != 3 {
		t.Fatalf("line\n got %s\nwant %s (calls %d)", got, want, p.Calls())
	}
}
