package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/report"
)

const detectUsage = `usage: dozvon detect eval DIR [--json] [--line clean|pcmu|pcma] [--early-greeting 1.5s]
         DIR/<label>/*.wav (+ optional NAME.txt recognizer text); labels: human, voice_assistant, machine, announcement, silence
       dozvon detect file FILE.wav [--text "recognised words"] [--json]
         one recording (e.g. a call's kept first seconds): the verdict, its times and evidence
         (offline the robot's own speech is unknown: a callee silent for 2.5 s is "silence",
         where a live call waits 6 s of the robot's quiet time)`

// cmdDetect runs first-phrase detection tools: `detect eval DIR` and
// `detect file FILE.wav`.
func cmdDetect(ctx context.Context, e env, args []string) int {
	if len(args) > 0 && args[0] == "file" {
		return cmdDetectFile(e, args[1:])
	}
	if len(args) == 0 || args[0] != "eval" {
		fmt.Fprintln(e.stderr, detectUsage)
		return 2
	}
	fs := flag.NewFlagSet("detect eval", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	asJSON := fs.Bool("json", false, `print {"n","accuracy","human_misclassified_rate","confusion","latency_ms","class_latency_ms","nonhuman_latency_ms","first_guess_accuracy","final"} as JSON`)
	lineName := fs.String("line", "clean", "pass the audio through a G.711 line first: clean, pcmu or pcma")
	early := fs.Duration("early-greeting", 0, "speech without an answering word after which no person answered (0: the default, 1.5s)")
	tentative := fs.Bool("tentative", true, "as the robot's call path: an uncertain callee is a person by the deadline, corrected late (false: wait for a sign either way)")
	dirs, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return 2
	}
	if len(dirs) != 1 {
		fmt.Fprintln(e.stderr, "usage: dozvon detect eval DIR [--json] [--line clean|pcmu|pcma] [--early-greeting 1.5s] [--tentative=false]")
		return 2
	}
	line, err := detect.ParseLine(*lineName)
	if err != nil {
		fmt.Fprintf(e.stderr, "dozvon: detect eval: --%v\n", err)
		return 2
	}
	rep, err := detect.EvaluateLine(ctx, dirs[0], detect.Config{EarlyGreeting: *early, TentativePerson: *tentative}, line)
	if err != nil {
		fmt.Fprintf(e.stderr, "dozvon: %v\n", err)
		return 1
	}
	if err := emit(e.stdout, *asJSON, rep, rep.WriteText); err != nil {
		fmt.Fprintf(e.stderr, "dozvon: detect eval: %v\n", err)
		return 1
	}
	return 0
}

// cmdDetectFile classifies one WAV file: `detect file FILE.wav [--text T]`.
// Without --text the sidecar FILE.txt is used when present, else the audio
// alone (tones, timing).
func cmdDetectFile(e env, args []string) int {
	fs := flag.NewFlagSet("detect file", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	text := fs.String("text", "", "the recognizer's text for the recording (default: FILE.txt next to it, if any)")
	asJSON := fs.Bool("json", false, "print the decision as JSON")
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(files) != 1 {
		fmt.Fprintln(e.stderr, detectUsage)
		return 2
	}
	var d detect.Decision
	source, textSet := "--text", false
	fs.Visit(func(f *flag.Flag) { textSet = textSet || f.Name == "text" })
	if textSet {
		d, err = detect.ClassifyFileText(files[0], *text, detect.Config{})
	} else {
		source = "sidecar text if any, else audio alone"
		d, err = detect.EvaluateFile(files[0], detect.Config{})
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "dozvon: %v\n", err)
		return 1
	}
	err = emit(e.stdout, *asJSON, d.JSON(), func(w io.Writer) error {
		fmt.Fprintf(w, "%s (text: %s)\n", files[0], source)
		report.WriteDetection(w, &d)
		return nil
	})
	if err != nil {
		fmt.Fprintf(e.stderr, "dozvon: detect file: %v\n", err)
		return 1
	}
	return 0
}
