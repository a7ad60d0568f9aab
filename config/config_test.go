package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/robot"
)

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name    string
		file    string // YAML body ("" = no file given)
		env     map[string]string
		wantErr string
		check   func(t *testing.T, c Config)
	}{
		{name: "defaults", check: func(t *testing.T, c Config) {
			if c.ASR.Engine != "vosk" || c.TTS.Engine != "espeak" || c.Store.DSN != "sqlite:var/dozvon.db" || c.SIP.Listen[0].Port != 5060 {
				t.Fatalf("defaults %+v", c)
			}
		}},
		{name: "file values", file: "sip:\n  listen: [{transport: tcp, host: 0.0.0.0, port: 5070}]\n  ring_timeout: 20s\nasr: {engine: dtmf}\n",
			check: func(t *testing.T, c Config) {
				if c.SIP.Listen[0].Transport != "tcp" || c.SIP.Listen[0].Port != 5070 || c.SIP.RingTimeout.Seconds() != 20 || c.ASR.Engine != "dtmf" {
					t.Fatalf("got %+v", c)
				}
			}},
		{name: "env overrides the file", file: "asr: {engine: dtmf}\n",
			env: map[string]string{"DOZVON_ASR": "vosk", "VOSK_MODEL": "/m", "DOZVON_SIP_PORT": "5099", "DOZVON_DSN": "postgres://x"},
			check: func(t *testing.T, c Config) {
				if c.ASR.Engine != "vosk" || c.ASR.Model != "/m" || c.SIP.Listen[0].Port != 5099 || c.Store.DSN != "postgres://x" {
					t.Fatalf("got %+v", c)
				}
			}},
		{name: "http listen", file: "http: {listen: 0.0.0.0:9090}\n", check: func(t *testing.T, c Config) {
			if c.HTTP.Listen != "0.0.0.0:9090" || Default().HTTP.Listen != "127.0.0.1:8080" {
				t.Fatalf("http.listen %q", c.HTTP.Listen)
			}
		}},
		{name: "inbound policy", file: "inbound: {queue: all, ring_timeout: 15s}\n", check: func(t *testing.T, c Config) {
			if c.Inbound.Queue != "all" || c.Inbound.RingTimeout.Seconds() != 15 || c.Inbound.QueueMaxWait.Minutes() != 2 || c.Inbound.AnnounceEvery.Seconds() != 30 {
				t.Fatalf("inbound %+v", c.Inbound)
			}
		}},
		{name: "inbound defaults", check: func(t *testing.T, c Config) {
			if c.Inbound.Queue != "known" || c.Inbound.RingTimeout.Seconds() != 20 {
				t.Fatalf("inbound %+v", c.Inbound)
			}
		}},
		{name: "bad inbound queue", file: "inbound: {queue: everyone}\n", wantErr: `inbound: queue "everyone"`},
		{name: "handoff collector's unknown trunk", file: "handoff: {collectors: [{login: erin, phone: 8 903 555-01-01, trunk: mobile}]}\n", wantErr: `handoff: collectors[0]: trunk "mobile" is not in sip.trunks`},
		{name: "handoff unknown refer trunk", file: "handoff: {refer_trunks: [pbx]}\n", wantErr: `handoff: refer_trunks[0]: trunk "pbx" is not in sip.trunks`},
		{name: "handoff collectors", file: "sip: {trunks: [{name: mobile, host: sip.mobile.example}, {name: pbx, host: pbx.example}]}\nhandoff:\n  caller_id: 8 495 000-00-00\n  refer_trunks: [pbx]\n  collectors:\n    - {login: erin, phone: 8 903 555-01-01, trunk: mobile, email: erin@agency.example}\n    - {login: desk, uri: \"sip:desk@10.0.0.9\"}\n", check: func(t *testing.T, c Config) {
			e, ok := c.HandOff.Endpoint("erin")
			if !ok || e.Phone != "+79035550101" || e.Trunk != "mobile" || e.Email != "erin@agency.example" || c.HandOff.CallerID != "+74950000000" || c.HandOff.HoldAudio != "tone" {
				t.Fatalf("handoff %+v", c.HandOff)
			}
		}},
		{name: "handoff collector's bad phone", file: "handoff: {collectors: [{login: erin, phone: 12x}]}\n", wantErr: "handoff: collectors[0]: collector erin: phone"},
		{name: "handoff collector listed twice", file: "handoff: {collectors: [{login: erin, email: a@b.c}, {login: erin, email: d@e.f}]}\n", wantErr: "listed twice"},
		{name: "http listen without a port", file: "http: {listen: localhost}\n", wantErr: "http.listen"},
		{name: "empty file keeps defaults", file: "", check: func(t *testing.T, c Config) {
			if c.TTS.Engine != "espeak" {
				t.Fatalf("got %+v", c)
			}
		}},
		{name: "creditor", file: "creditor: ООО «Вектор»\n", check: func(t *testing.T, c Config) {
			v := callflow.Vars(c.Creditor, "Иванов Иван Иванович", "Иван")
			if c.Creditor != "ООО «Вектор»" || v["creditor"].(map[string]any)["name"] != "ООО «Вектор»" {
				t.Fatalf("creditor %q, vars %v", c.Creditor, v)
			}
		}},
		{name: "creditor from the environment", file: "creditor: ООО «Вектор»\n", env: map[string]string{"DOZVON_CREDITOR": "АО «Сигма»"},
			check: func(t *testing.T, c Config) {
				if c.Creditor != "АО «Сигма»" {
					t.Fatalf("creditor %q", c.Creditor)
				}
			}},
		{name: "no creditor leaves the script's default", check: func(t *testing.T, c Config) {
			if v := callflow.Vars(c.Creditor, "Иванов Иван Иванович", "Иван"); c.Creditor != "" || v["creditor"] != nil {
				t.Fatalf("creditor %q, vars %v", c.Creditor, v)
			}
		}},
		{name: "unknown key names its line", file: "sip:\n  name: x\n  lisen: []\n", wantErr: "line 3"},
		{name: "bad engine", file: "asr: {engine: google}\n", wantErr: `asr.engine "google"`},
		{name: "bad duration", file: "sip: {ring_timeout: soon}\n", wantErr: "line 1"},
		{name: "bad codec", file: "sip: {codecs: [G729]}\n", wantErr: `codec "G729"`},
		{name: "non-human reaction", file: "robot:\n  non_human:\n    actions: {voice_assistant: message}\n    message: Здравствуйте. Перезвоните, пожалуйста, на этот номер.\n",
			check: func(t *testing.T, c Config) {
				if c.Robot.NonHuman.Actions[detect.VoiceAssistant] != robot.NonHumanMessage || c.Robot.NonHuman.Message == "" {
					t.Fatalf("got %+v", c.Robot.NonHuman)
				}
			}},
		{name: "non-human message that discloses the debt", file: "robot:\n  non_human: {message: Оплатите долг}\n", wantErr: "robot.non_human"},
		{name: "bad port in env", env: map[string]string{"DOZVON_SIP_PORT": "fifty"}, wantErr: "DOZVON_SIP_PORT"},
		{name: "explicit missing file", env: map[string]string{"DOZVON_CONFIG": filepath.Join(dir, "nope.yaml")}, wantErr: "nope.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.file != "" || tt.name == "empty file keeps defaults" {
				path = write(strings.ReplaceAll(tt.name, " ", "_")+".yaml", tt.file)
			}
			getenv := func(k string) string { return tt.env[k] }
			c, err := Load(path, getenv)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}
