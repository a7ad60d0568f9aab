package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// noEnv is an empty environment: the fuzzed file alone decides.
func noEnv(string) string { return "" }

// FuzzLoad reads any bytes as the config file (no environment). A refusal
// names the file; an accepted config passes its own checks and, written back
// as YAML, loads to a config that writes the same: what the operator sees in `dozvon.yaml`
// is what runs.
func FuzzLoad(f *testing.F) {
	for _, s := range []string{
		"sip:\n  listen: [{transport: tcp, host: 0.0.0.0, port: 5070}]\n  ring_timeout: 20s\nasr: {engine: dtmf}\n",
		"creditor: ООО «Вектор»\n",
		"sip:\n  name: x\n  lisen: []\n",
		"sip: {ring_timeout: soon}\n",
		"sip: {codecs: [PCMA, PCMU], rtp_port_min: 20000, rtp_port_max: 20100}\n",
		"robot:\n  non_human:\n    actions: {voice_assistant: message}\n    message: Здравствуйте. Перезвоните, пожалуйста, на этот номер.\n",
		"vad: {start_after: 60ms, trailing_silence: 700ms}\ntts: {engine: festival}\nstore: {dsn: 'postgres://x'}\n",
		"",
	} {
		f.Add([]byte(s))
	}
	path := filepath.Join(f.TempDir(), "dozvon.yaml") // one per fuzz process: see scripts' lintDir
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load(path, noEnv)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "config "+path) {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if err := c.SIP.Validate(); err != nil {
			t.Fatalf("loaded a config that fails its own check: %v", err)
		}
		out, err := yaml.Marshal(c)
		if err != nil {
			t.Fatalf("marshal a loaded config: %v", err)
		}
		if err := os.WriteFile(path, out, 0o600); err != nil {
			t.Fatal(err)
		}
		again, err := Load(path, noEnv)
		if err != nil {
			t.Fatalf("a loaded config written back does not load: %v\n%s", err, out)
		}
		// compared as written: an empty list and no list are the same setting
		if out2, err := yaml.Marshal(again); err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("written back and loaded again, the config changed:\n%s\n%s", out, out2)
		}
	})
}
