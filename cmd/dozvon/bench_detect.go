package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/config"
	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/loadtest"
	"github.com/dozvon/dozvon/scripts"
)

// benchDetect runs first-phrase detection on live calls: each labelled
// recording of DIR is the simulated callee's answer to a robot call over
// loopback SIP/RTP (the robot greets as it would, so its greeting overlaps
// the recording), and the robot's verdicts are reported like `detect eval`.
// Recognition is the labelled stand-in (the sidecar's words, released over
// the recording's speech as the robot's VAD feeds it) unless a Vosk model is
// configured.
func benchDetect(ctx context.Context, e env, args []string) int {
	fs := flag.NewFlagSet("bench detect", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	channels := fs.Int("channels", 8, "calls in parallel")
	scriptPath := fs.String("script", "scripts/verify_contact.yaml", "dialogue script the robot runs")
	cfgPath := fs.String("config", "", "config file (default dozvon.yaml if present)")
	asJSON := fs.Bool("json", false, "print the report as JSON (the detect eval shape)")
	dirs, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	fail := e.fail("bench detect", 2)
	if len(dirs) != 1 {
		fmt.Fprintln(e.stderr, "usage: dozvon bench detect DIR [--channels N] [--json]  (DIR as for detect eval)")
		return 2
	}
	set, err := detect.LoadSet(dirs[0])
	if err != nil {
		return fail(err)
	}
	cfg, err := config.Load(*cfgPath, e.getenv)
	if err != nil {
		return fail(err)
	}
	work, err := os.MkdirTemp("", "dozvon-bench-detect-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(work)
	if err := loopback(&cfg, work); err != nil {
		return fail(err)
	}
	cfg.SIP.RecordDir = ""
	sc, err := scripts.Load(*scriptPath)
	if err != nil {
		return fail(err)
	}
	rt, _, flow, phones, err := wireSim(ctx, cfg, newLogger(e.stderr, slog.LevelError), nil)
	if err != nil {
		return fail(err)
	}
	defer rt.close()
	fmt.Fprintf(e.stderr, "bench detect: %d recordings from %s as callee answers over loopback SIP, %d at a time, ASR %s\n",
		len(set), dirs[0], *channels, cfg.ASR.Engine)
	started := time.Now()
	files, undecided := loadtest.DetectLive(ctx, flow, phones, set, callflow.Request{ScriptDoc: sc, Location: compliance.DialogueZone(""),
		RingTimeout: 5 * time.Second, Recognizer: rt.standIn(phones), Vars: callflow.Vars("", "Иванов Иван Иванович", "Иван")}, *channels)
	rep := detect.Summarise(files)
	err = emit(e.stdout, *asJSON, rep, func(w io.Writer) error {
		fmt.Fprintf(w, "live calls: %d in %.0fs, %d ended without a verdict\n", len(files), time.Since(started).Seconds(), undecided)
		return rep.WriteText(w)
	})
	if err != nil {
		return fail(err)
	}
	return 0
}
