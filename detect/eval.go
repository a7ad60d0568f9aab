package detect

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/internal/stats"
	"github.com/dozvon/dozvon/media"
)

// Report is the outcome of evaluating the classifier on a labelled set.
// Its JSON form is the one `dozvon detect eval --json` prints.
type Report struct {
	N                      int     `json:"n"`
	Accuracy               float64 `json:"accuracy"`
	HumanMisclassifiedRate float64 `json:"human_misclassified_rate"`
	// AccuracyCI95 and HumanMissCI95 are 95 % Wilson score intervals [low, high] of the two
	// rates: a set of a few dozen files pins a rate down only that far.
	AccuracyCI95  [2]float64                `json:"accuracy_ci95"`
	HumanMissCI95 [2]float64                `json:"human_misclassified_ci95"`
	Confusion     map[string]map[string]int `json:"confusion"`
	// LatencyMS is when the classifier knew whether a person answered (the
	// robot acts then: greets on, or stops and discloses nothing).
	LatencyMS Latency `json:"latency_ms"`
	// ClassLatencyMS is when the class itself was final (later than
	// LatencyMS for non-humans first recognised by their greeting's length).
	ClassLatencyMS Latency `json:"class_latency_ms"`
	// NonHumanLatencyMS is LatencyMS over the files that are not a person:
	// how soon the robot stops talking to a machine (a person's verdict
	// holds nothing back: the robot greets from the answer on).
	NonHumanLatencyMS Latency `json:"nonhuman_latency_ms"`
	// FirstGuessAccuracy is the share of files whose class was already
	// right at LatencyMS (for a verdict settled later: its provisional class).
	FirstGuessAccuracy float64 `json:"first_guess_accuracy"`
	// Final is the call as the call path ends it when it acts on late
	// corrections (robot/firstphrase.go): the class after a correction, and
	// when it was known.
	Final FinalFigures `json:"final"`
	Files []FileResult `json:"-"`
}

// FinalFigures are the figures of the class the call ends as, a late
// correction of a person verdict included.
type FinalFigures struct {
	Accuracy     float64    `json:"accuracy"`
	AccuracyCI95 [2]float64 `json:"accuracy_ci95"`
	// PersonsLost counts persons whose final class is not a person, of
	// them CorrectedPersons by a late correction.
	PersonsLost      int `json:"persons_lost"`
	Persons          int `json:"persons"`
	Corrections      int `json:"corrections"`
	CorrectedPersons int `json:"corrected_persons"`
	// SettledMS is when the final class was known: the correction's time
	// for a corrected call, the settled verdict's otherwise.
	SettledMS Latency `json:"settled_ms"`
}

// FinalClass is the class the call ends as: the late correction's if any.
func (f FileResult) FinalClass() Class {
	if f.Late != nil {
		return f.Late.Class
	}
	return f.Decision.Class
}

// Latency holds decision-latency percentiles in milliseconds of audio time.
type Latency struct {
	P50 int64 `json:"p50"`
	P95 int64 `json:"p95"`
}

// FileResult is one evaluated file.
type FileResult struct {
	Path     string
	Label    Class
	Decision Decision
	// Late is the classifier's late correction of a person verdict
	// (Classifier.Correction), nil without one. It does not enter the
	// figures above: the call path acts on the first verdict.
	Late *Decision
}

// Recognizer simulation used by the evaluation: utterances are cut by the
// robot's VAD (asr.Segmenter, final result on its SpeechEnd); words of the
// sidecar text are spread over each utterance's speech frames (in proportion
// to their letters) and show up as partial results partialLag after they were
// spoken, the usual order of magnitude of a streaming Vosk recognizer.
const (
	partialLag  = 300 * time.Millisecond
	evalPadding = time.Second // silence fed after MaxAnalysis at most
)

// Line is how the evaluation passes each file's audio before classifying it:
// as is, or through a G.711 codec and back, as a phone line delivers it.
type Line string

// Lines the evaluation can simulate.
const (
	LineClean Line = ""     // the file's 16-bit samples as they are
	LinePCMU  Line = "pcmu" // G.711 μ-law round trip
	LinePCMA  Line = "pcma" // G.711 A-law round trip
)

