package main

import (
	"context"
	"flag"
	"fmt"
	"github.com/dozvon/dozvon/clock"
	"log/slog"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/telephony"
)

// cmdServe answers inbound calls with a script. Calls the debtor places to
// us are not creditor-initiated interactions, so the 230-FZ frequency limits
// do not apply to them; they are recorded and stored like any other call.
func cmdServe(ctx context.Context, e env, args []string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	scriptPath := fs.String("script", "scripts/verify_contact.yaml", "dialogue script for inbound calls (reloaded for new calls when the file changes)")
	cfgPath := fs.String("config", "", "config file (default dozvon.yaml if present)")
	asrEngine := fs.String("asr", "", "recognizer: vosk or dtmf")
	tz := fs.String("tz", "Europe/Moscow", "time zone for dates in the dialogue")
	verbose := fs.Bool("v", false, "debug logging")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, err := loadConfig(*cfgPath, e.getenv)
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon serve:", err)
		return 2
	}
	if *asrEngine != "" {
		cfg.ASR.Engine = *asrEngine
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		fmt.Fprintf(e.stderr, "dozvon serve: --tz %q: %v\n", *tz, err)
		return 2
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := newLogger(e.stderr, level)
	reg := scripts.NewRegistry()
	if _, err := reg.Get(*scriptPath); err != nil {
		fmt.Fprintln(e.stderr, "dozvon serve:", err)
		return 2
	}
	rt, err := newRuntime(ctx, cfg, log, clock.System{})
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon serve:", err)
		return 2
	}
	defer rt.close()
	ua, err := telephony.New(ctx, cfg.SIP, log)
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon serve:", err)
		return 2
	}
	err = ua.Serve(ctx, func(cctx context.Context, in *telephony.Inbound) {
		sc, err := reg.Get(*scriptPath)
		if sc == nil {
			log.Error("no usable script, rejecting", "err", err)
			_ = in.Reject(503, "Service Unavailable")
			return
		}
		if err != nil {
			log.Warn("script edit is broken, keeping the last good version", "err", err)
		}
		started := time.Now()
		call, err := in.Answer(cctx)
		if err != nil {
			log.Warn("answer failed", "err", err)
			return
		}
		// ctx, not cctx: the dialog's context ends with the far end's BYE, and a
		// hang-up must end the dialogue as "hangup", not "failed"
		out, err := robot.RunCall(ctx, call, robot.CallConfig{
			Script: sc, Now: time.Now, Location: loc, TransferTarget: cfg.Robot.TransferTo,
			Voice: robot.VoiceConfig{Recognizer: rt.recognizer(nil), Voice: rt.voice, LoadAudio: rt.files.Load,
				BargeInAfter: cfg.Robot.BargeInAfter},
			NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(rt.vadConfig()) },
			Log:          log.With("call", call.ID()),
		})
		if err != nil {
			log.Warn("robot call ended with an error", "call", call.ID(), "err", err)
		}
		<-call.Done()
		rec := store.CallRecord{ID: call.ID(), Direction: "inbound", From: in.From(), To: in.To(),
			Started: started, Answered: call.Answered(), Ended: time.Now(), Result: "answered", SIPCode: 200,
			Outcome: string(out.Outcome), Slots: out.Slots, ScriptName: out.ScriptName, ScriptVersion: out.ScriptVersion,
			RecordingPath: call.RecordingPath(), AudioReceivedMs: out.Audio.Received.Milliseconds(), AudioFedMs: out.Audio.Fed.Milliseconds()}
		for _, t := range out.Turns {
			rec.Turns = append(rec.Turns, store.TurnRecord{Seq: t.Seq, Node: t.Node, Who: t.Who, Kind: t.Kind, Text: t.Text,
				Intent: t.Intent, Slots: t.Slots, Start: t.Start, End: t.End, BargedIn: t.BargedIn})
		}
		if err := rt.db.SaveCall(context.WithoutCancel(cctx), rec); err != nil {
			log.Error("store call", "err", err)
		}
		log.Info("inbound call done", "call", call.ID(), "from", in.From(), "outcome", out.Outcome)
	})
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon serve:", err)
		return 2
	}
	fmt.Fprintf(e.stdout, "dozvon serve: answering on %s with %s (asr %s); Ctrl-C to stop\n", ua.Addr(), *scriptPath, cfg.ASR.Engine)
	<-ctx.Done()
	ua.Wait()
	return 0
}
