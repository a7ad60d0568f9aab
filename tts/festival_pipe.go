package tts

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// doneMarker is written by a festival worker to stderr (unbuffered, unlike
// its stdout in pipe mode) after each job.
const doneMarker = "DOZVON-DONE "

// festivalPool keeps festival --pipe processes with the voice loaded, so a
// phrase costs only its synthesis (~0.2 s) instead of loading the voice
// again (~0.5 s) as text2wave does. Each job writes a WAV to a file in dir;
// a worker whose job is cancelled or times out is killed and replaced on the
// next use.
type festivalPool struct {
	binary  string
	init    string // Scheme run at worker start (voice, parameters)
	dir     string
	timeout time.Duration
	idle    chan *festivalWorker // nil entries are slots without a process
	seq     atomic.Uint64
	closed  atomic.Bool
}

type festivalWorker struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string   // stderr lines
	exit  chan struct{} // closed when the process has exited
}

func newFestivalPool(binary, init string, workers int, timeout time.Duration) (*festivalPool, error) {
	dir, err := os.MkdirTemp("", "dozvon-festival-")
	if err != nil {
		return nil, fmt.Errorf("tts: new festival: %w", err)
	}
	p := &festivalPool{binary: binary, init: init, dir: dir, timeout: timeout, idle: make(chan *festivalWorker, workers)}
	// Start every worker now: the voice loads (~0.5 s of CPU each) while
	// the program gets ready, not during the first calls.
	for range workers {
		w, err := p.start()
		if err != nil {
			p.idle <- nil
			p.close()
			return nil, fmt.Errorf("tts: new festival: %w", err)
		}
		p.idle <- w
	}
	return p, nil
}

func (p *festivalPool) start() (*festivalWorker, error) {
	cmd := exec.Command(p.binary, "--pipe")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", p.binary, err)
	}
	w := &festivalWorker{cmd: cmd, stdin: stdin, lines: make(chan string, 256), exit: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, doneMarker) {
				w.lines <- line // a job is waiting for it
				continue
			}
			select { // diagnostics: keep what fits, never block festival
			case w.lines <- line:
			default:
			}
		}
		cmd.Wait()
		close(w.exit)
	}()
	if _, err := io.WriteString(stdin, p.init); err != nil {
		w.kill()
		return nil, fmt.Errorf("start %s: %w", p.binary, err)
	}
	return w, nil
}

func (w *festivalWorker) alive() bool {
	select {
	case <-w.exit:
		return false
	default:
		return true
	}
}

func (w *festivalWorker) kill() {
	w.stdin.Close()
	w.cmd.Process.Kill()
	<-w.exit
}

// synth speaks one clean text segment and returns 8 kHz PCM.
func (p *festivalPool) synth(ctx context.Context, text string) ([]int16, error) {
	if p.closed.Load() {
		return nil, errors.New("festival is closed")
	}
	var w *festivalWorker
	select {
	case w = <-p.idle:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if p.closed.Load() {
		p.idle <- w
		return nil, errors.New("festival is closed")
	}
	if w == nil || !w.alive() {
		var err error
		if w, err = p.start(); err != nil {
			p.idle <- nil
			return nil, err
		}
	}
	pcm, err := p.job(ctx, w, text)
	if err != nil && !w.alive() {
		w = nil
	}
	if p.closed.Load() && w != nil {
		w.kill()
		w = nil
	}
	p.idle <- w
	return pcm, err
}

func (p *festivalPool) job(ctx context.Context, w *festivalWorker, text string) ([]int16, error) {
	id := strconv.FormatUint(p.seq.Add(1), 10)
	path := filepath.Join(p.dir, id+".wav")
	defer os.Remove(path)
	cmd := fmt.Sprintf("(utt.save.wave (SynthText %s) %s 'riff)\n(format stderr \"%s%s\\n\")\n",
		schemeString(text), schemeString(path), doneMarker, id)
	if _, err := io.WriteString(w.stdin, cmd); err != nil {
		w.kill()
		return nil, fmt.Errorf("festival worker: %w", err)
	}
	timer := time.NewTimer(p.timeout)
	defer timer.Stop()
	diag := &tailBuffer{max: maxStderr}
	for {
		select {
		case line := <-w.lines:
			if line == doneMarker+id {
				return p.collect(path, diag)
			}
			if !strings.HasPrefix(line, doneMarker) {
				diag.Write([]byte(line + "\n"))
			}
		case <-w.exit:
			return nil, fmt.Errorf("festival worker exited: %s", diag.String())
		case <-ctx.Done():
			w.kill()
			return nil, fmt.Errorf("run festival: %w", ctx.Err())
		case <-timer.C:
			w.kill()
			return nil, fmt.Errorf("run festival: no result after %v", p.timeout)
		}
	}
}

func (p *festivalPool) collect(path string, diag *tailBuffer) ([]int16, error) {
	data, err := os.ReadFile(path)
	if err != nil || len(data) <= 44 {
		return nil, fmt.Errorf("festival produced no audio: %s", diag.String())
	}
	pcm, rate, err := decodeWAV(data)
	if err != nil {
		return nil, fmt.Errorf("parse festival output: %w", err)
	}
	if len(pcm) == 0 {
		return nil, fmt.Errorf("festival produced no audio: %s", diag.String())
	}
	return resample(pcm, rate, Rate), nil
}

// close stops idle workers now and busy ones when their job ends.
func (p *festivalPool) close() error {
	if p.closed.Swap(true) {
		return nil
	}
	var wg sync.WaitGroup
	for range cap(p.idle) {
		select {
		case w := <-p.idle:
			if w != nil {
				wg.Go(w.kill)
			}
			p.idle <- nil
		default:
		}
	}
	wg.Wait()
	return os.RemoveAll(p.dir)
}

// schemeString quotes s as a Scheme string literal.
func schemeString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", " ", "\r", " ")
	return `"` + r.Replace(s) + `"`
}
