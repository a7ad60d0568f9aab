package scripts

import (
	"strings"
	"testing"
	"time"
)

func TestRenderText(t *testing.T) {
	msk := time.FixedZone("MSK", 3*3600)
	env := Env{
		Vars:       map[string]any{"debtor": map[string]any{"first_name": "Иван"}, "debt": map[string]any{"amount": 12345.50}},
		Slots:      map[string]string{"callback_at": "2026-11-25T10:00:00+03:00"},
		Now:        time.Date(2026, 11, 24, 11, 0, 0, 0, msk),
		Verbalizer: Written{},
	}
	tests := []struct {
		markup, want string
		wantErr      bool
	}{
		{"{debtor.first_name}, здр+авствуйте!", "Иван, здравствуйте!", false},
		{"Долг {debt.amount|money}.", "Долг 12 345 рублей 50 копеек.", false},
		{"Перезвоним {slot.callback_at|datetime}.", "Перезвоним 25 ноября в 10:00.", false},
		{"Сегодня {now|date}.", "Сегодня 24 ноября.", false},
		{"Раз [pause 300ms] два", "Раз … два", false},
		{"{debtor.nickname}", "", true},
		{"{debtor.first_name|money}", "", true},
		{"{debt.amount|roubles}", "", true},
	}
	for _, tc := range tests {
		got, err := RenderText(tc.markup, env)
		if (err != nil) != tc.wantErr {
			t.Errorf("RenderText(%q) error = %v, wantErr %v", tc.markup, err, tc.wantErr)
			continue
		}
		if !tc.wantErr && got != tc.want {
			t.Errorf("RenderText(%q) = %q, want %q", tc.markup, got, tc.want)
		}
	}
	spoken, err := RenderText("{debt.amount|money}, до {slot.callback_at|datetime}, сегодня {now|date_nom}", Env{Vars: env.Vars, Slots: env.Slots, Now: env.Now})
	if err != nil || strings.ContainsAny(spoken, "0123456789") || !strings.Contains(spoken, "двадцать пятого ноября") ||
		!strings.Contains(spoken, "двадцать четвертое ноября") && !strings.Contains(spoken, "двадцать четвёртое ноября") {
		t.Errorf("the default verbaliser spells in words: %q, %v", spoken, err)
	}
}

func TestCondEval(t *testing.T) {
	msk := time.FixedZone("MSK", 3*3600)
	str := func(s string) *string { return &s }
	num := func(f float64) *float64 { return &f }
	yes := true
	env := Env{Vars: map[string]any{"debtor": map[string]any{"segment": "vip"}, "debt": map[string]any{"amount": 5000}},
		Slots: map[string]string{"amount": "100.00"}, Now: time.Date(2026, 11, 28, 19, 30, 0, 0, msk)} // a Saturday
	tests := []struct {
		name string
		c    *Cond
		want bool
	}{
		{"nil", nil, true},
		{"eq", &Cond{Var: "debtor.segment", Eq: str("vip")}, true},
		{"ne", &Cond{Var: "debtor.segment", Ne: str("vip")}, false},
		{"in", &Cond{Var: "debtor.segment", In: []string{"a", "vip"}}, true},
		{"gt", &Cond{Var: "debt.amount", Gt: num(1000)}, true},
		{"lt", &Cond{Var: "debt.amount", Lt: num(1000)}, false},
		{"exists slot", &Cond{Var: "slot.amount", Exists: &yes}, true},
		{"exists missing", &Cond{Var: "slot.promise_at", Exists: &yes}, false},
		{"after", &Cond{After: "19:00"}, true},
		{"before", &Cond{Before: "19:00"}, false},
		{"weekday", &Cond{Weekday: []string{"sat", "sun"}}, true},
		{"all", &Cond{All: []*Cond{{After: "09:00"}, {Before: "12:00"}}}, false},
		{"any", &Cond{Any: []*Cond{{After: "09:00"}, {Before: "12:00"}}}, true},
	}
	for _, tc := range tests {
		if got := tc.c.Eval(env); got != tc.want {
			t.Errorf("%s: Eval = %v, want %v", tc.name, got, tc.want)
		}
	}
}
