package callflow_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/dozvon/dozvon/handoff"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/telephony/sipguard"
	"github.com/dozvon/dozvon/testcalls"
)

// The collector's softphone for the hand-off's acceptance tests (baresip)
// and what the tests measure a recording with.

// digestUser is a sip.security user with the MD5 HA1 for pass (the rig
// offers MD5 alone).
func digestUser(name, pass string) sipguard.User {
	m := md5.Sum([]byte(name + ":dozvon:" + pass))
	return sipguard.User{Name: name, HA1MD5: hex.EncodeToString(m[:])}
}

// softphone is testcalls.Softphone (baresip) as the collector's softphone.
type softphone struct{ *testcalls.Softphone }

func (s softphone) trace() string { return s.Trace() }

func startSoftphone(t *testing.T, ctx context.Context, ua *telephony.UA, user, pass string, talk time.Duration) *softphone {
	return startBaresip(t, ctx, ua, user, pass, talk, "auto")
}

// startBaresip is startSoftphone with baresip's answer mode (auto, manual: rings until cancelled).
func startBaresip(t *testing.T, ctx context.Context, ua *telephony.UA, user, pass string, talk time.Duration, answer string) *softphone {
	t.Helper()
	sp, err := testcalls.StartSoftphone(ctx, testcalls.SoftphoneConfig{User: user, Password: pass, Registrar: ua.Addr(),
		Talk: talk, ToneHz: collectorTone, Answer: answer, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sp.Stop()
		if t.Failed() {
			t.Logf("baresip:\n%s", sp.Trace())
		}
	})
	return &softphone{sp}
}

// waitRegistered waits (polling: the registrar has no event to wait on) until
// login's phone can ring, for at most 10 s.
func waitRegistered(t *testing.T, dir *handoff.Directory, login string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !dir.Presence(login).Registered {
		if time.Now().After(deadline) {
			t.Fatalf("%s's softphone did not register within 10 s", login)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func freeUDP(t *testing.T) int {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// channel picks one channel of interleaved stereo.
func channel(st []int16, c int) []int16 {
	out := make([]int16, len(st)/2)
	for i := range out {
		out[i] = st[2*i+c]
	}
	return out
}

func rms(f []int16) float64 {
	var s float64
	for _, v := range f {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s / float64(len(f)))
}

// toneAndVoice counts the 20 ms frames of a stereo recording with the
// collector's tone on the right and with a voice on the left.
func toneAndVoice(st []int16) (tone, voice int) {
	for f := 0; (f+1)*320 <= len(st); f++ {
		left, right := channel(st[f*320:(f+1)*320], 0), channel(st[f*320:(f+1)*320], 1)
		if toneShare(right, collectorTone) > 0.8 && rms(right) > 300 {
			tone++
		}
		if rms(left) > 300 {
			voice++
		}
	}
	return tone, voice
}

// toneShare is the share of f's energy at hz (Goertzel).
func toneShare(f []int16, hz float64) float64 {
	k := 2 * math.Cos(2*math.Pi*hz/8000)
	var s1, s2, total float64
	for _, v := range f {
		x := float64(v)
		total += x * x
		s1, s2 = x+k*s1-s2, s1
	}
	if total == 0 {
		return 0
	}
	power := s1*s1 + s2*s2 - k*s1*s2
	return 2 * power / (float64(len(f)) * total)
}

// needBaresip skips a test when baresip, the collector's softphone, is missing.
func needBaresip(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("baresip"); err != nil {
		t.Skip("baresip not installed: the collector's softphone (tools/setup-debian.sh)")
	}
}

// writeScript writes a script whose "import: %s" is the bundled phrase base
// and returns its path.
func writeScript(t *testing.T, name, src string) string {
	t.Helper()
	phrases, err := filepath.Abs("../scripts/phrases.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(fmt.Sprintf(src, phrases)), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// testLog logs through t (shown when a test fails).
func testLog(t *testing.T) *slog.Logger { return slog.New(slog.NewTextHandler(tWriter{t}, nil)) }

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimSpace(p)))
	return len(p), nil
}
