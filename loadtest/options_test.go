package loadtest

import (
	"bytes"
	"encoding/xml"
	"io"
	"io/fs"
	"strings"
	"testing"
	"time"
)

func TestParseBenchOptions(t *testing.T) {
	tests := []struct {
		args     []string
		wantErr  string
		wantN    int
		wantFull bool
	}{
		{args: nil, wantN: 100},
		{args: []string{"-n", "500", "--duration", "30s", "--json"}, wantN: 500},
		{args: []string{"-n", "0"}, wantErr: "-n 0: want 1..5000"},
		{args: []string{"-n", "2", "--duration", "10ms"}, wantErr: "--duration 10ms"},
		{args: []string{"-n", "2", "--ramp", "-1s"}, wantErr: "--ramp -1s"},
		{args: []string{"-n", "2", "extra"}, wantErr: `unexpected argument "extra"`},
		{args: []string{"-n", "x"}, wantErr: "invalid value"},
		{args: []string{"--full", "--compare", "-n", "2000"}, wantN: 2000, wantFull: true},
		{args: []string{"--compare"}, wantErr: "--compare needs --full"},
		{args: []string{"--full", "--pacing", "per-call"}, wantErr: "--pacing per-call is for the media-only bench"},
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
			if err != nil || o.N != tt.wantN || o.Full != tt.wantFull || o.Compare != tt.wantFull {
				t.Fatalf("got n=%d full=%v compare=%v err=%v, want n=%d full=compare=%v", o.N, o.Full, o.Compare, err, tt.wantN, tt.wantFull)
			}
		})
	}
}

func TestParseSoakArgs(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
		check   func(SoakOptions) bool
	}{
		{args: nil, check: func(o SoakOptions) bool {
			return o.Waves == 4 && len(o.Legs) == 4 && o.Hold == 5*time.Second
		}},
		{args: []string{"--legs", "in, out-rtp", "--waves", "2"}, check: func(o SoakOptions) bool {
			return o.Waves == 2 && strings.Join(o.Legs, ",") == "in,out-rtp"
		}},
		{args: []string{"--legs", "in,sideways"}, wantErr: `unknown leg "sideways"`},
		{args: []string{"--waves", "0"}, wantErr: "--waves 0"},
		{args: []string{"--rate", "-1"}, wantErr: "must be positive"},
		{args: []string{"--hold", "10ms"}, wantErr: "--hold 10ms"},
	}
	for _, tt := range tests {
		o, err := ParseSoakArgs(tt.args, io.Discard)
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%q: error %v, want one with %q", tt.args, err, tt.wantErr)
		case tt.wantErr == "" && err != nil:
			t.Errorf("%q: %v", tt.args, err)
		case tt.check != nil && !tt.check(o):
			t.Errorf("%q: options %+v", tt.args, o)
		}
	}
}

func TestSummariseSoak(t *testing.T) {
	waves := []WaveFigures{
		{Wave: 1, HeapLiveMiB: 10, RSSMiB: 200, Legs: []LegFigures{{Answered: 9, Failed: 1, SippExit: 1}}},
		{Wave: 2, HeapLiveMiB: 11, RSSMiB: 240, Legs: []LegFigures{{Answered: 10}}},
		{Wave: 3, HeapLiveMiB: 12, RSSMiB: 210, Legs: []LegFigures{{Answered: 10}}},
	}
	s := Summarise(waves)
	if s.HeapLiveGrowth != 20 || s.RSSGrowth != 5 || s.RSSMaxGrowth != 20 {
		t.Errorf("growth heap %v rss %v worst %v, want 20, 5, 20", s.HeapLiveGrowth, s.RSSGrowth, s.RSSMaxGrowth)
	}
	if s.CallsAnswered != 29 || s.CallsFailed != 1 || s.SippCallerFailed != 1 {
		t.Errorf("calls %d answered %d failed %d sipp failures, want 29, 1, 1", s.CallsAnswered, s.CallsFailed, s.SippCallerFailed)
	}
	if z := Summarise(nil); z.RSSGrowth != 0 || len(z.Waves) != 0 {
		t.Errorf("no waves: %+v", z)
	}
}

// The embedded sipp scenarios are XML sipp can read: a broken one would
// only show when a soak's leg fails to start.
func TestSoakScenariosAreWellFormed(t *testing.T) {
	names, err := fs.Glob(scenarios, soakScripts+"/*.xml")
	if err != nil || len(names) != 2 {
		t.Fatalf("embedded scenarios %v (%v), want 2", names, err)
	}
	for _, name := range names {
		data, _ := scenarios.ReadFile(name)
		d := xml.NewDecoder(strings.NewReader(string(data)))
		d.Strict = true
		// The scenarios are ASCII; sipp's customary Latin-1 declaration reads as is.
		d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		if !strings.Contains(string(data), "play_pcap_audio") {
			t.Errorf("%s sends no RTP; the with-RTP legs need it", name)
		}
	}
}
