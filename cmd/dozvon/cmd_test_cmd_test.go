package main

import (
	"strings"
	"testing"
)

func TestParseTestFlags(t *testing.T) {
	tests := []struct {
		args    string
		wantErr string
		check   func(testFlags) bool
	}{
		{"s.yaml c.yaml", "", func(f testFlags) bool { return !f.audio && f.gate == nil && len(f.files) == 2 }},
		{"s.yaml c.yaml --audio --parallel 8 --keep k --junit j.xml --json", "", func(f testFlags) bool {
			return f.audio && f.parallel == 8 && f.keep == "k" && f.junit == "j.xml" && f.json
		}},
		{"--gate 98,95 s.yaml c.yaml", "", func(f testFlags) bool { return f.gate.MinPass == 98 && f.gate.MinEdges == 95 }},
		{"s.yaml c.yaml --min-pass 90 --min-edges 80%", "", func(f testFlags) bool { return f.gate.MinPass == 90 && f.gate.MinEdges == 80 }},
		{"s.yaml c.yaml --gate 98", "want PASS,EDGES", nil},
		{"s.yaml c.yaml --gate 98,120", "want a percentage", nil},
		{"s.yaml c.yaml --parallel 0", "want a number ≥ 1", nil},
		{"s.yaml c.yaml --keep k", "--keep is for --audio", nil},
		{"s.yaml", "want a script and at least one case file", nil},
		{"s.yaml c.yaml --bogus", "unknown flag --bogus", nil},
		{"s.yaml c.yaml --junit", "--junit needs a value", nil},
		{"s.yaml c.yaml --asr-errors 0.1 --asr-seed 7", "", func(f testFlags) bool { return f.asrErrors.Rate == 0.1 && f.asrErrors.Seed == 7 }},
		{"s.yaml c.yaml --asr-errors 0.2", "", func(f testFlags) bool { return f.asrErrors.Rate == 0.2 && f.asrErrors.Seed == 1 }},
		{"s.yaml c.yaml --asr-errors 1.5", "want a rate per word 0–1", nil},
		{"s.yaml c.yaml --asr-seed x", "want a whole number", nil},
		{"s.yaml c.yaml --audio --asr-errors 0.1", "--asr-errors is for the text level", nil},
	}
	for _, tc := range tests {
		f, err := parseTestFlags(strings.Fields(tc.args))
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q: err %v, want %q", tc.args, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !tc.check(f) {
			t.Errorf("%q: %+v, %v", tc.args, f, err)
		}
	}
}
