package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestDetectCommand(t *testing.T) {
	set := filepath.Join("..", "..", "detect", "testdata")
	assistant := filepath.Join(set, "holdout", "voice_assistant", "a06-espeak.wav")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string
	}{
		{"one file with its sidecar", []string{"file", assistant}, 0, []string{"first phrase: voice_assistant", `matches voice_assistant cues`}},
		{"one file, text given", []string{"file", assistant, "--text", "оставьте сообщение после сигнала"}, 0, []string{"first phrase: machine", "(text: --text)"}},
		{"a missing file is named", []string{"file", "nope.wav"}, 1, []string{"nope.wav"}},
		{"no file", []string{"file"}, 2, []string{"usage: dozvon detect"}},
		{"eval prints the report", []string{"eval", filepath.Join(set, "holdout")}, 0, []string{"accuracy: ", "decision latency, person or not", "class settled"}},
		{"eval rejects a bad line", []string{"eval", "--line", "g729", filepath.Join(set, "holdout")}, 2, []string{`line "g729"`}},
		{"unknown subcommand", []string{"tune"}, 2, []string{"usage: dozvon detect"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			e := env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
			code := run(context.Background(), e, append([]string{"detect"}, tt.args...))
			all := out.String() + errOut.String()
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\n%s", code, tt.wantCode, all)
			}
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("output lacks %q:\n%s", w, all)
				}
			}
		})
	}
	var out bytes.Buffer
	e := env{stdin: strings.NewReader(""), stdout: &out, stderr: &out, getenv: func(string) string { return "" }}
	if code := run(context.Background(), e, []string{"detect", "eval", "--json", filepath.Join(set, "holdout")}); code != 0 {
		t.Fatalf("eval --json: exit %d\n%s", code, out.String())
	}
	var rep map[string]any
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("eval --json is not JSON: %v\n%s", err, out.String())
	}
	for _, k := range []string{"n", "accuracy", "human_misclassified_rate", "confusion", "latency_ms"} {
		if _, ok := rep[k]; !ok {
			t.Errorf("eval --json lacks %q: %s", k, out.String())
		}
	}
}
