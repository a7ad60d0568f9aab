package loadtest

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"
)

func TestParseAPIArgs(t *testing.T) {
	t.Parallel()
	def := APIOptions{Clients: 200, Calls: 200, Rate: 50, Hold: 10 * time.Second, APIRate: 50, Sipp: "sipp", Script: "scripts/verify_contact.yaml"}
	tests := []struct {
		name    string
		args    []string
		want    APIOptions
		wantErr string // part of the error; "" for none
	}{
		{name: "defaults", args: nil, want: def},
		{name: "all flags", args: []string{"--clients", "10", "--calls", "20", "--rate", "5", "--hold", "3s", "--api-rate", "7", "--sipp", "/bin/sipp", "--json"},
			want: APIOptions{Clients: 10, Calls: 20, Rate: 5, Hold: 3 * time.Second, APIRate: 7, Sipp: "/bin/sipp", Script: def.Script, JSON: true}},
		{name: "no clients", args: []string{"--clients", "0"}, wantErr: "--clients 0"},
		{name: "no calls", args: []string{"--calls", "0"}, wantErr: "--calls 0"},
		{name: "no rate", args: []string{"--rate", "-1"}, wantErr: "--rate -1"},
		{name: "no API rate", args: []string{"--api-rate", "0"}, wantErr: "--api-rate 0"},
		{name: "short hold", args: []string{"--hold", "500ms"}, wantErr: "--hold 500ms"},
		{name: "stray argument", args: []string{"extra"}, wantErr: `unexpected argument "extra"`},
		{name: "unknown flag", args: []string{"--nope"}, wantErr: "nope"},
	}
	for _, tc := range tests {
		got, err := ParseAPIArgs(tc.args, io.Discard)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.wantErr == "" && got != tc.want:
			t.Errorf("%s: got %+v\nwant %+v", tc.name, got, tc.want)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: err %v, want one containing %q", tc.name, err, tc.wantErr)
		}
	}
}

// ms is milliseconds as durations.
func ms(n ...int) []time.Duration {
	ds := make([]time.Duration, 0, len(n))
	for _, v := range n {
		ds = append(ds, time.Millisecond*time.Duration(v))
	}
	return ds
}

func TestDistOf(t *testing.T) {
	t.Parallel()
	// 100 ms down to 1 ms: unsorted on purpose.
	var hundred []int
	for v := 100; v >= 1; v-- {
		hundred = append(hundred, v)
	}
	tests := []struct {
		name string
		in   []time.Duration
		want Dist
	}{
		{name: "none", in: nil, want: Dist{}},
		{name: "one", in: ms(7), want: Dist{N: 1, P50: 7, P99: 7, Max: 7}},
		{name: "hundred", in: ms(hundred...), want: Dist{N: 100, P50: 50, P99: 99, Max: 100}},
		{name: "one outlier in a hundred and one", in: append(ms(hundred...), 5*time.Second), want: Dist{N: 101, P50: 51, P99: 100, Max: 5000}},
	}
	for _, tc := range tests {
		if got := distOf(tc.in); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestSummariseClients(t *testing.T) {
	t.Parallel()
	clients := []*wsClient{
		{delays: ms(1, 2, 3, 4)},
		{delays: ms(10), early: true},
		{delays: ms(5, 6, 7, 8, 9)},
	}
	var f APIFigures
	summariseClients(&f, clients)
	if f.EventsMin != 1 || f.EventsAvg != 10.0/3 || f.ClientsLost != 1 {
		t.Fatalf("events min %d avg %v lost %d, want 1, 3.33, 1", f.EventsMin, f.EventsAvg, f.ClientsLost)
	}
	// Every event at every client counts: 1..10 ms.
	if want := (Dist{N: 10, P50: 5, P99: 10, Max: 10}); f.EventDelay != want {
		t.Fatalf("delay %+v, want %+v", f.EventDelay, want)
	}
	var none APIFigures
	summariseClients(&none, nil)
	if none.EventsMin != 0 || none.EventsAvg != 0 {
		t.Fatalf("no clients: min %d avg %v, want 0 0", none.EventsMin, none.EventsAvg)
	}
}

func TestWriteAPIJSONIsOneObject(t *testing.T) {
	t.Parallel()
	f := APIFigures{Clients: 2, Calls: 3, CallsAnswered: 3, API: Dist{N: 4, P50: 1, P99: 2, Max: 3}, EventDelay: Dist{N: 9, P99: 12.5}}
	var buf bytes.Buffer
	if err := WriteAPI(&buf, APIOptions{JSON: true}, f); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(&buf)
	var got map[string]any
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	if dec.More() {
		t.Fatalf("more than one JSON value: %q", buf.String())
	}
	delay, _ := got["event_delay"].(map[string]any)
	if got["calls_answered"] != 3.0 || delay["p99_ms"] != 12.5 {
		t.Fatalf("got %v", got)
	}
	buf.Reset()
	if err := WriteAPI(&buf, APIOptions{Hold: time.Second, APIRate: 5}, f); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "delay p50 0.0 ms, p99 12.5 ms") {
		t.Fatalf("text:\n%s", buf.String())
	}
}

func TestRememberCallIDs(t *testing.T) {
	t.Parallel()
	b := NewAPIBench(APIOptions{Calls: 1, Rate: 1, Hold: time.Second})
	if p := b.nextPath(2); p != "/api/v1/calls" {
		t.Fatalf("no ids yet: %q, want the calls list", p)
	}
	b.remember([]byte(`{"calls":[{"id":"a"},{"id":"b"},{"id":"a"}],"next_cursor":""}`))
	b.remember([]byte(`not json`))
	got := []string{b.nextPath(0), b.nextPath(1), b.nextPath(2), b.nextPath(5), b.nextPath(8)}
	want := []string{"/api/v1/debtors", "/api/v1/calls", "/api/v1/calls/a", "/api/v1/calls/b", "/api/v1/calls/a"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("paths %q, want %q", got, want)
		}
	}
}
