package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/testcalls"
	"github.com/dozvon/dozvon/tts"
)

// TestCallCommand runs `dozvon call` against a simulated phone that answers
// with the keypad: the CLI contract is a turn-by-turn log, the outcome and
// exit 0; a busy line is exit 3 with the SIP result.
func TestCallCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("places real loopback calls")
	}
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed (tools/setup-debian.sh)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	dir := t.TempDir()
	engine, err := tts.NewEspeak(tts.EspeakOptions{})
	if err != nil {
		t.Fatal(err)
	}
	phones, err := testcalls.NewCallee(ctx, telephony.Config{Name: "phones", Listen: []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}}},
		tts.NewCache(filepath.Join(dir, "tts"), engine, engine.Key()), nil)
	if err != nil {
		t.Fatal(err)
	}
	keypad := phones.Phone("keypad-debtor", testcalls.Behaviour{Ring: 200 * time.Millisecond,
		Steps: []testcalls.Step{{DTMF: "1"}, {DTMF: "1"}}})
	busy := phones.Phone("busy-debtor", testcalls.Behaviour{Reject: 486})
	// a long recorded greeting; with keypad-only recognition there is no
	// text, so the verdict comes from its length at the end of the analysis
	voicemail := phones.Phone("voicemail", testcalls.Behaviour{Ring: 200 * time.Millisecond,
		Greeting: "Здравствуйте, вы позвонили Ивану. Меня сейчас нет на месте, оставьте сообщение после сигнала, и я обязательно вам перезвоню."})
	cfgPath := filepath.Join(dir, "dozvon.yaml")
	cfg := fmt.Sprintf("sip:\n  listen: [{transport: udp, host: 127.0.0.1, port: 0}]\n  record_dir: %s\ntts: {cache_dir: %s}\nstore: {dsn: \"sqlite:%s\"}\n",
		filepath.Join(dir, "rec"), filepath.Join(dir, "tts"), filepath.Join(dir, "db", "dozvon.db"))
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	repoRoot, _ := filepath.Abs(filepath.Join("..", ".."))
	script := filepath.Join(repoRoot, "scripts", "verify_contact.yaml")
	tests := []struct {
		name     string
		to       string
		wantCode int
		want     []string
	}{
		{"keypad confirms", keypad, 0, []string{"not a phone number", "robot :", "caller: [dtmf] 1", "outcome: identified", "recording "}},
		{"busy line", busy, 3, []string{"not connected", "busy", "486"}},
		{"voicemail", voicemail, 0, []string{"first phrase: machine", "  - speech starts at", "outcome: machine", "detected_class=machine"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			e := env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
			code := run(ctx, e, []string{"call", "--to", tt.to, "--asr", "dtmf", "--config", cfgPath, "--script", script,
				"--var", "debtor.name=Иванов Иван Иванович", "--var", "debtor.first_name=Иван"})
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, out.String(), errOut.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Fatalf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}
