package telephony

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dozvon/dozvon/media"
	"github.com/dozvon/dozvon/recordings"
)

// diskFullFile is a recording file whose disk fills up: it takes the first
// room bytes, then every write fails with ENOSPC, as a full disk does.
type diskFullFile struct {
	*os.File
	mu   sync.Mutex
	room int
}

func (f *diskFullFile) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(p) > f.room {
		return 0, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	f.room -= len(p)
	return f.File.Write(p)
}

// answerAndHold answers and keeps the call until the caller hangs up. A
// caller that hangs up at once may end the dialog before the answer has
// settled here (context canceled): the caller's side is what the tests check.
func answerAndHold(t *testing.T) *UA {
	return serveWith(t, Config{}, func(ctx context.Context, in *Inbound) {
		call, err := in.Answer(ctx)
		if err != nil {
			return
		}
		call.Play(tone(440, 3*time.Second, 8000))
		<-call.Done()
	})
}

// dialDebtor places a call from caller to callee and returns it with a
// context that bounds the test's waits.
func dialDebtor(t *testing.T, caller, callee *UA) (context.Context, *Call) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	t.Cleanup(cancel)
	call, _, err := caller.Dial(ctx, DialRequest{To: callee.URI("debtor"), CallerID: "74951234567"})
	if err != nil {
		t.Fatal(err)
	}
	return ctx, call
}

// TestRecorderFailureRaisesTheAlarm: the disk fills up in the middle of a
// call. The failure reaches Config.RecorderFault once (the media loop keeps
// ticking), the call goes on and ends normally, the file left behind is a
// valid WAV of what was flushed, and a recordings.Health wired to the fault
// says the next call must not start. Before, the media loop logged a
// warning and every later call went unrecorded without a word.
func TestRecorderFailureRaisesTheAlarm(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	health := recordings.NewHealth(recordings.HealthConfig{Dir: dir}) // its alarm line: recordings' tests
	faults := make(chan error, 8)
	callee := answerAndHold(t)
	caller := newTestUA(t, Config{RecordDir: dir, RecorderFault: func(err error) { health.Fault(err); faults <- err }})
	caller.openRecording = func(path string) (recordingFile, error) {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return nil, err
		}
		return &diskFullFile{File: f, room: 100}, nil // the header fits, the first second does not
	}
	if err := health.Ready(); err != nil {
		t.Fatalf("before the call: %v", err)
	}
	ctx, call := dialDebtor(t, caller, callee)
	select {
	case err := <-faults:
		if !errors.Is(err, syscall.ENOSPC) {
			t.Errorf("fault %v, want ENOSPC", err)
		}
	case <-ctx.Done():
		t.Fatal("no recorder fault reported")
	}
	select {
	case <-call.Done():
		t.Fatalf("the call ended with its recording (%s)", call.EndReason())
	default:
	}
	if err := health.Ready(); !errors.Is(err, recordings.ErrDown) {
		t.Errorf("next call: %v, want recordings.ErrDown", err)
	}
	if err := call.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	<-call.Done()
	if r := call.EndReason(); r != "local" {
		t.Errorf("call ended %q, want local", r)
	}
	if n := len(faults); n != 0 {
		t.Errorf("%d more faults for the same call, want one in all", n)
	}
	w, err := media.ReadWAVFile(call.RecordingPath())
	if err != nil || w.Channels != 2 || w.Frames() != 0 {
		t.Errorf("file left by the failed recording: %d ch, %d frames, %v; want a valid empty stereo WAV", w.Channels, w.Frames(), err)
	}
}

// TestRecordingModes: recordings are personal data: the day folder is 0700
// and the file 0600, whatever the umask (before: 0755 and 0644).
func TestRecordingModes(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "rec")
	callee := answerAndHold(t)
	ctx, call := dialDebtor(t, newTestUA(t, Config{RecordDir: dir}), callee)
	if err := call.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	<-call.Done()
	for path, want := range map[string]os.FileMode{
		dir: 0o700, filepath.Dir(call.RecordingPath()): 0o700, call.RecordingPath(): 0o600,
	} {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", path, st.Mode().Perm(), want)
		}
	}
}
