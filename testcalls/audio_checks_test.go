package testcalls

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/robot"
)

// TestAudioOptionsParse: per-line audio options load with the item, the
// text level's items are unchanged, and bad options name their line.
func TestAudioOptionsParse(t *testing.T) {
	y := "script: x\nnow: 2026-11-24T11:00:00+03:00\ncases:\n  - name: a\n    audio: {voice: festival@1.2, noise: 15, codec: PCMA}\n" +
		"    caller: [\"алло\", {say: \"да\", pause: 1s, noise: 10}, {silence: 2s}, \"нет\", {interrupt: \"стоп\", after: 2s}, {dtmf: \"1\", pause: 500ms}]\n" +
		"    expect: {outcome: refused, max_turn_gap: 2s}\n"
	p := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(p, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := LoadCases(p)
	if err != nil {
		t.Fatal(err)
	}
	c := f.Cases[0]
	if c.Audio.Codec != "PCMA" || c.Audio.Noise != 15 || time.Duration(c.Expect.MaxTurnGap) != 2*time.Second {
		t.Fatalf("case options %+v %+v", c.Audio, c.Expect)
	}
	it := c.Caller[1]
	if it.Say != "да" || it.Pause != time.Second || it.Noise != 10 {
		t.Fatalf("item %+v", it)
	}
	steps := c.Steps()
	want := []Step{{Say: "алло"}, {Say: "да", Pause: time.Second, Noise: 10}, {Say: "нет", Pause: 2 * time.Second},
		{Interrupt: "стоп", After: 2 * time.Second}, {DTMF: "1", Pause: 500 * time.Millisecond}, {Hangup: true}}
	if len(steps) != len(want) {
		t.Fatalf("steps %+v, want %+v", steps, want)
	}
	for i := range want {
		if steps[i] != want[i] {
			t.Fatalf("step %d = %+v, want %+v", i, steps[i], want[i])
		}
	}
	for _, bad := range []struct{ item, want string }{
		{`{say: "да", dtmf: "1"}`, "one action per item"},
		{`{pause: 1s}`, "no action"},
		{`{say: "да", noise: loud}`, "noise \"loud\""},
		{`{say: "да", after: 1s}`, "after is for interrupt and hangup"},
		{`{say: "да", volume: 3}`, "unknown key \"volume\""},
	} {
		y := "script: x\nnow: 2026-11-24T11:00:00+03:00\ncases:\n  - name: a\n    caller: [" + bad.item + "]\n    expect: {outcome: hangup}\n"
		if err := os.WriteFile(p, []byte(y), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadCases(p); err == nil || !strings.Contains(err.Error(), bad.want) || !strings.Contains(err.Error(), "c.yaml:5") {
			t.Errorf("%s: err %v, want %q at line 5", bad.item, err, bad.want)
		}
	}
}

// TestDisclosureBeforeIdentity: the check reads the robot's prompts as said.
func TestDisclosureBeforeIdentity(t *testing.T) {
	sc := loadScript(t, "collection.yaml")
	vars := map[string]any{"debtor": map[string]any{"name": "Иванов Иван Иванович", "first_name": "Иван"}, "debt": map[string]any{"amount": 12345.5}}
	r := func(node, text string) robot.Turn {
		return robot.Turn{Who: robot.WhoRobot, Kind: "say", Node: node, Text: text}
	}
	c := func(text string) robot.Turn { return robot.Turn{Who: robot.WhoCaller, Kind: "speech", Text: text} }
	tests := []struct {
		name  string
		turns []robot.Turn
		want  string // "" passes
	}{
		{"debt after the name question, its answer and the confirming node",
			[]robot.Turn{r("greeting", "Здравствуйте!"), r("identify", "Я говорю с Иванов Иван Иванович?"), c("да"),
				r("ask_convenient", "Вам удобно говорить?"), c("да"), r("inform_debt", "У вас задолженность 12 345,50 рублей.")}, ""},
		{"debt in the greeting", []robot.Turn{r("greeting", "Звоним по поводу задолженности.")}, "disclosure: the robot spoke of the debt"},
		{"the amount before the answer", []robot.Turn{r("identify", "Иванов Иван Иванович, вы должны 12345,50?")}, "disclosure: the robot spoke of the debt amount"},
		{"confirming node reached without the name question",
			[]robot.Turn{r("greeting", "Здравствуйте!"), c("да"), r("ask_convenient", "Вам удобно?"), r("inform_debt", "У вас долг.")}, "disclosure:"},
		{"name asked and answered but no confirming node",
			[]robot.Turn{r("identify", "Вы Иван?"), c("нет"), r("end_wrong_person", "Извините, по поводу долга.")}, "disclosure:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := disclosureBeforeIdentity(sc, vars, tc.turns)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTurnGaps(t *testing.T) {
	t0 := time.Date(2026, 11, 24, 11, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	turns := []robot.Turn{
		{Who: robot.WhoRobot, Start: at(0), End: at(2000)},
		{Who: robot.WhoCaller, Kind: "speech", Start: at(2500), End: at(3000)},
		{Who: robot.WhoRobot, Start: at(3400), End: at(5000)},
		{Who: robot.WhoCaller, Kind: "no_input", Start: at(5000), End: at(11000)},
		{Who: robot.WhoRobot, Start: at(11100), End: at(12000)},
		{Who: robot.WhoCaller, Kind: "dtmf", Start: at(12500), End: at(13000)},
		{Who: robot.WhoRobot, Start: at(12900), End: at(14000)},                  // answered before the caller finished: no gap
		{Who: robot.WhoCaller, Kind: "speech", Start: at(13100), End: at(13600)}, // said over that prompt: no gap
		{Who: robot.WhoRobot, Start: at(14100), End: at(15000)},
	}
	g := TurnGaps(turns)
	if len(g) != 1 || g[0] != 400*time.Millisecond {
		t.Fatalf("gaps %v, want [400ms]", g)
	}
	if why := checkAudio(loadScript(t, "verify_contact.yaml"), Expect{MaxTurnGap: Duration(300 * time.Millisecond)}, nil, turns, g); !strings.Contains(why, "max_turn_gap") {
		t.Fatalf("a 400 ms gap passed a 300 ms limit: %q", why)
	}
}

func TestCheckSpoken(t *testing.T) {
	prompts := []string{
		"Анна, у вас просроченная задолженность в размере двенадцать тысяч триста сорок пять рублей пятьдесят копеек.",
		"Скажите да или нет, или нажмите 1 — да, 2 — нет.",
	}
	for _, tc := range []struct {
		name string
		e    Expect
		fail string
	}{
		{"written money matches spoken", Expect{Said: []string{"12 345 рублей 50 копеек"}}, ""},
		{"spoken money matches", Expect{Said: []string{"двенадцать тысяч триста сорок пять рублей"}}, ""},
		{"spoken digit matches a written one", Expect{Said: []string{"нажмите один"}}, ""},
		{"another sum is not said", Expect{Said: []string{"12 300 рублей"}}, "said:"},
		{"not_said in written form catches the spoken sum", Expect{NotSaid: []string{"12 345 рублей"}}, "not_said:"},
		{"not_said of an absent word", Expect{NotSaid: []string{"суд"}}, ""},
	} {
		got := checkSpoken(tc.e, prompts)
		if (tc.fail == "") != (got == "") || !strings.Contains(got, tc.fail) {
			t.Errorf("%s: checkSpoken = %q, want %q", tc.name, got, tc.fail)
		}
	}
}
