package loadtest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// calleeProc is the callee exchange running as a child process.
type calleeProc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	uri    string
	report string
	dir    string
}

func startCallee(ctx context.Context, o Options, cacheDir string, stderr io.Writer) (*calleeProc, error) {
	self := o.Executable
	if self == "" {
		var err error
		if self, err = os.Executable(); err != nil {
			return nil, fmt.Errorf("bench calls: find own binary: %w", err)
		}
	}
	args := o.CalleeArgs
	if len(args) == 0 {
		args = []string{"bench", "callee"} // dozvon's own hidden subcommand
	}
	dir, err := os.MkdirTemp("", "dozvon-bench-")
	if err != nil {
		return nil, fmt.Errorf("bench calls: %w", err)
	}
	p := &calleeProc{dir: dir, report: filepath.Join(dir, "callee.json")}
	p.cmd = exec.Command(self, append(slices.Clone(args), "--listen", "127.0.0.1:0", "--report", p.report, "--tts-cache", cacheDir)...)
	p.cmd.Stderr = stderr
	// the child dies with us even if we are killed
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		return nil, fmt.Errorf("bench calls: callee stdin: %w", err)
	}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("bench calls: callee stdout: %w", err)
	}
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench calls: start callee %s: %w", self, err)
	}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "ready ") {
				lines <- strings.TrimPrefix(sc.Text(), "ready ")
			}
		}
		close(lines)
	}()
	select {
	case uri, ok := <-lines:
		if !ok {
			p.kill()
			return nil, errors.New("bench calls: the callee process exited before it was ready (see its errors above)")
		}
		p.uri = uri
	case <-time.After(30 * time.Second):
		p.kill()
		return nil, errors.New("bench calls: the callee process was not ready within 30s")
	case <-ctx.Done():
		p.kill()
		return nil, fmt.Errorf("bench calls: %w", ctx.Err())
	}
	return p, nil
}

// finish tells the callee the run is over and reads its report.
func (p *calleeProc) finish() (CalleeReport, error) {
	var rep CalleeReport
	_ = p.stdin.Close()
	if err := p.cmd.Wait(); err != nil {
		return rep, fmt.Errorf("bench calls: callee process: %w", err)
	}
	data, err := os.ReadFile(p.report)
	if err != nil {
		return rep, fmt.Errorf("bench calls: callee report: %w", err)
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		return rep, fmt.Errorf("bench calls: callee report %s: %w", p.report, err)
	}
	_ = os.RemoveAll(p.dir)
	return rep, nil
}

func (p *calleeProc) kill() {
	if p.cmd.ProcessState == nil && p.cmd.Process != nil {
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
	}
	_ = os.RemoveAll(p.dir)
}
