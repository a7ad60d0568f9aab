package testcalls

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/dozvon/dozvon/internal/logsink"
	"github.com/dozvon/dozvon/media"
)

// SoftphoneConfig is a collector's softphone for end-to-end tests.
type SoftphoneConfig struct {
	User, Password string
	Registrar      string        // host:port its account registers to (a dozvon node)
	Talk           time.Duration // how long it "speaks" once it answers: a tone, then it hangs up
	ToneHz         float64       // the tone's pitch
	Answer         string        // baresip's answer mode: "auto" (default) answers at once, "manual" rings until cancelled
	Dir            string        // where its configuration goes
}

// Softphone is baresip (Debian) as a collector's softphone, a test double
// of a person at a phone: registered with digest auth, answering, and
// "speaking" a tone file — baresip hangs up when its audio file ends, so
// the tone's length is the collector's part of the call. Its SIP trace is
// kept.
type Softphone struct {
	cmd *exec.Cmd
	out logsink.Buffer
}

// ErrNoBaresip means baresip is not installed (tools/setup-debian.sh).
var ErrNoBaresip = errors.New("baresip not installed")

// StartSoftphone starts baresip with cfg; it runs until Stop or ctx ends.
func StartSoftphone(ctx context.Context, cfg SoftphoneConfig) (*Softphone, error) {
	if _, err := exec.LookPath("baresip"); err != nil {
		return nil, ErrNoBaresip
	}
	if cfg.Answer == "" {
		cfg.Answer = "auto"
	}
	tone := filepath.Join(cfg.Dir, "tone.wav")
	if err := writeTone(tone, cfg.ToneHz, cfg.Talk); err != nil {
		return nil, fmt.Errorf("softphone: %w", err)
	}
	port, err := freeUDPPort()
	if err != nil {
		return nil, fmt.Errorf("softphone: %w", err)
	}
	conf := fmt.Sprintf(`poll_method epoll
sip_listen 127.0.0.1:%d
net_interface 127.0.0.1
rtp_ports 30000-39999
audio_player aubridge,sink
audio_alert aubridge,sink
audio_source aufile,%s
module_path /usr/lib/baresip/modules
module g711.so
module aufile.so
module aubridge.so
module_app account.so
`, port, tone)
	acc := fmt.Sprintf("<sip:%s@%s>;auth_pass=%s;answermode=%s;regint=300;audio_codecs=PCMU,PCMA\n", cfg.User, cfg.Registrar, cfg.Password, cfg.Answer)
	for name, body := range map[string]string{"config": conf, "accounts": acc, "contacts": ""} {
		if err := os.WriteFile(filepath.Join(cfg.Dir, name), []byte(body), 0o600); err != nil {
			return nil, fmt.Errorf("softphone: %w", err)
		}
	}
	s := &Softphone{cmd: exec.CommandContext(ctx, "baresip", "-f", cfg.Dir, "-s")}
	s.cmd.Stdout, s.cmd.Stderr = &s.out, &s.out
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("softphone: %w", err)
	}
	return s, nil
}

// Trace is what baresip printed so far (its SIP trace).
func (s *Softphone) Trace() string { return s.out.String() }

// Stop kills baresip and waits for it.
func (s *Softphone) Stop() {
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
}

func freeUDPPort() (int, error) {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port, nil
}

// writeTone writes d of a sine at hz, 8 kHz mono.
func writeTone(path string, hz float64, d time.Duration) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w, err := media.NewWAVWriter(f, 8000, 1)
	if err != nil {
		return err
	}
	pcm := make([]int16, int(d.Seconds()*8000))
	for i := range pcm {
		pcm[i] = int16(8000 * math.Sin(2*math.Pi*hz*float64(i)/8000))
	}
	if err := w.Write(pcm); err != nil {
		return err
	}
	return w.Close()
}
