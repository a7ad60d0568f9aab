package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/testcalls"
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
	fail := func(err error) int {
		fmt.Fprintln(e.stderr, "dozvon bench detect:", err)
		return 2
	}
	if len(dirs) != 1 {
		fmt.Fprintln(e.stderr, "usage: dozvon bench detect DIR [--channels N] [--json]  (DIR as for detect eval)")
		return 2
	}
	set, err := detect.LoadSet(dirs[0])
	if err != nil {
		return fail(err)
	}
	cfg, err := loadConfig(*cfgPath, e.getenv)
	if err != nil {
		return fail(err)
	}
	work, err := os.MkdirTemp("", "dozvon-bench-detect-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(work)
	loop := []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}}
	cfg.Store.DSN = "sqlite:" + filepath.Join(work, "dozvon.db")
	cfg.SIP.RecordDir = ""
	cfg.SIP.Listen = loop
	if cfg.ASR.Engine == "vosk" && cfg.ASR.Model == "" {
		if _, err := findModel(); err != nil {
			cfg.ASR.Engine = "simulated"
		}
	}
	sc, err := scripts.Load(*scriptPath)
	if err != nil {
		return fail(err)
	}
	log := newLogger(e.stderr, slog.LevelError)
	rt, err := newRuntime(ctx, cfg, log, nil)
	if err != nil {
		return fail(err)
	}
	defer rt.close()
	phones, err := testcalls.NewCallee(ctx, telephony.Config{Name: "phones", Listen: loop}, rt.voice, log)
	if err != nil {
		return fail(err)
	}
	ua, err := telephony.New(ctx, cfg.SIP, log)
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(e.stderr, "bench detect: %d recordings from %s as callee answers over loopback SIP, %d at a time, ASR %s\n",
		len(set), dirs[0], *channels, cfg.ASR.Engine)

	files := make([]detect.FileResult, len(set))
	var undecided int
	var mu sync.Mutex
	sem := make(chan struct{}, max(1, *channels))
	var wg sync.WaitGroup
	started := time.Now()
	for i, smp := range set {
		// the phone answers with the recording, stays quiet 3 s after the
		// robot's prompt, then hangs up: the verdict is all this measures
		uri := phones.Phone(fmt.Sprintf("rec-%d", i), testcalls.Behaviour{Ring: 100 * time.Millisecond,
			GreetingAudio: smp.Audio, GreetingText: smp.Text, Steps: []testcalls.Step{{Silence: 3 * time.Second}, {Hangup: true}}})
		req := simulatedPhoneCall(uri, sc, mustZone("Europe/Moscow"), phones, "Иванов Иван Иванович", "Иван")
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			rep := rt.placeCall(ctx, ua, req)
			mu.Lock()
			defer mu.Unlock()
			fr := detect.FileResult{Path: smp.Path, Label: smp.Label}
			if d := rep.Result.Detection; d != nil {
				fr.Decision = *d
			} else {
				// no verdict before the call ended: counted as wrong, at the call's length
				undecided++
				fr.Decision = detect.Decision{Class: "none", At: rep.Duration, SettledAt: rep.Duration}
			}
			files[i] = fr
		}()
	}
	wg.Wait()
	rep := detect.Summarise(files)
	if *asJSON {
		if err := json.NewEncoder(e.stdout).Encode(rep); err != nil {
			return fail(err)
		}
		return 0
	}
	fmt.Fprintf(e.stdout, "live calls: %d in %.0fs, %d ended without a verdict\n", len(files), time.Since(started).Seconds(), undecided)
	if err := rep.WriteText(e.stdout); err != nil {
		return fail(err)
	}
	return 0
}
