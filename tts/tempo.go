package tts

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os/exec"
	"strconv"
)

// soxTempo changes the speed of 8 kHz mono speech without changing its pitch
// (sox's WSOLA "tempo -s"). Festival's Russian voice is unit selection: it
// ignores Duration_Stretch, so a stretch is applied to its output instead.
// sox is a well-kept tool the setup installs anyway; a hand-written WSOLA
// would only repeat it.
type soxTempo struct {
	path   string
	factor string // sox's tempo factor: 1/stretch
}

func newSoxTempo(stretch float64) (*soxTempo, error) {
	path, err := exec.LookPath("sox")
	if err != nil {
		return nil, fmt.Errorf("a festival stretch other than 1 needs sox: %w (install the Debian package)", err)
	}
	return &soxTempo{path: path, factor: strconv.FormatFloat(1/stretch, 'f', 4, 64)}, nil
}

// apply returns pcm at the new tempo.
func (t *soxTempo) apply(ctx context.Context, pcm []int16) ([]int16, error) {
	if len(pcm) == 0 {
		return pcm, nil
	}
	raw := []string{"-t", "raw", "-r", strconv.Itoa(Rate), "-e", "signed", "-b", "16", "-c", "1", "-L"}
	args := append(append(append([]string{"-q"}, raw...), "-"), raw...)
	args = append(args, "-", "tempo", "-s", t.factor)
	cmd := exec.CommandContext(ctx, t.path, args...)
	in := make([]byte, 2*len(pcm))
	for i, s := range pcm {
		binary.LittleEndian.PutUint16(in[2*i:], uint16(s))
	}
	cmd.Stdin = bytes.NewReader(in)
	var out bytes.Buffer
	stderr := &tailBuffer{max: maxStderr}
	cmd.Stdout, cmd.Stderr = &out, stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("sox tempo: %w: %s", err, stderr.String())
	}
	b := out.Bytes()
	res := make([]int16, len(b)/2)
	for i := range res {
		res[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	if len(res) == 0 {
		return nil, fmt.Errorf("sox tempo: no audio out of %d samples", len(pcm))
	}
	return res, nil
}
