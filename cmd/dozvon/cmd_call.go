package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/dozvon/dozvon/callflow"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/telephony"
)

// parseVars turns key=value pairs with dotted keys into nested maps:
// debtor.first_name=Иван → {"debtor": {"first_name": "Иван"}}.
func parseVars(pairs []string) (map[string]any, error) {
	out := map[string]any{}
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--var %q: want key=value", p)
		}
		parts := strings.Split(k, ".")
		m := out
		for _, part := range parts[:len(parts)-1] {
			next, ok := m[part].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[part] = next
			}
			m = next
		}
		m[parts[len(parts)-1]] = v
	}
	return out, nil
}

func cmdCall(ctx context.Context, e env, args []string) int {
	fs := flag.NewFlagSet("call", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	to := fs.String("to", "", "destination: sip:user@host[:port] or a phone number (through a trunk)")
	trunk := fs.String("trunk", "", "trunk name from the config (for a phone number)")
	scriptPath := fs.String("script", "scripts/verify_contact.yaml", "dialogue script")
	cfgPath := fs.String("config", "", "config file (default dozvon.yaml if present)")
	asrEngine := fs.String("asr", "", "recognizer: vosk or dtmf (keypad only)")
	callerID := fs.String("caller-id", "", "From user (caller ID)")
	debtor := fs.String("debtor", "", "debtor id for the 230-FZ ledger (default: the number)")
	region := fs.String("region", "", "debtor's address region (for the time zone)")
	tz := fs.String("tz", "Europe/Moscow", "debtor's time zone for dates in the dialogue")
	ring := fs.Duration("ring-timeout", 30*time.Second, "ring timeout")
	verbose := fs.Bool("v", false, "log SIP/media details to stderr")
	var vars multiFlag
	fs.Var(&vars, "var", "script variable key=value (repeatable), e.g. --var debtor.first_name=Иван")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *to == "" {
		fmt.Fprintln(e.stderr, "dozvon call: --to is required")
		return 2
	}
	cfg, err := loadConfig(*cfgPath, e.getenv)
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon call:", err)
		return 2
	}
	if *asrEngine != "" {
		cfg.ASR.Engine = *asrEngine
	}
	if cfg.ASR.Engine == "simulated" {
		fmt.Fprintln(e.stderr, "dozvon call: asr \"simulated\" exists only in the demo (it needs simulated phones); use vosk or dtmf")
		return 2
	}
	v, err := parseVars(vars)
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon call:", err)
		return 2
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		fmt.Fprintf(e.stderr, "dozvon call: --tz %q: %v\n", *tz, err)
		return 2
	}
	sc, err := scripts.Load(*scriptPath)
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon call:", err)
		return 2
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	log := newLogger(e.stderr, level)
	rt, err := newRuntime(ctx, cfg, log, nil)
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon call:", err)
		return 2
	}
	defer rt.close()
	ua, err := telephony.New(ctx, cfg.SIP, log)
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon call:", err)
		return 2
	}
	fmt.Fprintf(e.stdout, "calling %s with %s (%s), asr %s\n", maskURI(*to), sc.Name, sc.VersionString(), cfg.ASR.Engine)
	rep := rt.placeCall(ctx, ua, callRequest{
		To: *to, Trunk: *trunk, CallerID: *callerID, DebtorID: *debtor, Region: *region,
		Script: sc, Vars: v, Location: loc, RingTimeout: *ring,
	})
	printDecision(e.stdout, rep.Decision)
	printDetection(e.stdout, rep.Result.Detection)
	if rep.DialErr != nil {
		fmt.Fprintf(e.stdout, "not connected: %v\n", rep.DialErr)
		if errors.Is(rep.DialErr, callflow.ErrDenied) {
			return 4
		}
		return 3
	}
	printTranscript(e.stdout, rep.Result.Result)
	fmt.Fprintf(e.stdout, "outcome: %s%s\n", rep.Result.Outcome, slotsText(rep.Result.Slots))
	fmt.Fprintf(e.stdout, "call %s: %.1fs, recording %s, ASR fed %.1fs of %.1fs received, ledger: %s\n",
		rep.ID, rep.Duration.Seconds(), rep.Record.RecordingPath, rep.Result.Audio.Fed.Seconds(), rep.Result.Audio.Received.Seconds(), rep.Kind)
	return 0
}

func printDecision(w io.Writer, d *compliance.Decision) {
	if d == nil {
		fmt.Fprintln(w, "230-FZ: the destination is not a phone number (a SIP test endpoint): no debtor ledger applies")
		return
	}
	if d.Allowed {
		fmt.Fprintf(w, "230-FZ: allowed at %s local (%s)\n", d.Local.Format("2006-01-02 15:04 MST"), d.Zone)
		return
	}
	next := "none within the horizon"
	if !d.NextAllowedAt.IsZero() {
		next = d.NextAllowedLocal.Format("2006-01-02 15:04 MST")
	}
	fmt.Fprintf(w, "230-FZ: denied (%s): %s; next allowed %s\n", strings.Join(d.Reasons, ", "), d.Detail, next)
}

// printDetection prints the first-phrase verdict: when the robot knew
// whether a person answered, when the class was settled, and why.
func printDetection(w io.Writer, d *detect.Decision) {
	if d == nil {
		return
	}
	settled := ""
	if d.Provisional != "" {
		settled = fmt.Sprintf(", not a person at %.2fs (first guess %s), class settled at %.2fs", d.At.Seconds(), d.Provisional, d.SettledAt.Seconds())
	} else {
		settled = fmt.Sprintf(" at %.2fs", d.At.Seconds())
	}
	fmt.Fprintf(w, "first phrase: %s (confidence %.2f)%s\n", d.Class, d.Confidence, settled)
	for _, ev := range d.Evidence {
		fmt.Fprintf(w, "  - %s\n", ev)
	}
}

func printTranscript(w io.Writer, r robot.Result) {
	var t0 time.Time
	for _, t := range r.Turns {
		if t0.IsZero() {
			t0 = t.Start
		}
		who := "robot "
		if t.Who == robot.WhoCaller {
			who = "caller"
		}
		text := t.Text
		if t.Kind != "say" && t.Kind != "speech" {
			text = "[" + t.Kind + "] " + text
		}
		extra := ""
		if t.Intent != "" {
			extra += " → " + t.Intent
		}
		if t.BargedIn {
			extra += " (interrupted)"
		}
		fmt.Fprintf(w, "  %6.1fs %-14s %s: %s%s\n", t.Start.Sub(t0).Seconds(), t.Node, who, text, extra)
	}
}

func slotsText(s map[string]string) string {
	if len(s) == 0 {
		return ""
	}
	var parts []string
	for _, k := range []string{"callback_at", "promise_at", "amount", "meeting_at", "meeting_place", "transfer_to", "detected_class"} {
		if v, ok := s[k]; ok {
			parts = append(parts, k+"="+v)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// maskURI masks a phone number in a SIP URI or a bare number.
func maskURI(to string) string {
	if p, ok := callflow.PhoneOf(to); ok {
		return strings.Replace(to, strings.TrimPrefix(p, "+"), strings.TrimPrefix(compliance.MaskPhone(p), "+"), 1)
	}
	return to
}
