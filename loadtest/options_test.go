package loadtest

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseBenchOptions(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
		wantN   int
	}{
		{args: nil, wantN: 100},
		{args: []string{"-n", "500", "--duration", "30s", "--json"}, wantN: 500},
		{args: []string{"-n", "0"}, wantErr: "-n 0: want 1..5000"},
		{args: []string{"-n", "2", "--duration", "10ms"}, wantErr: "--duration 10ms"},
		{args: []string{"-n", "2", "--ramp", "-1s"}, wantErr: "--ramp -1s"},
		{args: []string{"-n", "2", "extra"}, wantErr: `unexpected argument "extra"`},
		{args: []string{"-n", "x"}, wantErr: "invalid value"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stderr bytes.Buffer
			o, err := ParseArgs(tt.args, &stderr)
			if tt.wantErr != "" {
				msg := stderr.String()
				if err != nil {
					msg += err.Error()
				}
				if err == nil || !strings.Contains(msg, tt.wantErr) {
					t.Fatalf("err %v (stderr %q), want one mentioning %q", err, stderr.String(), tt.wantErr)
				}
				return
			}
			if err != nil || o.N != tt.wantN {
				t.Fatalf("got n=%d err=%v, want n=%d", o.N, err, tt.wantN)
			}
		})
	}
}
