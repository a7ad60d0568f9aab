package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/config"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/report"

	"github.com/dozvon/dozvon/scripts"
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
	fail := e.fail("call", 2)
	if *to == "" {
		return fail(errors.New("--to is required"))
	}
	if !strings.HasPrefix(*to, "sip:") && !strings.HasPrefix(*to, "sips:") {
		// not a SIP URI: it must be a phone number (a foreign one is fine: the guard decides it)
		if _, err := phonenum.Parse(*to); err != nil {
			return fail(fmt.Errorf("--to: %w", err))
		}
	}
	cfg, err := config.Load(*cfgPath, e.getenv)
	if err != nil {
		return fail(err)
	}
	if *asrEngine != "" {
		cfg.ASR.Engine = *asrEngine
	}
	if cfg.ASR.Engine == "simulated" {
		return fail(errors.New("asr \"simulated\" exists only in the demo (it needs simulated phones); use vosk or dtmf"))
	}
	v, err := parseVars(vars)
	if err != nil {
		return fail(err)
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return fail(fmt.Errorf("--tz %q: %v", *tz, err))
	}
	sc, err := scripts.Load(*scriptPath)
	if err != nil {
		return fail(err)
	}
	rt, _, flow, err := wire(ctx, cfg, newLogger(e.stderr, logLevel(*verbose, slog.LevelWarn)), nil, nil)
	if err != nil {
		return fail(err)
	}
	defer rt.close()
	fmt.Fprintf(e.stdout, "calling %s with %s (%s), asr %s\n", report.MaskURI(*to), sc.Name, sc.VersionString(), cfg.ASR.Engine)
	var trunks []string
	if *trunk != "" {
		trunks = []string{*trunk}
	}
	rep, err := flow.Place(ctx, callflow.Request{To: *to, Trunks: trunks, CallerID: *callerID, DebtorID: *debtor, Region: *region,
		ScriptDoc: sc, Vars: v, Location: loc, RingTimeout: *ring})
	if err != nil && rep.DialErr == nil {
		rep.DialErr = err
	}
	report.WriteCall(e.stdout, rep)
	switch {
	case errors.Is(rep.DialErr, callflow.ErrDenied):
		return 4
	case rep.DialErr != nil:
		return 3
	}
	return 0
}
