package telephony

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/dozvon/dozvon/media"
)

// recordingFile is where a recording goes: an *os.File, or a test's double.
type recordingFile interface {
	io.WriteSeeker
	io.Closer
}

// recorderSetup is how a call's recorder is made and where its failures go.
type recorderSetup struct {
	open  func(path string) (recordingFile, error) // nil: a file, mode 0600
	fault func(error)                              // nil: the call only logs them
	bufs  bufferPool                               // nil: each recorder buffers in new memory
}

// bufferPool lends ended calls' recorder buffers (*[]byte) to new calls: a
// sync.Pool, the UA's recBufs.
type bufferPool interface {
	Get() any
	Put(any)
}

// stereoRecorder writes a call as a 2-channel 8 kHz 16-bit WAV: the far end
// (the debtor) on the left, the robot on the right. Frames arrive from the
// clocked media loop, so both channels are sample-aligned by construction.
// Its first failure goes to the UA's Config.RecorderFault, once: the call
// goes on unrecorded, and whoever starts calls learns that recording broke.
type stereoRecorder struct {
	w      *media.WAVWriter
	f      recordingFile
	fault  func(error)
	failed error // the first failure; nothing is written after it
	bufs   bufferPool
	closed bool
}

// recordPath makes the day's folder and names the call's recording in it.
// Folders are 0700 and files 0600: recordings are personal data.
func (u *UA) recordPath(id string) (string, error) {
	if u.cfg.RecordDir == "" {
		return "", nil
	}
	dir := filepath.Join(u.cfg.RecordDir, time.Now().Format("2006-01-02"))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		err = fmt.Errorf("recording dir: %w", err)
		if u.cfg.RecorderFault != nil {
			u.cfg.RecorderFault(err)
		}
		return "", err
	}
	return filepath.Join(dir, id+".wav"), nil
}

// recorderSetup is how this UA's calls record.
func (u *UA) recorderSetup() recorderSetup {
	return recorderSetup{open: u.openRecording, fault: u.cfg.RecorderFault, bufs: &u.recBufs}
}

func newStereoRecorder(path string, s recorderSetup) (*stereoRecorder, error) {
	r := &stereoRecorder{fault: s.fault, bufs: s.bufs}
	open := s.open
	if open == nil {
		open = func(path string) (recordingFile, error) {
			return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		}
	}
	f, err := open(path)
	if err == nil {
		r.f = f
		// an ended call's buffer: its pages are warm, where a new one
		// is 8 page faults (kernel trips) on first touch
		var buf []byte
		if s.bufs != nil {
			if b, ok := s.bufs.Get().(*[]byte); ok {
				buf = *b
			}
		}
		r.w, err = media.NewWAVWriterBuffer(f, sampleRate, 2, buf)
		if err != nil {
			f.Close()
		}
	}
	if err != nil {
		return nil, r.fail(err)
	}
	return r, nil
}

// fail records the recorder's first failure and reports it.
func (r *stereoRecorder) fail(err error) error {
	err = fmt.Errorf("recording: %w", err)
	if r.failed == nil {
		r.failed = err
		if r.fault != nil {
			r.fault(err)
		}
	}
	return err
}

func (r *stereoRecorder) write(left, right []int16) error {
	if r.failed != nil {
		return r.failed
	}
	if err := r.w.WriteStereo(left[:frameSamples], right[:frameSamples]); err != nil {
		return r.fail(err)
	}
	return nil
}

// close finishes the header and closes the file; after a failure it only
// closes (the header holds what was flushed before it).
// Closing again does nothing (the file is closed, its buffer lent on).
func (r *stereoRecorder) close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	var err error
	if r.failed == nil {
		err = r.w.Close()
	}
	if cerr := r.f.Close(); err == nil && cerr != nil && !errors.Is(cerr, os.ErrClosed) {
		err = cerr
	}
	if r.bufs != nil {
		// nothing of this call can leak through it: a writer only ever
		// reads back bytes it wrote itself
		b := r.w.Release()
		r.bufs.Put(&b)
	}
	if err != nil && r.failed == nil {
		return r.fail(err)
	}
	return err
}
