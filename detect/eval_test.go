package detect

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/internal/stats"
)

// TestEvaluateLabelledSets runs the evaluation on the committed labelled
// sets and holds them to the quality figures of issue 6: accuracy >= 98 %,
// humans taken for non-humans <= 1 %, decision latency p95 <= 2.5 s. "set" is
// the tuning set; "holdout" was generated from texts, voices, noise and beeps
// not used while tuning (tools/gen-detect-set.sh). Latency is audio time
// since answer, so these figures do not depend on the machine.
//
// The latency is that of the verdict the robot acts on — a person or not
// (Decision.At). For a non-human recognised by a greeting too long for a
// person, the class (assistant, machine…) is settled later, when the word
// that names it is heard; that p95 is logged, not asserted, and so is the
// share of files whose class was already right at the verdict.
func TestEvaluateLabelledSets(t *testing.T) {
	tests := []struct {
		dir            string
		minAccuracy    float64
		maxHumanMissed float64
		maxP95ms       int64
		maxHumanP50    time.Duration
	}{
		// issue 16 round 3: a greeting with no non-human cue waits for a
		// fourth word that is not answering the phone (a person's name or
		// workplace comes first), so the verdict on assistants that name
		// themselves late came later (p95 2.5 → 3.5 s): person safety first
		{dir: "set", minAccuracy: 0.98, maxHumanMissed: 0.01, maxP95ms: 3500, maxHumanP50: 2 * time.Second},
		{dir: "holdout", minAccuracy: 0.98, maxHumanMissed: 0.01, maxP95ms: 3500, maxHumanP50: 2 * time.Second},
		// written after tuning (testdata/README.md): what is asserted there is
		// the safety property — no person taken for a machine — and a floor
		// under the rest; their latency misses the target and is logged
		{dir: "fresh", minAccuracy: 0.9, maxHumanMissed: 0.01, maxP95ms: 4000, maxHumanP50: 2 * time.Second},
		{dir: "blind", minAccuracy: 0.9, maxHumanMissed: 0.01, maxP95ms: 4000, maxHumanP50: 2 * time.Second},
		{dir: "unseen", minAccuracy: 0.9, maxHumanMissed: 0.01, maxP95ms: 4000, maxHumanP50: 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			rep, err := Evaluate(t.Context(), filepath.Join("testdata", tt.dir), Config{})
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			if err := rep.WriteText(&b); err != nil {
				t.Fatal(err)
			}
			t.Logf("%s:\n%s", tt.dir, b.String())
			if rep.Accuracy < tt.minAccuracy {
				t.Errorf("accuracy %.3f < %.2f", rep.Accuracy, tt.minAccuracy)
			}
			if rep.HumanMisclassifiedRate > tt.maxHumanMissed {
				t.Errorf("humans taken for non-humans %.3f > %.2f", rep.HumanMisclassifiedRate, tt.maxHumanMissed)
			}
			if rep.LatencyMS.P95 > tt.maxP95ms {
				t.Errorf("decision latency p95 %d ms > %d ms", rep.LatencyMS.P95, tt.maxP95ms)
			}
			var humans []time.Duration
			for _, f := range rep.Files {
				if f.Label == Human {
					humans = append(humans, f.Decision.At)
					if f.Decision.Provisional != "" || f.Decision.SettledAt != f.Decision.At {
						t.Errorf("%s: a human verdict must be settled when taken: %+v", f.Path, f.Decision)
					}
				}
				if f.Decision.SettledAt < f.Decision.At {
					t.Errorf("%s: class settled at %v before the verdict at %v", f.Path, f.Decision.SettledAt, f.Decision.At)
				}
			}
			sort.Slice(humans, func(i, j int) bool { return humans[i] < humans[j] })
			if p50 := stats.Percentile(humans, 50); p50 > tt.maxHumanP50 {
				t.Errorf("humans decided at p50 %v > %v", p50, tt.maxHumanP50)
			}
		})
	}
}

func TestEvaluateRejectsBadInput(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "robot"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Evaluate(t.Context(), dir, Config{}); err == nil || !strings.Contains(err.Error(), "robot") {
		t.Errorf("unknown label dir: err = %v, want it to name the directory", err)
	}
	dir = t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "human"), 0o755); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "human", "x.wav")
	if err := os.WriteFile(bad, []byte("not a wav"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Evaluate(t.Context(), dir, Config{}); err == nil || !strings.Contains(err.Error(), "x.wav") {
		t.Errorf("broken wav: err = %v, want it to name the file", err)
	}
}

// TestAudioAloneOnRealRecordings classifies real Asterisk recordings of the
// set without their sidecar text: the acoustic signals (beep, SIT, timing)
// must carry these on their own.
func TestAudioAloneOnRealRecordings(t *testing.T) {
	tests := []struct {
		file string
		want Class
	}{
		{"set/machine/ast-vm-intro.wav", Machine},                            // greeting, then the beep
		{"set/machine/ast-vm-isunavail.wav", Machine},                        // "…недоступен", beep
		{"set/announcement/ast-cannot-complete-as-dialed.wav", Announcement}, // SIT first
		{"set/human/ast-hello.wav", Human},                                   // «Здравствуйте!», then waiting
		{"set/human/ast-vm-no-noisy.wav", Human},                             // «нет» on a noisy line
		{"set/silence/s3.wav", Silence},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			samples, err := readWAV(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			d, err := classifyStream(samples, "", Config{})
			if err != nil {
				t.Fatal(err)
			}
			if d.Class != tt.want {
				t.Errorf("class = %s, want %s; evidence %q", d.Class, tt.want, d.Evidence)
			}
		})
	}
}

