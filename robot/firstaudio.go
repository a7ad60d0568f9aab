package robot

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-audio/audio"
	"github.com/go-audio/wav"

	"github.com/dozvon/dozvon/detect"
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
func writeMonoWAV(path string, pcm []int16) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write first audio: %w", err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("write first audio: %w", cerr)
		}
	}()
	enc := wav.NewEncoder(f, detect.SampleRate, 16, 1, 1)
	data := make([]int, len(pcm))
	for i, v := range pcm {
		data[i] = int(v)
	}
	buf := &audio.IntBuffer{Data: data, Format: &audio.Format{NumChannels: 1, SampleRate: detect.SampleRate}, SourceBitDepth: 16}
	if err := enc.Write(buf); err != nil {
		return fmt.Errorf("write first audio %s: %w", path, err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("write first audio %s: %w", path, err)
	}
	return nil
}