// ParseLine accepts "", "clean", "pcmu" or "pcma".
func ParseLine(s string) (Line, error) {
	switch s {
	case "", "clean":
		return LineClean, nil
	case "pcmu", "pcma":
		return Line(s), nil
	}
	return "", fmt.Errorf("line %q: want clean, pcmu or pcma", s)
}

// through returns samples as they come out of the line.
func (l Line) through(samples []int16) []int16 {
	switch l {
	case LineClean:
		return samples
	case LinePCMA:
		return media.PCMA.RoundTrip(samples)
	}
	return media.PCMU.RoundTrip(samples)
}

// Evaluate runs the classifier over DIR/<label>/*.wav, feeding each file
// through the same streaming path as a live call: 20 ms frames after answer,
// the optional sidecar NAME.txt as recognizer text (see the simulation
// constants above), and silence after the file ends until a decision.
func Evaluate(ctx context.Context, dir string, cfg Config) (Report, error) {
	return EvaluateLine(ctx, dir, cfg, LineClean)
}

// EvaluateLine is Evaluate with each file's audio passed through line first.
func EvaluateLine(ctx context.Context, dir string, cfg Config, line Line) (Report, error) {
	set, err := LoadSet(dir)
	if err != nil {
		return Report{}, err
	}
	files := make([]FileResult, 0, len(set))
	for _, smp := range set {
		if err := ctx.Err(); err != nil {
			return Report{}, fmt.Errorf("detect eval: %w", err)
		}
		d, late, err := classifyStreamLate(line.through(smp.Audio), smp.Text, smp.Robot, cfg)
		if err != nil {
			return Report{}, fmt.Errorf("detect eval: %s: %w", smp.Path, err)
		}
		files = append(files, FileResult{Path: smp.Path, Label: smp.Label, Decision: d, Late: late})
	}
	return Summarise(files), nil
}

// Sample is one labelled recording of a set: DIR/<label>/NAME.wav with the
// recognizer text of its NAME.txt sidecar ("" without one).
type Sample struct {
	Path  string
	Label Class
	Audio []int16 // 8 kHz mono
	Text  string
	// Robot is what the robot said from the answer on, when its echo is in the recording
	// (NAME.robot.txt); zero without one.
	Robot RobotPrompt
}

// RobotPrompt is the robot's greeting played from the answer for For: the classifier is told
// its text (RobotSays) and that the robot is speaking during it, as on a live call.
type RobotPrompt struct {
	For  time.Duration
	Text string
	// Audio is what the robot played from the answer on, at its own level (NAME.robot.pcm:
	// raw 16-bit little-endian 8 kHz mono), fed as the echo reference (RobotFrame); nil
	// without one.
	Audio []int16
}

// robotSidecar reads NAME.robot.txt next to a WAV file: "SECONDS TEXT" on one line.
func robotSidecar(wavPath string) (RobotPrompt, error) {
	side := strings.TrimSuffix(wavPath, filepath.Ext(wavPath)) + ".robot.txt"
	b, err := os.ReadFile(side)
	if errors.Is(err, os.ErrNotExist) {
		return RobotPrompt{}, nil
	}
	if err != nil {
		return RobotPrompt{}, fmt.Errorf("detect eval: %w", err)
	}
	secs, text, ok := strings.Cut(strings.TrimSpace(string(b)), " ")
	f, perr := strconv.ParseFloat(secs, 64)
	if !ok || perr != nil || f <= 0 || f > 60 || !utf8.ValidString(text) || strings.TrimSpace(text) == "" {
		return RobotPrompt{}, fmt.Errorf("detect eval: %s: want \"SECONDS TEXT\" (the robot's greeting and how long it plays), got %.40q", side, b)
	}
	rp := RobotPrompt{For: time.Duration(f * float64(time.Second)), Text: strings.TrimSpace(text)}
	raw, err := os.ReadFile(strings.TrimSuffix(side, ".txt") + ".pcm")
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return RobotPrompt{}, fmt.Errorf("detect eval: %w", err)
	case len(raw)%2 != 0:
		return RobotPrompt{}, fmt.Errorf("detect eval: %s.pcm: odd length %d, want 16-bit samples", strings.TrimSuffix(side, ".txt"), len(raw))
	default:
		rp.Audio = make([]int16, len(raw)/2)
		for i := range rp.Audio {
			rp.Audio[i] = int16(binary.LittleEndian.Uint16(raw[2*i:]))
		}
	}
	return rp, nil
}