// TestEvaluateThroughG711: the held-out set heard through a G.711 line (as
// RTP delivers it) keeps the quality figures; the round trip really changes
// the samples.
func TestEvaluateThroughG711(t *testing.T) {
	for _, name := range []string{"pcmu", "pcma"} {
		line, err := ParseLine(name)
		if err != nil {
			t.Fatal(err)
		}
		in := []int16{0, 1, -1, 1000, -1000, 12345, -32768, 32767}
		out := line.through(in)
		changed := false
		for i := range in {
			changed = changed || out[i] != in[i]
			if d := int(out[i]) - int(in[i]); d > 1100 || d < -1100 {
				t.Errorf("%s: %d came out as %d", name, in[i], out[i])
			}
		}
		if !changed {
			t.Errorf("%s: the round trip left every sample as it was", name)
		}
		rep, err := EvaluateLine(t.Context(), filepath.Join("testdata", "holdout"), Config{}, line)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Accuracy < 0.98 || rep.HumanMisclassifiedRate > 0.01 {
			t.Errorf("%s: accuracy %.3f, humans missed %.3f", name, rep.Accuracy, rep.HumanMisclassifiedRate)
		}
	}
	if _, err := ParseLine("g729"); err == nil {
		t.Error(`ParseLine("g729"): no error`)
	}
}

func TestWilson(t *testing.T) {
	t.Parallel()
	// [k, n] → [low, high]
	want := map[[2]int][2]float64{
		{0, 0}:    {0, 0},
		{0, 10}:   {0, 0.2775},      // nothing wrong in ten files still allows 28 %
		{10, 10}:  {0.7225, 1},      // a perfect score on ten files says little
		{36, 37}:  {0.8618, 0.9952}, // one miss in 37
		{81, 100}: {0.7222, 0.8749},
	}
	for kn, w := range want {
		if got := Wilson(kn[0], kn[1]); got != w {
			t.Errorf("Wilson(%d, %d) = %v, want %v", kn[0], kn[1], got, w)
		}
	}
}

