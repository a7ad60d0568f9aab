package testcalls

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/tts"
)

// audioRun runs the cases (YAML) at audio level against the script at path.
func audioRun(t *testing.T, scriptPath, cases string) Report {
	t.Helper()
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed: the robot and the simulated caller need a voice (tools/setup-debian.sh)")
	}
	dir := t.TempDir()
	sc, err := scripts.Load(scriptPath)
	if err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(dir, "c.cases.yaml")
	if err := os.WriteFile(cp, []byte(cases), 0o644); err != nil {
		t.Fatal(err)
	}
	cf, err := LoadCases(cp)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	engine, err := tts.NewEspeak(tts.EspeakOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := RunAudio(ctx, sc, []*CaseFile{cf}, AudioConfig{Ledger: db,
		Voice:        robot.VoiceConfig{Voice: tts.NewCache(filepath.Join(dir, "tts"), engine, engine.Key()), LoadAudio: tts.LoadAudioFile},
		NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(asr.DefaultVADConfig()) },
		CallerVoices: NewCallerVoices(filepath.Join(dir, "callers")), Dir: dir, Keep: filepath.Join(dir, "keep"), Parallel: 2})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// copyScript copies a bundled script and its phrase base into a temp dir,
// applying edits (old → new) to each file.
func copyScript(t *testing.T, name string, edits map[string][2]string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{name, "phrases.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", "scripts", f))
		if err != nil {
			t.Fatal(err)
		}
		s := string(data)
		if e, ok := edits[f]; ok {
			if !strings.Contains(s, e[0]) {
				t.Fatalf("%s has no %q to edit", f, e[0])
			}
			s = strings.Replace(s, e[0], e[1], 1)
		}
		if err := os.WriteFile(filepath.Join(dir, f), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, name)
}

const wrongPersonCase = `script: verify_contact.yaml
vars: {debtor: {name: "Иванов Иван Иванович", first_name: "Иван"}, debt: {amount: 12345.50}}
now: 2026-11-24T11:00:00+03:00
cases:
  - name: wrong person says no
    audio: {voice: espeak-ng@160}
    caller: ["нет"]
    expect: {outcome: wrong_person}
`

// TestAudioGateCatchesBrokenBranch: a script edit that sends "no" at the
// identity question to the wrong node fails the audio run, and the report
// names the case, the expected and the got outcome, with both sides'
// transcript and the kept recording.
func TestAudioGateCatchesBrokenBranch(t *testing.T) {
	broken := copyScript(t, "verify_contact.yaml", map[string][2]string{"verify_contact.yaml": {
		`- {intent: "no", goto: end_wrong_person}`, `- {intent: "no", goto: offer_human}`}})
	rep := audioRun(t, broken, wrongPersonCase)
	if rep.Cases != 1 || rep.Passed != 0 {
		t.Fatalf("broken branch: %d/%d passed, want the case to fail: %+v", rep.Passed, rep.Cases, rep.Results)
	}
	r := rep.Results[0]
	if r.Name != "wrong person says no" || !strings.Contains(r.Reason, "want wrong_person") || !strings.Contains(r.Reason, "outcome: got ") {
		t.Fatalf("failure does not name expected vs got: %q", r.Reason)
	}
	if len(r.Transcript) == 0 || !strings.Contains(strings.Join(r.Transcript, "\n"), "caller said: нет") {
		t.Fatalf("no transcript of both sides: %q", r.Transcript)
	}
	if r.Recording == "" {
		t.Fatal("the failed call's recording was not kept")
	}
	if _, err := os.Stat(r.Recording); err != nil {
		t.Fatal(err)
	}
	if (Gate{MinPass: 98, MinEdges: 0}).Check(rep) == "" {
		t.Fatal("the gate passed a run with its only case failing")
	}
}

// TestAudioDisclosureBeforeIdentity: a script whose identity question
// speaks of the debt (and is wrongly marked as confirming the identity, so
// the linter lets it through) fails the disclosure check on what the robot
// actually said; the untouched script passes the same case.
func TestAudioDisclosureBeforeIdentity(t *testing.T) {
	bad := copyScript(t, "verify_contact.yaml", map[string][2]string{
		"verify_contact.yaml": {"  - id: identify\n", "  - id: identify\n    confirms_identity: true\n"},
		"phrases.yaml":        {`ask_is_debtor: "Скажите, пожалуйста, я говорю с {debtor.name}?"`, `ask_is_debtor: "У вас просроченная задолженность. Скажите, пожалуйста, я говорю с {debtor.name}?"`},
	})
	rep := audioRun(t, bad, wrongPersonCase)
	if rep.Passed != 0 || !strings.Contains(rep.Results[0].Reason, "disclosure:") || !strings.Contains(rep.Results[0].Reason, "before the identity was confirmed") {
		t.Fatalf("debt said before identity passed: %+v", rep.Results)
	}
	good := audioRun(t, filepath.Join("..", "scripts", "verify_contact.yaml"), wrongPersonCase)
	if good.Passed != 1 {
		t.Fatalf("the bundled script fails the same case: %+v", good.Results)
	}
	if good.TurnGap == nil || good.Level != "audio" || !strings.HasPrefix(good.Recognition, "stand-in") {
		t.Fatalf("report lacks turn gaps or says nothing of recognition: %+v", good)
	}
}

// TestAudioTransferAndPickup: at audio level a transfer case ends as a
// transfer to the script's target (the simulated phone takes the REFER as a
// trunk does, a bare extension included), transfer_fails ends at the
// node's on_fail, and a caller whose long first reply would pass for a
// recording is judged by its pickup "алло" (before: outcome machine).
func TestAudioTransferAndPickup(t *testing.T) {
	rep := audioRun(t, filepath.Join("..", "scripts", "verify_contact.yaml"), `script: verify_contact.yaml
vars: {debtor: {name: "Иванов Иван Иванович", first_name: "Иван"}, debt: {amount: 12345.50}}
now: 2026-11-24T11:00:00+03:00
cases:
  - name: asks for a live person
    vars: {campaign: {operator: "100"}}
    audio: {voice: espeak-ng@150}
    caller: ["позовите специалиста"]
    expect: {outcome: transfer, transfer_to: "100", path: [transfer_human]}
  - name: the transfer fails
    vars: {campaign: {operator: "sip:queue@127.0.0.1:5099"}}
    transfer_fails: true
    audio: {voice: espeak-ng@150}
    caller: ["позовите специалиста"]
    expect: {outcome: callback, path: [transfer_human, end_transfer_failed]}
  - name: a long first reply
    audio: {voice: espeak-ng@125}
    caller: ["у меня новый номер, раньше был чужой"]
    expect: {outcome: wrong_person}
`)
	for _, r := range rep.Results {
		if !r.Passed {
			t.Errorf("%s: %s\n%s", r.Name, r.Reason, strings.Join(r.Transcript, "\n"))
		}
	}
}
