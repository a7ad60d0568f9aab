package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"

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
	fail := e.fail("compliance", 2)
	cfg := compliance.Config{}
	var err error
	if len(calendars) > 0 || len(regionals) > 0 {
		if cfg.Calendar, err = compliance.LoadCalendar(calendars, regionals); err != nil {
			return fail(err)
		}
	}
	if len(numplans) > 0 {
		if cfg.Plan, err = compliance.LoadNumplanFiles(numplans); err != nil {
			return fail(err)
		}
	} else if cfg.Plan, err = compliance.StoredPlan(ctx, store.DSNFrom(*dsn, e.getenv)); err != nil {
		return e.fail("compliance", 1)(err)
	}
	g, err := compliance.NewGuard(cfg)
	if err != nil {
		return e.fail("compliance", 1)(err)
	}
	c, err := compliance.ParseCase(e.stdin, g.Policy())
	if err != nil {
		return fail(err)
	}
	d, err := g.Check(ctx, c)
	if err != nil {
		return fail(err)
	}
	out, err := json.Marshal(d)
	if err != nil {
		return e.fail("compliance", 1)(err)
	}
	fmt.Fprintln(e.stdout, string(out))
	return 0
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return fmt.Sprint([]string(*m)) }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
