package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"

	"github.com/dozvon/dozvon/detect"
)

// cmdDetect runs first-phrase detection tools: `detect eval DIR [--json]`.
func cmdDetect(ctx context.Context, e env, args []string) int {
	if len(args) == 0 || args[0] != "eval" {
		fmt.Fprintln(e.stderr, "usage: dozvon detect eval DIR [--json] [--line clean|pcmu|pcma] [--early-greeting 1.5s]\n  DIR/<label>/*.wav (+ optional NAME.txt recognizer text); labels: human, voice_assistant, machine, announcement, silence")
		return 2
	}
	fs := flag.NewFlagSet("detect eval", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	asJSON := fs.Bool("json", false, `print {"n","accuracy","human_misclassified_rate","confusion","latency_ms","class_latency_ms","nonhuman_latency_ms","first_guess_accuracy"} as JSON`)
	lineName := fs.String("line", "clean", "pass the audio through a G.711 line first: clean, pcmu or pcma")
	early := fs.Duration("early-greeting", 0, "speech without an answering word after which no person answered (0: the default, 1.5s)")
	// accept the flag before or after DIR
	var dirs []string
	rest := args[1:]
	for len(rest) > 0 {
		if err := fs.Parse(rest); err != nil {
			return 2
		}
		rest = fs.Args()
		if len(rest) > 0 {
			dirs = append(dirs, rest[0])
			rest = rest[1:]
		}
	}
	if len(dirs) != 1 {
		fmt.Fprintln(e.stderr, "usage: dozvon detect eval DIR [--json] [--line clean|pcmu|pcma] [--early-greeting 1.5s]")
		return 2
	}
	line, err := detect.ParseLine(*lineName)
	if err != nil {
		fmt.Fprintf(e.stderr, "dozvon: detect eval: --%v\n", err)
		return 2
	}
	rep, err := detect.EvaluateLine(ctx, dirs[0], detect.Config{EarlyGreeting: *early}, line)
	if err != nil {
		fmt.Fprintf(e.stderr, "dozvon: %v\n", err)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(e.stderr, "dozvon: detect eval: %v\n", err)
			return 1
		}
		return 0
	}
	if err := rep.WriteText(e.stdout); err != nil {
		fmt.Fprintf(e.stderr, "dozvon: detect eval: %v\n", err)
		return 1
	}
	return 0
}
