package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/config"
	"github.com/dozvon/dozvon/recordings"
)

// newSweeper is the retention sweeper for cfg's recordings folder.
func newSweeper(cfg config.Config, log *slog.Logger) (*recordings.Sweeper, error) {
	if cfg.SIP.RecordDir == "" {
		return nil, fmt.Errorf("sip.record_dir is empty: nothing is recorded")
	}
	return recordings.NewSweeper(recordings.SweepConfig{Dir: cfg.SIP.RecordDir, ArchiveDir: cfg.Recordings.ArchiveDir,
		Policy: cfg.Recordings.Policy, Clock: clock.System{}, Log: log})
}

// recorderHealth watches recording for cfg (nil when nothing is recorded).
func recorderHealth(cfg config.Config, log *slog.Logger) *recordings.Health {
	if cfg.SIP.RecordDir == "" {
		return nil
	}
	return recordings.NewHealth(recordings.HealthConfig{Dir: cfg.SIP.RecordDir, MinFreeBytes: uint64(cfg.Recordings.MinFreeMB) << 20, Log: log})
}

// cmdRecordings applies the recordings' retention policy once (serve does
// the same every recordings.sweep_every):
//
//	dozvon recordings sweep [--config FILE] [--json]
func cmdRecordings(ctx context.Context, e env, args []string) int {
	const usage = "usage: dozvon recordings sweep [--config FILE] [--json]"
	if len(args) == 0 || args[0] != "sweep" {
		fmt.Fprintln(e.stderr, usage)
		return 2
	}
	fs := flag.NewFlagSet("recordings sweep", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cfgPath := fs.String("config", "", "config file (default dozvon.yaml if present)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() != 0 {
		fmt.Fprintln(e.stderr, usage)
		return 2
	}
	cfg, err := config.Load(*cfgPath, e.getenv)
	if err != nil {
		return e.fail("recordings", 2)(err)
	}
	s, err := newSweeper(cfg, newLogger(e.stderr, slog.LevelInfo))
	if err != nil {
		return e.fail("recordings", 2)(err)
	}
	rep, err := s.Sweep(ctx)
	if err == nil {
		err = emit(e.stdout, *asJSON, rep, func(w io.Writer) error {
			_, err := fmt.Fprintf(w, "recordings in %s: %d files moved into their day, %d modes narrowed, archived days [%s], deleted days [%s]\n",
				cfg.SIP.RecordDir, rep.Sorted, rep.Tightened, strings.Join(rep.Archived, " "), strings.Join(rep.Deleted, " "))
			return err
		})
	}
	return e.fail("recordings sweep", 1)(err)
}
