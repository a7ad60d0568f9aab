// Command dozvon is the one binary of the voice robot: it only wires packages
// together. Each subcommand lives in its own cmd_*.go file.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"syscall"

	"github.com/dozvon/dozvon/clock"
)

// env is what a subcommand may touch of the process: no globals.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// clock is what the 230-FZ guard, the scheduler and the calls of serve
	// run on (nil: the system's). Tests set it to a weekday morning so a
	// campaign is inside the legal window whenever they run.
	clock clock.Clock
}

// fail returns the error exit of command name: it prints "dozvon name: err"
// and returns code; a nil error is success (0), so `return fail(step())` ends
// a command.
func (e env) fail(name string, code int) func(error) int {
	return func(err error) int {
		if err == nil {
			return 0
		}
		fmt.Fprintln(e.stderr, "dozvon "+name+":", err)
		return code
	}
}

// emit prints v as one line of JSON with asJSON, else as text writes it.
func emit(w io.Writer, asJSON bool, v any, text func(io.Writer) error) error {
	if asJSON {
		return json.NewEncoder(w).Encode(v)
	}
	return text(w)
}

type command struct {
	summary string
	run     func(ctx context.Context, e env, args []string) int
}

func commands() map[string]command {
	return map[string]command{
		"call":       {"place one robot call and print the turn-by-turn log", cmdCall},
		"demo":       {"the main job on embedded defaults: a robot sweep of simulated debtor phones (demo calls: one call per behaviour)", cmdDemo},
		"bench":      {"measure the media path and concurrent calls (bench calls -n N)", cmdBench},
		"serve":      {"run the SIP user agent and answer inbound calls with a script", cmdServe},
		"lint":       {"check dialogue scripts (file:line errors)", cmdLint},
		"test":       {"run text-level test cases against a script", cmdTest},
		"compliance": {"230-FZ guard: compliance check < case.json", cmdCompliance},
		"numplan":    {"numbering plan: numplan import FILE... | numplan lookup +7...", cmdNumplan},
		"detect":     {"first-phrase detection: detect eval DIR [--json]", cmdDetect},
		"import":     {"import a debtor portfolio CSV (import FILE [--dry-run --json])", cmdImport},
		"sweep":      {"run a robot sweep over a portfolio (sweep --portfolio FILE --script FILE)", cmdSweep},
		"phones":     {"quarantined phones: phones list | confirm-wrong | restore", cmdPhones},
		"report":     {"a campaign's report with charts: report --campaign ID|last [--html F] [--xlsx F] [--csv F]", cmdReport},
		"backup":     {"copy the store while it runs (backup PATH; PostgreSQL: prints the pg_dump command)", cmdBackup},
		"recordings": {"apply the recordings' retention policy once (recordings sweep)", cmdRecordings},
		"webhook":    {"where integrations' events go: webhook add --owner LOGIN --url URL | list | dead", cmdWebhook},
		"debtor":     {"which records are one person: debtor show ID | split ID | merge ID --into OTHER", cmdDebtor},
		"user":       {"users of the service: user add LOGIN --role R < password | passwd | list | disable LOGIN", cmdUser},
		"token":      {"bearer tokens: token create LOGIN [--name N --ttl 90d] | list LOGIN | revoke ID", cmdToken},
		"message":    {"SMS and e-mail through the 230-FZ guard: message send --debtor ID --template NAME [--channel sms|email] | list | email | templates", cmdMessage},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	if os.Getenv("GOGC") == "" {
		// The media loops allocate little, but at hundreds of calls the
		// collector's cycles (every few seconds at the default 100) lined up
		// with the worst pacing seconds. `dozvon bench calls -n 500` on 2
		// cores, back to back: far-end jitter p99 20 ms at GOGC=100 (twice),
		// 16 at 200, 11.75–12.25 at 400 (three runs), 11.75 at 800; robot RSS
		// 312–323 → 459–463 MiB at 400. Memory is the cheaper resource on a
		// telephony host; GOGC in the environment still wins.
		debug.SetGCPercent(defaultGCPercent)
	}
	os.Exit(run(ctx, e, os.Args[1:]))
}

// defaultGCPercent is the GOGC the binary runs with unless GOGC is set.
const defaultGCPercent = 400

func run(ctx context.Context, e env, args []string) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(e.stderr, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "dozvon: unknown command %q\n", args[0])
		usage(e.stderr, cmds)
		return 2
	}
	return c.run(ctx, e, args[1:])
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: dozvon <command> [flags]")
	for _, n := range slices.Sorted(maps.Keys(cmds)) {
		fmt.Fprintf(w, "  %-11s %s\n", n, cmds[n].summary)
	}
}

// parseInterleaved parses flags that may come before, between or after the
// positional arguments ("eval DIR --json" as well as "eval --json DIR") and
// returns the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) > 0 {
			pos = append(pos, args[0])
			args = args[1:]
		}
	}
	return pos, nil
}
