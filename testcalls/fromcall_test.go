package testcalls

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/media"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/tts"
)

// storedCallDouble is a CallSource holding one call record (a test double
// for the store).
type storedCallDouble struct{ rec store.CallRecord }

func (s storedCallDouble) Call(_ context.Context, id string) (store.CallRecord, error) {
	if id != s.rec.ID {
		return store.CallRecord{}, store.ErrNotFound
	}
	return s.rec, nil
}

// TestFromCallCutsDebtorChannel: a stored call whose recording has the
// debtor's speech on the left at known times and the robot loud on the
// right becomes a case whose snippets are exactly the left channel at the
// turns (padded), whose items keep dtmf, silence, talk-over and hang-up,
// whose expectation is the stored outcome, slots and path, unconfirmed, and
// which never holds the full phone number.
func TestFromCallCutsDebtorChannel(t *testing.T) {
	dir := t.TempDir()
	const secs = 12
	stereo := make([]int16, 2*8000*secs)
	for i := 0; i < 8000*secs; i++ {
		stereo[2*i+1] = 20000 // the robot, all the time
		if (i >= 8000*2 && i < 8000*3) || (i >= 8000*9 && i < 8000*10) {
			stereo[2*i] = int16(1000 + i%7) // the debtor, at 2–3 s and 9–10 s
		}
	}
	recPath := filepath.Join(dir, "call.wav")
	if err := media.WriteWAVFile(recPath, 8000, 2, stereo); err != nil {
		t.Fatal(err)
	}
	ans := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return ans.Add(time.Duration(s * float64(time.Second))) }
	rec := store.CallRecord{ID: "out-0123456789abcdef", To: "+79161234567", Started: ans.Add(-3 * time.Second), Answered: ans,
		Outcome: "callback", ScriptName: "verify_contact", ScriptVersion: "1.0+abc", RecordingPath: recPath,
		Slots: map[string]string{scripts.SlotCallbackAt: "2026-11-25T10:00:00+05:00", scripts.SlotMeetingPlace: "позвоните на 8 916 123 45 67"},
		Turns: []store.TurnRecord{
			{Node: "identify", Who: "robot", Kind: "say", Text: "Это Иван?", Start: at(0), End: at(1.5)},
			{Node: "identify", Who: "caller", Kind: "speech", Text: "да мой номер 89161234567", Start: at(2), End: at(3)},
			{Node: "ask_convenient", Who: "robot", Kind: "say", Text: "Удобно?", Start: at(3.5), End: at(4)},
			{Node: "ask_convenient", Who: "caller", Kind: "dtmf", Text: "2", Start: at(4.2), End: at(4.3)},
			{Node: "ask_callback", Who: "robot", Kind: "say", Text: "Когда?", Start: at(4.5), End: at(5)},
			{Node: "ask_callback", Who: "caller", Kind: "no_input", Start: at(5), End: at(13)},
			{Node: "ask_callback", Who: "robot", Kind: "say", Text: "Подскажите время", Start: at(8.5), End: at(9.6), BargedIn: true},
			{Node: "ask_callback", Who: "caller", Kind: "speech", Text: "завтра в десять", Start: at(9), End: at(10)},
			{Node: "end_callback", Who: "robot", Kind: "say", Text: "До свидания", Start: at(10.5), End: at(11)},
			{Node: "end_callback", Who: "caller", Kind: "hangup", Start: at(11), End: at(11)},
		}}
	out := filepath.Join(dir, "cases", "call.cases.yaml")
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	res, err := FromCall(context.Background(), storedCallDouble{rec}, rec.ID, FromCallOptions{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Snippets) != 2 {
		t.Fatalf("%d snippets, want one per speech turn (2)", len(res.Snippets))
	}
	for _, p := range res.Snippets {
		a, err := tts.LoadAudioFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if want := int(1.4 * 8000); len(a.PCM) != want { // 1 s of speech and 200 ms either side
			t.Errorf("%s: %d samples, want %d", p, len(a.PCM), want)
		}
		peak, loud := int16(0), 0
		for _, v := range a.PCM {
			peak = max(peak, v)
			if v >= 1000 {
				loud++
			}
		}
		if peak > 1010 || loud != 8000 {
			t.Errorf("%s: peak %d, %d speech samples: want the debtor's channel only, all 8000 samples of the turn", p, peak, loud)
		}
		if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600 (the debtor's voice)", p, st.Mode().Perm())
		}
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, full := range []string{"9161234567", "916 123 45 67"} {
		if strings.Contains(string(data), full) {
			t.Fatalf("the case holds the full number %q:\n%s", full, data)
		}
	}
	cf, err := LoadCases(out)
	if err != nil {
		t.Fatalf("the written case does not load: %v\n%s", err, data)
	}
	c := cf.Cases[0]
	items := c.Caller
	if len(items) != 5 || items[0].Say == "" || items[0].Audio != "call.cases.audio/01-identify.wav" || items[1].DTMF != "2" ||
		items[2].Silence < PauseBelow || items[3].Interrupt != "завтра в десять" || items[3].After != 500*time.Millisecond || !items[4].Hangup {
		t.Fatalf("caller items do not follow the call:\n%s", data)
	}
	e := c.Expect
	if e.Outcome != "callback" || e.CallbackAt != "2026-11-25T10:00:00+05:00" || !e.Unconfirmed ||
		strings.Join(e.Path, ",") != "identify,ask_convenient,ask_callback,end_callback" {
		t.Fatalf("expectation is not the stored call's, unconfirmed: %+v", e)
	}
	if c.Now != "2026-11-24T12:59:57+05:00" {
		t.Fatalf("now %q: want the call's start in the zone its slots carry", c.Now)
	}
	if _, err := FromCall(context.Background(), storedCallDouble{rec}, rec.ID, FromCallOptions{Out: out}); err == nil {
		t.Fatal("an existing case file was overwritten")
	}
	if _, err := FromCall(context.Background(), storedCallDouble{rec}, "out-nope", FromCallOptions{Out: out + "2"}); err == nil {
		t.Fatal("an unknown call made a case")
	}
}

// audioRunOn runs case files at audio level against the script at path, on
// db (nil: a fresh ledger, as dozvon test --audio has), keeping recordings
// under dir.
func audioRunOn(t *testing.T, db *store.DB, dir, scriptPath string, files ...*CaseFile) Report {
	t.Helper()
	if db == nil {
		var err error
		if err = os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		db, err = store.Open(context.Background(), "sqlite:"+filepath.Join(dir, "ledger.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
	}
	sc, err := scripts.Load(scriptPath)
	if err != nil {
		t.Fatal(err)
	}
	engine, err := tts.NewEspeak(tts.EspeakOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	rep, err := RunAudio(ctx, sc, files, AudioConfig{Ledger: db,
		Voice:        robot.VoiceConfig{Voice: tts.NewCache(filepath.Join(dir, "tts"), engine, engine.Key()), LoadAudio: tts.LoadAudioFile},
		NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(asr.DefaultVADConfig()) },
		CallerVoices: NewCallerVoices(filepath.Join(dir, "callers")), Dir: dir, Parallel: 2})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestFromCallReplaysRealCall: a real call over loopback SIP (the audio
// runner, the production call path) is stored with its recording; the case
// --from-call makes of it replays the debtor's recorded lines at audio
// level and reproduces the stored outcome; the same case with one line's
// recording silenced fails (the recording is what is played, not TTS of
// its words), and so does the case against a script whose busy branch was
// changed.
func TestFromCallReplaysRealCall(t *testing.T) {
	if testing.Short() {
		t.Skip("real calls over loopback SIP")
	}
	if _, err := os.Stat("/usr/bin/espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed (tools/setup-debian.sh)")
	}
	dir := t.TempDir()
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "calls.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	script := filepath.Join("..", "scripts", "verify_contact.yaml")
	orig := filepath.Join(dir, "orig.cases.yaml")
	if err := os.WriteFile(orig, []byte(`script: verify_contact.yaml
vars: {debtor: {name: "Иванов Иван Иванович", first_name: "Иван"}}
now: 2026-11-24T11:00:00+03:00
cases:
  - name: busy, call back tomorrow at ten
    audio: {voice: espeak-ng@150}
    caller: ["да, это я", "я сейчас занят", "перезвоните завтра в десять утра"]
    expect: {outcome: callback, callback_at: 2026-11-25T10:00:00+03:00}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	ocf, err := LoadCases(orig)
	if err != nil {
		t.Fatal(err)
	}
	rep := audioRunOn(t, db, filepath.Join(dir, "orig"), script, ocf)
	if rep.Passed != 1 {
		t.Fatalf("the original call fails: %+v", rep.Results)
	}
	calls, _, err := db.ListCalls(ctx, store.CallFilter{Limit: 10})
	if err != nil || len(calls) != 1 {
		t.Fatalf("stored calls: %d, %v", len(calls), err)
	}
	out := filepath.Join(dir, "replay", "call.cases.yaml")
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	sc, err := scripts.Load(script)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := FromCall(ctx, db, calls[0].ID, FromCallOptions{Out: out, ScriptDoc: sc})
	if err != nil {
		t.Fatal(err)
	}
	// the simulated person said "алло" on picking up (audio.pickup), then
	// the case's three lines
	if len(fc.Snippets) != 4 {
		t.Fatalf("%d snippets, want one per line the debtor said (4: the pickup word and 3 lines)", len(fc.Snippets))
	}
	last := fc.Snippets[len(fc.Snippets)-1]
	data, _ := os.ReadFile(out)
	t.Logf("from call %s:\n%s", calls[0].ID, data)
	// a second case, the same but its last line's recording silenced (the
	// earlier lines are not decisive: the robot re-asks and the next line
	// still leads to the callback)
	silenced := filepath.Join(filepath.Dir(out), "call.cases.audio", "silent.wav")
	a, err := tts.LoadAudioFile(last)
	if err != nil {
		t.Fatal(err)
	}
	if err := media.WriteWAVFile(silenced, 8000, 1, make([]int16, len(a.PCM))); err != nil {
		t.Fatal(err)
	}
	text := string(data)
	i := strings.Index(text, "  - name: ")
	second := strings.Replace(strings.Replace(text[i:], "  - name: call", "  - name: silenced call", 1), filepath.Base(last), "silent.wav", 1)
	both := filepath.Join(filepath.Dir(out), "both.cases.yaml")
	if err := os.WriteFile(both, []byte(text+second), 0o644); err != nil {
		t.Fatal(err)
	}
	cf, err := LoadCases(both)
	if err != nil {
		t.Fatal(err)
	}
	replay := audioRunOn(t, nil, filepath.Join(dir, "replay-run"), script, cf)
	if replay.Cases != 2 || !replay.Results[0].Passed || replay.Results[0].Outcome != "callback" {
		t.Fatalf("the replay does not reproduce the call: %+v", replay.Results)
	}
	if replay.Results[1].Passed {
		t.Fatalf("the replay with its last line silenced passes: the recordings are not what is played: %+v", replay.Results[1])
	}
	if replay.Unconfirmed != 2 || (Gate{}).Check(replay) == "" {
		t.Fatal("a replay whose outcome nobody confirmed passes the gate")
	}
	broken := copyScript(t, "verify_contact.yaml", map[string][2]string{"verify_contact.yaml": {
		"- {intent: busy, goto: ask_callback}", "- {intent: busy, goto: end_refused}"}})
	cf1, err := LoadCases(out)
	if err != nil {
		t.Fatal(err)
	}
	bad := audioRunOn(t, nil, filepath.Join(dir, "broken-run"), broken, cf1)
	if bad.Passed != 0 || !strings.Contains(bad.Results[0].Reason, "want callback") {
		t.Fatalf("the replay passes against a script with the busy branch changed: %+v", bad.Results)
	}
	t.Logf("replay: %s (%.1f s); silenced: %s; broken script: %s", replay.Results[0].Outcome, replay.Results[0].Seconds,
		replay.Results[1].Reason, bad.Results[0].Reason)
}