// A robot sidecar is read as "SECONDS TEXT"; anything else is an error naming the file.
func TestRobotSidecar(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	wav := filepath.Join(dir, "a.wav")
	if got, err := robotSidecar(wav); err != nil || !reflect.DeepEqual(got, RobotPrompt{}) {
		t.Fatalf("no sidecar: %+v, %v", got, err)
	}
	for _, tt := range []struct {
		body string
		want RobotPrompt
		ok   bool
	}{
		{"2.50 Здравствуйте! Это компания.\n", RobotPrompt{For: 2500 * time.Millisecond, Text: "Здравствуйте! Это компания."}, true},
		{"2.5\n", RobotPrompt{}, false},
		{"abc Здравствуйте", RobotPrompt{}, false},
		{"-1 Здравствуйте", RobotPrompt{}, false},
	} {
		if err := os.WriteFile(filepath.Join(dir, "a.robot.txt"), []byte(tt.body), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := robotSidecar(wav)
		if tt.ok && (err != nil || !reflect.DeepEqual(got, tt.want)) {
			t.Errorf("%q: %+v, %v; want %+v", tt.body, got, err, tt.want)
		}
		if !tt.ok && (err == nil || !strings.Contains(err.Error(), "a.robot.txt")) {
			t.Errorf("%q: error %v, want one naming the file", tt.body, err)
		}
	}
	// the robot's audio next to it: raw 16-bit little-endian samples
	if err := os.WriteFile(filepath.Join(dir, "a.robot.txt"), []byte("1.0 Здравствуйте\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.robot.pcm"), []byte{1, 0, 0xfe, 0xff}, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := robotSidecar(wav); err != nil || !reflect.DeepEqual(got.Audio, []int16{1, -2}) {
		t.Errorf("robot audio: %v, %v; want [1 -2]", got.Audio, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.robot.pcm"), []byte{1, 0, 2}, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := robotSidecar(wav); err == nil || !strings.Contains(err.Error(), "a.robot.pcm") {
		t.Errorf("odd-length robot audio: error %v, want one naming the file", err)
	}
}

// TestEvaluateSources holds the tuning sources of issue 16 (testdata/sources:
// one engine under one kind of line each) to the safety property — no person
// taken for a non-person — and a floor under accuracy. The held-out
// sources are evaluated and logged, never asserted: a failing assertion there
// would invite tuning on them (testdata/sources/README.md); their figures are
// printed by `make test`.
func TestEvaluateSources(t *testing.T) {
	t.Parallel()
	type source struct {
		source   string
		heldOut  bool
		minAcc   float64
		maxP95ms int64
	}
	tests := []source{
		{source: "espeak-voices", minAcc: 0.95, maxP95ms: 3500},
		{source: "festival-g711", minAcc: 0.9, maxP95ms: 4000},
		{source: "asterisk-line", minAcc: 0.9, maxP95ms: 7000}, // echoed greetings: see README
		// silent echoed lines are silence only after the robot's quiet time
		{source: "phone-espeak", minAcc: 0.9, maxP95ms: 5000},
		// the first held-out pair, looked at on 2026-12-06: tuning since
		{source: "heldout-espeak", minAcc: 0.9, maxP95ms: 3500},
		{source: "heldout-phone", minAcc: 0.9, maxP95ms: 7000}, // echoed lines, as asterisk-line
		// round 3: the registers in a tuning pool of their own (T3)
		// round 9: with the robot greeting on every file, persons who talk
		// over it with only answering words wait for the analysis time
		// without TentativePerson (6.28-6.88 s; the call path has it)
		{source: "tuning3-registers", minAcc: 0.9, maxP95ms: 7000},
		{source: "heldout2-voices", heldOut: true},
		{source: "heldout2-line", heldOut: true},
		{source: "heldout3-voices", heldOut: true},
		{source: "heldout3-line", heldOut: true},
	}
	for _, tt := range tests {
		t.Run(tt.source, func(t *testing.T) {
			t.Parallel()
			rep, err := Evaluate(t.Context(), filepath.Join("testdata", "sources", tt.source), Config{})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s (held out %v): accuracy %.3f %v, persons taken for non-persons %.3f %v, verdict p50 %d ms p95 %d ms",
				tt.source, tt.heldOut, rep.Accuracy, rep.AccuracyCI95, rep.HumanMisclassifiedRate, rep.HumanMissCI95, rep.LatencyMS.P50, rep.LatencyMS.P95)
			if tt.heldOut {
				return
			}
			if rep.HumanMisclassifiedRate > 0 {
				t.Errorf("persons taken for non-persons %.3f, want none", rep.HumanMisclassifiedRate)
			}
			if rep.Accuracy < tt.minAcc {
				t.Errorf("accuracy %.3f < %.2f", rep.Accuracy, tt.minAcc)
			}
			// The robot greets on every file (round 9, as on a live call): a
			// silent line is silence only after the greeting and
			// InitialSilence of quiet after it (a person may listen in
			// silence), so the bound is on the lines somebody answered.
			var answered []time.Duration
			for _, f := range rep.Files {
				if f.Label != Silence {
					answered = append(answered, f.Decision.At)
				}
			}
			sort.Slice(answered, func(i, j int) bool { return answered[i] < answered[j] })
			if p95 := latencyOf(answered).P95; p95 > tt.maxP95ms {
				t.Errorf("verdict p95 of the answered lines %d ms > %d ms", p95, tt.maxP95ms)
			}
		})
	}
}

// TestTentativePersonOnTheCallPath: with TentativePerson (the robot's call
// path, which acts on late corrections) the first verdict on the tuning sets
// comes no later than without it and the class the call ends as takes no
// person, at the first verdict or by a correction (the figures of `dozvon
// detect eval`). Corrections need evidence a person cannot give, so
// recordings told only by their length stay persons: final accuracy may
// fall below the rules' own, by at most 10 points on these sets (round 6:
// 0-9).
func TestTentativePersonOnTheCallPath(t *testing.T) {
	for _, dir := range []string{"set", "holdout", "sources/espeak-voices", "sources/phone-espeak"} {
		t.Run(dir, func(t *testing.T) {
			base, err := Evaluate(t.Context(), filepath.Join("testdata", dir), Config{})
			if err != nil {
				t.Fatal(err)
			}
			tent, err := Evaluate(t.Context(), filepath.Join("testdata", dir), Config{TentativePerson: true})
			if err != nil {
				t.Fatal(err)
			}
			// silent lines carrying the robot's echo still wait for the
			// silence rules (no tentative person rests on echo bits), so the
			// first verdict is not by 2.5 s on every source; it is never later
			if tent.LatencyMS.P95 > base.LatencyMS.P95 {
				t.Errorf("first verdict p95 %d ms, without tentative persons %d ms", tent.LatencyMS.P95, base.LatencyMS.P95)
			}
			if tent.Final.PersonsLost > 0 || tent.Final.CorrectedPersons > 0 {
				t.Errorf("final %+v: want no person lost or corrected", tent.Final)
			}
			if tent.Final.Accuracy < base.Final.Accuracy-0.10 {
				t.Errorf("final %+v, without tentative persons %+v: want at most 10 points less", tent.Final, base.Final)
			}
		})
	}
}
