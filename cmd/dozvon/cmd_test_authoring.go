package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/testcalls"
)

// checkAuthoring rejects authoring flags used together or out of place.
func (f testFlags) checkAuthoring() error {
	modes := 0
	for _, on := range []bool{f.generate, f.fromCall != "", f.watch} {
		if on {
			modes++
		}
	}
	switch {
	case modes > 1:
		return fmt.Errorf("--generate, --from-call and --watch go one at a time")
	case f.generate && len(f.files) < 1:
		return fmt.Errorf("--generate wants a script (and the case files that already cover it)")
	case f.fromCall != "" && len(f.files) > 1:
		return fmt.Errorf("--from-call takes at most a script (to check the path against)")
	case f.out != "" && !f.generate && f.fromCall == "":
		return fmt.Errorf("--out is for --generate and --from-call")
	case f.db != "" && f.fromCall == "":
		return fmt.Errorf("--db is for --from-call")
	case (f.generate || f.fromCall != "") && (f.audio || f.json || f.junit != "" || f.gate != nil):
		return fmt.Errorf("--generate and --from-call write cases; run them with dozvon test")
	}
	return nil
}

// cmdTestGenerate writes skeleton cases for the edges the case files miss,
// to --out or stdout; nothing at all when every edge is covered.
func cmdTestGenerate(ctx context.Context, e env, tf testFlags) int {
	fail := e.fail("test --generate", 2)
	sc, err := scripts.Load(tf.files[0])
	if err != nil {
		return fail(err)
	}
	var cfs []*testcalls.CaseFile
	for _, f := range tf.files[1:] {
		cf, err := testcalls.LoadCases(f)
		if err != nil {
			return fail(err)
		}
		cfs = append(cfs, cf)
	}
	opt := testcalls.OptionsFrom(sc, cfs)
	gen, err := testcalls.Generate(ctx, sc, cfs, opt)
	if err != nil {
		return fail(err)
	}
	if len(gen.Unreached) > 0 {
		fmt.Fprintf(e.stderr, "dozvon test --generate: no caller lines reach %v (%d dialogues tried): a branch on the time of day, or dead\n",
			gen.Unreached, gen.Runs)
	}
	if len(gen.Cases) == 0 {
		fmt.Fprintf(e.stderr, "dozvon test --generate: nothing to generate for %s\n", sc.Name)
		return 0
	}
	ref := tf.files[0]
	if tf.out != "" {
		if abs, err := filepath.Abs(tf.files[0]); err == nil {
			if outAbs, err := filepath.Abs(filepath.Dir(tf.out)); err == nil {
				if rel, err := filepath.Rel(outAbs, abs); err == nil {
					ref = rel
				}
			}
		}
	}
	var cases []testcalls.Case
	edges := 0
	for _, g := range gen.Cases {
		cases = append(cases, g.Case)
		edges += len(g.Edges)
	}
	var buf bytes.Buffer
	head := fmt.Sprintf("Skeleton cases written by `dozvon test --generate` for the %d edges of %s\n"+
		"that no case covered. Each expects what the robot does today: confirm it,\n"+
		"then delete unconfirmed: true (a --gate fails while any case has it).", edges, sc.Name)
	if err := testcalls.WriteCases(&buf, testcalls.CaseFileHeader{Comment: head, Script: ref, Now: opt.Now, Vars: opt.Vars}, cases); err != nil {
		return fail(err)
	}
	if tf.out == "" {
		_, err = e.stdout.Write(buf.Bytes())
		return fail(err)
	}
	if err := os.WriteFile(tf.out, buf.Bytes(), 0o644); err != nil {
		return fail(err)
	}
	fmt.Fprintf(e.stdout, "%s: %d cases for %d edges\n", tf.out, len(gen.Cases), edges)
	return 0
}

// cmdTestFromCall writes a regression case from a stored call.
func cmdTestFromCall(ctx context.Context, e env, tf testFlags) int {
	fail := e.fail("test --from-call", 2)
	opt := testcalls.FromCallOptions{Out: tf.out}
	if opt.Out == "" {
		opt.Out = "call-" + tf.fromCall + ".cases.yaml"
	}
	if len(tf.files) == 1 {
		sc, err := scripts.Load(tf.files[0])
		if err != nil {
			return fail(err)
		}
		opt.ScriptDoc = sc
		if abs, err := filepath.Abs(tf.files[0]); err == nil {
			if dir, err := filepath.Abs(filepath.Dir(opt.Out)); err == nil {
				if rel, err := filepath.Rel(dir, abs); err == nil {
					opt.Script = rel
				}
			}
		}
	}
	db, err := store.Open(ctx, store.DSNFrom(tf.db, e.getenv))
	if err != nil {
		return fail(err)
	}
	defer db.Close()
	res, err := testcalls.FromCall(ctx, db, tf.fromCall, opt)
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(e.stdout, "%s: case %q, %d recorded lines; confirm its expect, then run it with dozvon test --audio\n",
		opt.Out, res.Case.Name, len(res.Snippets))
	return 0
}

// cmdTestWatch runs the cases, then again on every change, until Ctrl-C.
func cmdTestWatch(ctx context.Context, e env, tf testFlags) int {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	files := func() []string {
		sc, _ := scripts.Load(tf.files[0]) // a broken script is still watched, by its path
		var cfs []*testcalls.CaseFile
		for _, f := range tf.files[1:] {
			if cf, err := testcalls.LoadCases(f); err == nil {
				cfs = append(cfs, cf)
			}
		}
		return testcalls.WatchedFiles(tf.files[0], sc, cfs, tf.files[1:])
	}
	err := testcalls.Watch(ctx, files, func(ctx context.Context, changed []string) {
		if len(changed) > 0 {
			fmt.Fprintf(e.stdout, "\n— changed: %v\n", changed)
		}
		runTests(ctx, e, tf)
		fmt.Fprintln(e.stdout, "— watching the script, its phrases and the cases (Ctrl-C to stop)")
	}, 0)
	return e.fail("test --watch", 2)(err)
}