// LoadSet reads DIR/<label>/*.wav and their sidecars, by label then name.
// A directory that is not a label, a broken WAV or a sidecar that is not
// UTF-8 is an error naming it.
func LoadSet(dir string) ([]Sample, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("detect eval: %w", err)
	}
	var out []Sample
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		label, err := ParseClass(e.Name())
		if err != nil {
			return nil, fmt.Errorf("detect eval: %s: %w", filepath.Join(dir, e.Name()), err)
		}
		wavs, err := filepath.Glob(filepath.Join(dir, e.Name(), "*.wav"))
		if err != nil {
			return nil, fmt.Errorf("detect eval: %w", err)
		}
		sort.Strings(wavs)
		for _, p := range wavs {
			audio, err := readWAV(p)
			if err != nil {
				return nil, err
			}
			text, err := sidecarText(p)
			if err != nil {
				return nil, err
			}
			robot, err := robotSidecar(p)
			if err != nil {
				return nil, err
			}
			out = append(out, Sample{Path: p, Label: label, Audio: audio, Text: text, Robot: robot})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("detect eval: %s: no <label>/*.wav files", dir)
	}
	return out, nil
}

// sidecarText reads NAME.txt next to a WAV file ("" when there is none).
func sidecarText(wavPath string) (string, error) {
	side := strings.TrimSuffix(wavPath, filepath.Ext(wavPath)) + ".txt"
	b, err := os.ReadFile(side)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("detect eval: %w", err)
	}
	if !utf8.Valid(b) {
		return "", fmt.Errorf("detect eval: %s: sidecar text is not UTF-8", side)
	}
	return strings.TrimSpace(string(b)), nil
}

// Summarise builds the report (confusion, accuracy, latencies) from
// classified files — those of Evaluate, or verdicts taken on live calls.
func Summarise(files []FileResult) Report {
	r := Report{Confusion: map[string]map[string]int{}, Files: files}
	r.summarise()
	return r
}

func (r *Report) summarise() {
	var correct, firstRight, humans, humanMiss int
	lat := make([]time.Duration, 0, len(r.Files))
	classLat := make([]time.Duration, 0, len(r.Files))
	var nonHumanLat []time.Duration
	for _, f := range r.Files {
		row := r.Confusion[string(f.Label)]
		if row == nil {
			row = map[string]int{}
			r.Confusion[string(f.Label)] = row
		}
		row[string(f.Decision.Class)]++
		if f.Decision.Class == f.Label {
			correct++
		}
		if f.Label == Human {
			humans++
			if f.Decision.Class != Human {
				humanMiss++
			}
		}
		if f.Decision.FirstClass() == f.Label {
			firstRight++
		}
		lat = append(lat, f.Decision.At)
		classLat = append(classLat, f.Decision.SettledAt)
		if f.Label != Human {
			nonHumanLat = append(nonHumanLat, f.Decision.At)
		}
	}
	r.N = len(r.Files)
	r.Accuracy = round4(float64(correct) / float64(r.N))
	r.AccuracyCI95 = Wilson(correct, r.N)
	r.HumanMissCI95 = Wilson(humanMiss, humans)
	r.FirstGuessAccuracy = round4(float64(firstRight) / float64(r.N))
	if humans > 0 {
		r.HumanMisclassifiedRate = round4(float64(humanMiss) / float64(humans))
	}
	r.LatencyMS = latencyOf(lat)
	r.ClassLatencyMS = latencyOf(classLat)
	var finalRight int
	finalLat := make([]time.Duration, 0, len(r.Files))
	for _, f := range r.Files {
		at := f.Decision.SettledAt
		if f.Late != nil {
			r.Final.Corrections++
			at = f.Late.At
			if f.Label == Human {
				r.Final.CorrectedPersons++
			}
		}
		finalLat = append(finalLat, at)
		if f.FinalClass() == f.Label {
			finalRight++
		}
		if f.Label == Human {
			r.Final.Persons++
			if f.FinalClass() != Human {
				r.Final.PersonsLost++
			}
		}
	}
	if r.N > 0 {
		r.Final.Accuracy = round4(float64(finalRight) / float64(r.N))
	}
	r.Final.AccuracyCI95 = Wilson(finalRight, r.N)
	r.Final.SettledMS = latencyOf(finalLat)
	r.NonHumanLatencyMS = latencyOf(nonHumanLat)
}

