package robot

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/dozvon/dozvon/media"
)

// firstAudioPath is where the kept audio goes: next to the call's recording
// when there is one, else in recordDir; "" when neither is known.
func firstAudioPath(call Call, recordDir string) string {
	if rp, ok := call.(interface{ RecordingPath() string }); ok && rp.RecordingPath() != "" {
		return strings.TrimSuffix(rp.RecordingPath(), filepath.Ext(rp.RecordingPath())) + ".first5s.wav"
	}
	if recordDir == "" {
		return ""
	}
	name := time.Now().UTC().Format("20060102T150405.000000000")
	if id, ok := call.(interface{ CallID() string }); ok && id.CallID() != "" {
		name = id.CallID()
	}
	return filepath.Join(recordDir, sanitizeFileName(name)+".first5s.wav")
}

func sanitizeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 || r == ':' {
			return '_'
		}
		return r
	}, s)
}

// writeMonoWAV writes 8 kHz 16-bit mono PCM.
func writeMonoWAV(path string, pcm []int16) error {
	if err := media.WriteWAVFile(path, media.SampleRate, 1, pcm); err != nil {
		return fmt.Errorf("write first audio: %w", err)
	}
	return nil
}
