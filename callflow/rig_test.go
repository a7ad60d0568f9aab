package callflow_test

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/testcalls"
	"github.com/dozvon/dozvon/tts"
)

// rig is what the end-to-end tests share: a store, a guard on a simulated
// clock, an espeak voice and simulated phones on loopback SIP.
type rig struct {
	ctx    context.Context
	db     *store.DB
	clock  *clock.Sim
	guard  *compliance.Guard
	voice  tts.Synthesizer
	phones *testcalls.Callee
	loop   []telephony.Listen
}

// newRig starts the rig with the clock at start; it skips the test when no
// voice is installed.
func newRig(t *testing.T, start time.Time) *rig {
	t.Helper()
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed: the robot and the simulated phones need a voice (tools/setup-debian.sh)")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	t.Cleanup(cancel)
	sim := clock.NewSim(start)
	db, guard := openLedger(t, sim, slog.New(slog.DiscardHandler))
	r := &rig{ctx: ctx, db: db, clock: sim, guard: guard, loop: []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}}}
	engine, err := tts.NewEspeak(tts.EspeakOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r.voice = tts.NewCache(filepath.Join(t.TempDir(), "tts"), engine, "espeak-ru")
	if r.phones, err = testcalls.NewCallee(ctx, telephony.Config{Name: "phones", Listen: r.loop}, r.voice, nil); err != nil {
		t.Fatal(err)
	}
	return r
}

// eventLog is a test double Subscriber that keeps every event.
type eventLog struct {
	mu sync.Mutex
	ev []callflow.Event
}

func (l *eventLog) CallEvent(e callflow.Event) {
	l.mu.Lock()
	l.ev = append(l.ev, e)
	l.mu.Unlock()
}

func (l *eventLog) of(callID string) []callflow.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []callflow.Event
	for _, e := range l.ev {
		if e.CallID == callID {
			out = append(out, e)
		}
	}
	return out
}

// openLedger opens a store in a temporary directory and a guard on clk.
func openLedger(t *testing.T, clk clock.Clock, log *slog.Logger) (*store.DB, *compliance.Guard) {
	t.Helper()
	db, err := store.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	g, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clk, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	return db, g
}

// idBook runs the doors at once and keeps each door's call id.
type idBook struct {
	sync.WaitGroup
	mu  sync.Mutex
	ids map[string]string
}

func (b *idBook) set(door, id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ids == nil {
		b.ids = map[string]string{}
	}
	b.ids[door] = id
}

func (b *idBook) get(door string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.ids[door]
}

// verifyContact is the portfolio-verification script the tests call with.
const verifyContact = "../scripts/verify_contact.yaml"

// copyScript copies verifyContact and its phrase base to a temporary
// directory (to be edited) and returns the copy's path.
func copyScript(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"verify_contact.yaml", "phrases.yaml"} {
		b, err := os.ReadFile(filepath.Join(filepath.Dir(verifyContact), f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, filepath.Base(verifyContact))
}

// editFile rewrites a file through edit.
func editFile(t *testing.T, path string, edit func(string) string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(edit(string(b))), 0o644); err != nil {
		t.Fatal(err)
	}
}
