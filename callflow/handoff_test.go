package callflow

import (
	"strings"
	"testing"

	"github.com/dozvon/dozvon/robot"
)

// TestAliasHidesTheNumber: what the collector's phone shows is the debtor's
// id and a masked name, in characters a SIP user may hold — for a debtor
// known only by number too (its id is a hash, not the number).
func TestAliasHidesTheNumber(t *testing.T) {
	num, _ := PhoneOf("+79160000021")
	for _, tc := range []struct {
		id, name, user, display string
	}{
		{"d1", "Иванов Иван Иванович", "debtor-d1", "Иванов И. И."},
		{"агент/7 x", "", "debtor-------7-x", "debtor-------7-x"},
		{"", "Петрова", "debtor-unknown", "Петрова"},
		{phoneDebtor(num), "", "", ""},
	} {
		user, display := alias(tc.id, tc.name)
		if strings.Contains(user+display, "9160000021") {
			t.Fatalf("alias of %q shows the number: %q %q", tc.id, user, display)
		}
		if tc.user != "" && (user != tc.user || display != tc.display) {
			t.Errorf("alias(%q, %q) = %q, %q; want %q, %q", tc.id, tc.name, user, display, tc.user, tc.display)
		}
	}
}

func TestWhisperText(t *testing.T) {
	vars := map[string]any{"debtor": map[string]any{"name": "Иванов Иван"}, "debt": map[string]any{"amount": 15000.0}}
	turns := []robot.Turn{
		{Who: robot.WhoCaller, Kind: "speech", Text: "да, это я"},
		{Who: robot.WhoRobot, Kind: "say", Text: "Соединяю"},
		{Who: robot.WhoCaller, Kind: "dtmf", Text: "1"},
		{Who: robot.WhoCaller, Kind: "no_input"},
	}
	if got, want := whisperText(vars, turns), "Должник Иванов Иван. Долг 15000 рублей. Нажал 1."; got != want {
		t.Errorf("whisper %q, want %q", got, want)
	}
	if got := whisperText(nil, nil); got != "" {
		t.Errorf("whisper with nothing known: %q", got)
	}
}