// Wilson is the 95 % Wilson score interval of k successes in n trials, rounded to four
// places ([0, 0] for n = 0). Unlike the normal approximation it stays inside [0, 1] and is
// honest at k = 0 or k = n, which is where small test sets sit.
func Wilson(k, n int) [2]float64 {
	if n <= 0 {
		return [2]float64{} // no files: the report shows no interval
	}
	lo, hi := stats.Wilson(k, n)
	return [2]float64{round4(lo), round4(hi)}
}

func latencyOf(d []time.Duration) Latency {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return Latency{P50: stats.Percentile(d, 50).Milliseconds(), P95: stats.Percentile(d, 95).Milliseconds()}
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// WriteText prints the confusion matrix, accuracy, the human miss rate,
// latency percentiles and the misclassified files with their evidence.
func (r Report) WriteText(w io.Writer) error {
	var b strings.Builder
	// ivr and fax are shown only when the set or a decision has them
	var shown []Class
	for _, c := range Classes() {
		used := c != IVR && c != Fax
		for _, f := range r.Files {
			used = used || f.Label == c || f.Decision.Class == c
		}
		if used {
			shown = append(shown, c)
		}
	}
	fmt.Fprintf(&b, "files: %d\nconfusion (rows: true label, columns: decided):\n%-16s", r.N, "")
	for _, c := range shown {
		fmt.Fprintf(&b, " %15s", c)
	}
	b.WriteString("\n")
	var humans, correct int
	for _, l := range shown {
		fmt.Fprintf(&b, "%-16s", l)
		for _, c := range shown {
			n := r.Confusion[string(l)][string(c)]
			fmt.Fprintf(&b, " %15d", n)
			if l == c {
				correct += n
			}
			if l == Human {
				humans += n
			}
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "accuracy: %.1f%% (%d/%d), 95%% Wilson interval %.1f–%.1f%%\n", 100*r.Accuracy, correct, r.N, 100*r.AccuracyCI95[0], 100*r.AccuracyCI95[1])
	fmt.Fprintf(&b, "humans taken for non-humans: %.1f%% (of %d), 95%% Wilson interval %.1f–%.1f%%\n", 100*r.HumanMisclassifiedRate, humans, 100*r.HumanMissCI95[0], 100*r.HumanMissCI95[1])
	fmt.Fprintf(&b, "decision latency, person or not (audio time since answer): p50 %d ms, p95 %d ms\n", r.LatencyMS.P50, r.LatencyMS.P95)
	fmt.Fprintf(&b, "class settled (audio time since answer):                  p50 %d ms, p95 %d ms\n", r.ClassLatencyMS.P50, r.ClassLatencyMS.P95)
	fmt.Fprintf(&b, "decision latency, non-humans only:                        p50 %d ms, p95 %d ms\n", r.NonHumanLatencyMS.P50, r.NonHumanLatencyMS.P95)
	fmt.Fprintf(&b, "class right already at the decision: %.1f%%\n", 100*r.FirstGuessAccuracy)
	var lateN, lateWrongPerson, lateRight, correctIfActed int
	for _, f := range r.Files {
		cls := f.Decision.Class
		if f.Late != nil {
			lateN++
			cls = f.Late.Class
			switch {
			case f.Label == Human:
				lateWrongPerson++
			case f.Late.Class == f.Label:
				lateRight++
			}
		}
		if cls == f.Label {
			correctIfActed++
		}
	}
	fin := r.Final
	fmt.Fprintf(&b, "final class, late corrections acted on (the call path does): accuracy %.1f%% (%d/%d), 95%% Wilson interval %.1f–%.1f%%; persons lost %d of %d, of them by a correction %d; class known p50 %d ms, p95 %d ms\n",
		100*fin.Accuracy, correctIfActed, r.N, 100*fin.AccuracyCI95[0], 100*fin.AccuracyCI95[1], fin.PersonsLost, fin.Persons, fin.CorrectedPersons, fin.SettledMS.P50, fin.SettledMS.P95)
	if lateN > 0 {
		fmt.Fprintf(&b, "late corrections of a person verdict (not in the figures above): %d, right class %d, persons %d; accuracy if acted on %.1f%% (%d/%d)\n",
			lateN, lateRight, lateWrongPerson, 100*float64(correctIfActed)/float64(r.N), correctIfActed, r.N)
	}
	for _, l := range Classes() {
		var lat, cl []time.Duration
		for _, f := range r.Files {
			if f.Label == l {
				lat = append(lat, f.Decision.At)
				cl = append(cl, f.Decision.SettledAt)
			}
		}
		if len(lat) == 0 {
			continue
		}
		d, s := latencyOf(lat), latencyOf(cl)
		fmt.Fprintf(&b, "  %-16s decision p50 %5d ms, p95 %5d ms; class p50 %5d ms, p95 %5d ms (n=%d)\n", l, d.P50, d.P95, s.P50, s.P95, len(lat))
	}
	for _, f := range r.Files {
		if f.Late != nil {
			fmt.Fprintf(&b, "LATE %s: %s, person at %d ms → %s at %d ms: %s\n", f.Path, f.Label, f.Decision.At.Milliseconds(), f.Late.Class,
				f.Late.At.Milliseconds(), f.Late.Evidence[len(f.Late.Evidence)-1])
		}
	}
	for _, f := range r.Files {
		if f.Decision.Class == f.Label {
			continue
		}
		fmt.Fprintf(&b, "MISS %s: %s → %s (%.2f at %d ms, settled at %d ms): %s\n", f.Path, f.Label, f.Decision.Class,
			f.Decision.Confidence, f.Decision.At.Milliseconds(), f.Decision.SettledAt.Milliseconds(), strings.Join(f.Decision.Evidence, "; "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// EvaluateFile classifies one 8 kHz mono 16-bit WAV file; NAME.txt next to it,
// if present, is the recognizer text for that file.
func EvaluateFile(path string, cfg Config) (Decision, error) {
	return evaluateFile(path, cfg, LineClean)
}

// ClassifyFileText classifies one 8 kHz mono 16-bit WAV file with the given
// recognizer text (no sidecar lookup; "" for audio alone), released over the
// audio as in Evaluate.
func ClassifyFileText(path, text string, cfg Config) (Decision, error) {
	samples, err := readWAV(path)
	if err != nil {
		return Decision{}, err
	}
	d, err := classifyStream(samples, strings.TrimSpace(text), cfg)
	if err != nil {
		return Decision{}, fmt.Errorf("detect: %s: %w", path, err)
	}
	return d, nil
}

func evaluateFile(path string, cfg Config, line Line) (Decision, error) {
	samples, err := readWAV(path)
	if err != nil {
		return Decision{}, err
	}
	text, err := sidecarText(path)
	if err != nil {
		return Decision{}, err
	}
	robot, err := robotSidecar(path)
	if err != nil {
		return Decision{}, err
	}
	d, err := classifyStreamRobot(line.through(samples), text, robot, cfg)
	if err != nil {
		return Decision{}, fmt.Errorf("detect eval: %s: %w", path, err)
	}
	return d, nil
}

// readWAV reads an evaluation file: 8 kHz mono 16-bit PCM, as calls record it.
func readWAV(path string) ([]int16, error) {
	w, err := media.ReadWAVFile(path)
	if err != nil {
		return nil, fmt.Errorf("detect: %w", err)
	}
	if w.Rate != SampleRate || w.Channels != 1 || w.Bits != 16 || w.Format != media.WAVFormatPCM {
		return nil, fmt.Errorf("detect: %s: %d Hz, %d channel(s), %d bit, format tag %d; want 8000 Hz mono 16-bit PCM",
			path, w.Rate, w.Channels, w.Bits, w.Format)
	}
	return w.Samples, nil
}

const evalFrame = SampleRate / 50 // 20 ms

// textEvent is one simulated recognizer result.
// TextEvent is one result of the evaluation's simulated recognizer: a
// partial or final text At audio time after the answer.
type TextEvent struct {
	At    time.Duration
	Text  string
	Final bool
}

// SimulatedRecognizer is the timed text the evaluation feeds the classifier
// for a file's audio and its sidecar text (see the simulation constants
// above), for test doubles of a streaming recognizer that must time their
// results as the evaluation's figures assume.
func SimulatedRecognizer(samples []int16, text string) []TextEvent {
	var out []TextEvent
	for _, e := range simulateRecognizer(samples, text) {
		out = append(out, TextEvent{At: e.at, Text: e.text, Final: e.final})
	}
	return out
}

type textEvent struct {
	at    time.Duration
	text  string
	final bool
}

// classifyStream feeds samples frame by frame and delivers the simulated
// recognizer events when their audio time has come.
func classifyStream(samples []int16, text string, cfg Config) (Decision, error) {
	return classifyStreamRobot(samples, text, RobotPrompt{}, cfg)
}

// classifyStreamRobot is classifyStream with the robot greeting from the
// answer on (its echo is in samples): the classifier hears what the robot
// says and when it is speaking.
func classifyStreamRobot(samples []int16, text string, robot RobotPrompt, cfg Config) (Decision, error) {
	d, _, err := classifyStreamLate(samples, text, robot, cfg)
	return d, err
}

// classifyStreamLate is classifyStreamRobot that, after a person verdict,
// keeps feeding the classifier while it watches the first phrase and
// returns its late correction too (nil without one).
func classifyStreamLate(samples []int16, text string, robot RobotPrompt, cfg Config) (Decision, *Decision, error) {
	events := simulateRecognizer(samples, text)
	c := New(cfg)
	if robot.Text != "" {
		c.RobotSays(robot.Text)
	}
	// MaxAnalysis counts from the first sound, which may come late in the file
	limit := frameDur(len(samples)) + c.cfg.MaxAnalysis + evalPadding
	silent := make([]int16, evalFrame)
	var t time.Duration
	next := 0
	for i := 0; t < limit; i += evalFrame {
		frame := silent
		if i+evalFrame <= len(samples) {
			frame = samples[i : i+evalFrame]
		}
		if robot.Audio != nil {
			var out []int16
			if i+evalFrame <= len(robot.Audio) {
				out = robot.Audio[i : i+evalFrame]
			}
			c.RobotFrame(out)
		}
		c.Frame(frame, t < robot.For)
		t += frameDur(evalFrame)
		for next < len(events) && events[next].at <= t {
			c.Text(events[next].text, events[next].final)
			next++
		}
		if d, ok := c.Decision(); ok && d.Settled && !c.watching() {
			if late, ok := c.Correction(); ok {
				return d, &late, nil
			}
			return d, nil, nil
		}
	}
	if d, ok := c.Decision(); ok && d.Settled {
		return d, nil, nil // still watching when the audio ran out
	}
	return Decision{}, nil, errors.New("the classifier settled no class within the analysis time")
}

// simulateRecognizer turns a file's sidecar text into timed partial and final
// results, as a streaming recognizer would produce them for that audio.
func simulateRecognizer(samples []int16, text string) []textEvent {
	words := strings.Fields(text)
	if len(words) == 0 {
		return nil
	}
	step := frameDur(evalFrame)
	// Utterances and their final results come from the robot's own VAD,
	// asr.Segmenter: the media loop calls the recognizer's Final on its
	// SpeechEnd (or MaxLength). The file is followed by silence, as in eval.
	seg, err := asr.NewSegmenter(asr.DefaultVADConfig())
	if err != nil {
		return nil // the default config is valid; nothing to simulate otherwise
	}
	startLag := int(asr.DefaultVADConfig().StartVoiced/step) - 1
	an := newAnalyzer()
	silent := make([]int16, evalFrame)
	type utt struct {
		start, end int // frame indices, end exclusive
		finalAt    time.Duration
	}
	var utts []utt
	var speech []bool
	open := false
	padded := len(samples)/evalFrame + int(2*time.Second/step)
	for k := range padded {
		frame := silent
		if i := k * evalFrame; i+evalFrame <= len(samples) {
			frame = samples[i : i+evalFrame]
		}
		fi := an.analyze(frame)
		speech = append(speech, fi.voiced && !fi.tonal)
		switch ev, _ := seg.Push(frame); ev {
		case asr.SpeechStart:
			utts = append(utts, utt{start: max(k-startLag, 0)})
			open = true
		case asr.SpeechEnd, asr.MaxLength:
			if open {
				utts[len(utts)-1].end = k + 1
				utts[len(utts)-1].finalAt = time.Duration(k+1) * step
				open = false
			}
		}
	}
	if open {
		utts[len(utts)-1].end = padded
		utts[len(utts)-1].finalAt = time.Duration(padded) * step
	}
	fileEnd := time.Duration(len(samples)/evalFrame) * step
	if len(utts) == 0 {
		return []textEvent{{at: fileEnd, text: text, final: true}}
	}
	// Words go to utterances first: an utterance takes words while their
	// letters stay within its share of the speech (plus half a word), so a
	// short "алё" before a long pause keeps its own word. Within an
	// utterance, words are spread over its speech frames by letters.
	uttFrames := make([][]int, len(utts))
	var totalFrames int
	for u, ut := range utts {
		for k := ut.start; k < ut.end; k++ {
			if speech[k] {
				uttFrames[u] = append(uttFrames[u], k)
			}
		}
		if len(uttFrames[u]) == 0 { // the VAD heard speech the frame features did not
			uttFrames[u] = append(uttFrames[u], ut.start)
		}
		totalFrames += len(uttFrames[u])
	}
	weight := func(w string) int { return utf8.RuneCountInString(w) + 1 }
	var total int
	for _, w := range words {
		total += weight(w)
	}
	perUtt := make([][]string, len(utts))
	var cumLetters, cumFrames int
	wi := 0
	for u := range utts {
		cumFrames += len(uttFrames[u])
		share := float64(cumFrames) / float64(totalFrames) * float64(total)
		for wi < len(words) && (u == len(utts)-1 || float64(cumLetters)+float64(weight(words[wi]))/2 <= share) {
			perUtt[u] = append(perUtt[u], words[wi])
			cumLetters += weight(words[wi])
			wi++
		}
	}
	var events []textEvent
	for u, ws := range perUtt {
		var letters, uttTotal int
		for _, w := range ws {
			uttTotal += weight(w)
		}
		fr := uttFrames[u]
		for i, w := range ws {
			letters += weight(w)
			idx := min(len(fr)-1, int(math.Ceil(float64(letters)/float64(uttTotal)*float64(len(fr))))-1)
			k := fr[max(idx, 0)]
			events = append(events, textEvent{at: time.Duration(k+1)*step + partialLag, text: strings.Join(ws[:i+1], " ")})
		}
	}
	for u, ut := range utts {
		if len(perUtt[u]) == 0 {
			continue
		}
		events = append(events, textEvent{at: ut.finalAt, text: strings.Join(perUtt[u], " "), final: true})
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].at < events[j].at })
	return dropLatePartials(events)
}

// dropLatePartials removes partial results that would arrive after the final
// result that already contains them (the lag can push a last partial past
// the endpoint).
func dropLatePartials(events []textEvent) []textEvent {
	out := events[:0]
	finalSeen := false
	var lastFinal string
	for _, e := range events {
		if !e.final && finalSeen && strings.HasPrefix(lastFinal, e.text) {
			continue
		}
		if e.final {
			finalSeen, lastFinal = true, e.text
		}
		out = append(out, e)
	}
	return out
}
