package callflow_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/telephony"
)

// TestVars: the script variables a call gets (were cmd callVars and the
// sweep's closure): the creditor only when configured, the first name from
// "Фамилия Имя Отчество", the debt in roubles when known.
func TestVars(t *testing.T) {
	debtor := func(name string) map[string]any {
		first := map[string]string{"Иванов Иван Иванович": "Иван", "Иванов": "Иванов"}[name]
		return map[string]any{"name": name, "first_name": first}
	}
	tests := []struct {
		name string
		got  map[string]any
		want map[string]any
	}{
		{"no creditor: the script's default stands", callflow.Vars("", "Иванов Иван Иванович", "Иван"),
			map[string]any{"debtor": debtor("Иванов Иван Иванович")}},
		{"creditor", callflow.Vars("ООО «Вектор»", "Иванов Иван Иванович", "Иван"),
			map[string]any{"debtor": debtor("Иванов Иван Иванович"), "creditor": map[string]any{"name": "ООО «Вектор»"}}},
		{"task: first name and debt", callflow.TaskVars("ООО «Вектор»")(scheduler.Call{Debtor: store.Debtor{Name: "Иванов Иван Иванович"},
			Details: store.DebtorDetails{DebtKop: 1234550}}),
			map[string]any{"debtor": debtor("Иванов Иван Иванович"), "creditor": map[string]any{"name": "ООО «Вектор»"}, "debt": map[string]any{"amount": 12345.5}}},
		{"task: a one-word name, no debt", callflow.TaskVars("")(scheduler.Call{Debtor: store.Debtor{Name: "Иванов"}}),
			map[string]any{"debtor": debtor("Иванов")}},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

// TestTrunkBookAndChannels: `dozvon sweep --trunk-channels` and the trunk
// book built from the config's trunks.
func TestTrunkBookAndChannels(t *testing.T) {
	tests := []struct {
		in   string
		want map[string]int
		err  string
	}{
		{"", map[string]int{}, ""},
		{"main=30, backup=10", map[string]int{"main": 30, "backup": 10}, ""},
		{"main", nil, `--trunk-channels "main": want name=N`},
		{"main=-1", nil, `--trunk-channels "main=-1"`},
		{"main=x", nil, `"main=x"`},
	}
	for _, tt := range tests {
		got, err := callflow.ParseTrunkChannels(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q: got %v, %v", tt.in, got, err)
		}
	}
	if callflow.TrunkBook(nil, nil, clock.System{}) != nil {
		t.Error("no trunks configured, yet a trunk book")
	}
	book := callflow.TrunkBook([]telephony.Trunk{{Name: "main", CostPerMinute: 1.5}, {Name: "backup", Priority: 1}}, map[string]int{"main": 1}, clock.System{})
	if book.Cost("main") != 1.5 {
		t.Errorf("main costs %v", book.Cost("main"))
	}
	name, ok := book.Acquire(nil, nil)
	if !ok || name != "main" {
		t.Fatalf("first acquire: %q %v", name, ok)
	}
	if name, ok := book.Acquire(nil, nil); !ok || name != "backup" {
		t.Errorf("main has one channel, yet the second call got %q %v", name, ok)
	}
}
