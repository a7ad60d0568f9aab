package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/store"
)

// cmdCompliance runs the 230-FZ guard from the command line:
//
//	dozvon compliance check [--db DSN] [--numplan FILE]... [--calendar FILE.xml]... [--regional FILE]... < case.json
//
// It reads one JSON case on stdin and prints one JSON decision (exit 0);
// bad input prints a message naming the place and exits 2.
func cmdCompliance(ctx context.Context, e env, args []string) int {
	if len(args) == 0 || args[0] != "check" {
		fmt.Fprintln(e.stderr, "usage: dozvon compliance check [--db DSN] [--numplan FILE]... [--calendar FILE.xml]... [--regional FILE]... < case.json")
		return 2
	}
	fs := flag.NewFlagSet("compliance check", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var numplans, calendars, regionals multiFlag
	fs.Var(&numplans, "numplan", "numbering-plan registry file (Минцифры CSV); repeatable")
	fs.Var(&calendars, "calendar", "production calendar in xmlcalendar format, overriding the built-in year; repeatable")
	fs.Var(&regionals, "regional", "regional holidays file (subject;YYYY-MM-DD;title per line); repeatable")
	dsn := fs.String("db", "", "store whose numbering plan resolves phone regions (default $DOZVON_DB or "+store.DefaultDSN+" if it exists)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	cfg := compliance.Config{}
	if len(calendars) > 0 || len(regionals) > 0 {
		cal, err := compliance.DefaultCalendar()
		if err != nil {
			fmt.Fprintln(e.stderr, "dozvon compliance:", err)
			return 1
		}
		for _, f := range calendars {
			if err := addCalendarFile(cal, f); err != nil {
				fmt.Fprintln(e.stderr, "dozvon compliance:", err)
				return 2
			}
		}
		for _, f := range regionals {
			if err := addRegionalFile(cal, f); err != nil {
				fmt.Fprintln(e.stderr, "dozvon compliance:", err)
				return 2
			}
		}
		cfg.Calendar = cal
	}
	if len(numplans) > 0 {
		plan, err := loadNumplanFiles(numplans)
		if err != nil {
			fmt.Fprintln(e.stderr, "dozvon compliance:", err)
			return 2
		}
		cfg.Plan = plan
	} else {
		plan, err := storedPlan(ctx, storeDSN(e, *dsn))
		if err != nil {
			fmt.Fprintln(e.stderr, "dozvon compliance:", err)
			return 1
		}
		cfg.Plan = plan
	}
	g, err := compliance.NewGuard(cfg)
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon compliance:", err)
		return 1
	}
	c, err := compliance.ParseCase(e.stdin, g.Policy())
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon compliance:", err)
		return 2
	}
	d, err := g.Check(ctx, c)
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon compliance:", err)
		return 2
	}
	out, err := json.Marshal(d)
	if err != nil {
		fmt.Fprintln(e.stderr, "dozvon compliance:", err)
		return 1
	}
	fmt.Fprintln(e.stdout, string(out))
	return 0
}

func addCalendarFile(cal *compliance.Calendar, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("calendar: %w", err)
	}
	defer f.Close()
	return cal.AddXML(f, path)
}

func addRegionalFile(cal *compliance.Calendar, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("regional holidays: %w", err)
	}
	defer f.Close()
	return cal.AddRegionalHolidays(f, path)
}

func loadNumplanFiles(paths []string) (*compliance.Plan, error) {
	var all []compliance.Range
	for _, p := range paths {
		rs, err := parseNumplanFile(p)
		if err != nil {
			return nil, err
		}
		all = append(all, rs...)
	}
	return compliance.NewPlan(all)
}

func parseNumplanFile(path string) ([]compliance.Range, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("numplan: %w", err)
	}
	defer f.Close()
	return compliance.ParseNumplan(f, path)
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return fmt.Sprint([]string(*m)) }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
