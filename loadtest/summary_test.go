package loadtest

import (
	"testing"
	"time"

	"github.com/dozvon/dozvon/media"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/testcalls"
)

func TestSummarizeBenchClassifiesCalls(t *testing.T) {
	hist := func(d time.Duration, n int) *media.LatenessHistogram {
		h := &media.LatenessHistogram{}
		for range n {
			h.Add(d)
		}
		return h
	}
	media := func(sent, recv int64) telephony.MediaStats {
		return telephony.MediaStats{FramesSent: sent, FramesReceived: recv,
			SendLate: hist(time.Millisecond, 10), ArrivalJitter: hist(2*time.Millisecond, 10)}
	}
	calls := []callSample{
		{callID: "a", outcome: scripts.OutcomeIdentified, endReason: "local", media: media(100, 90), setup: 50 * time.Millisecond},
		{callID: "b", outcome: scripts.OutcomeIdentified, endReason: "media_timeout", media: media(100, 90)},
		{callID: "c", outcome: scripts.OutcomeFailed, endReason: "local", capped: true, media: media(100, 90)},
		{callID: "d", outcome: scripts.OutcomeNoInput, endReason: "local", media: media(100, 90)},
		{dialErr: &telephony.DialError{Result: telephony.Busy, Code: 486}},
	}
	crep := CalleeReport{Calls: []testcalls.CalleeReport{
		{CallID: "a", Media: telephony.MediaStats{FramesSent: 91, FramesReceived: 99, ArrivalJitter: hist(3*time.Millisecond, 99)}},
	}}
	res := Result{Outcomes: map[string]int{}, EndReasons: map[string]int{}}
	summarize(&res, calls, crep)
	if res.Completed != 1 || res.Dropped != 2 || res.Failed != 2 {
		t.Fatalf("completed %d dropped %d failed %d, want 1 2 2 (%v)", res.Completed, res.Dropped, res.Failed, res.FailureSamples)
	}
	if res.OutFramesSent != 400 || res.OutFramesReceived != 99 || res.InFramesSent != 91 || res.CalleeReportsMissing != 3 {
		t.Fatalf("frames out %d/%d in %d, missing reports %d", res.OutFramesSent, res.OutFramesReceived, res.InFramesSent, res.CalleeReportsMissing)
	}
	if res.OutJitterP99Ms != 3.25 || res.SendLateP99Ms != 1.25 {
		t.Fatalf("far-end jitter p99 %.2f ms, send late p99 %.2f ms; want the merged histograms' 3.25 and 1.25", res.OutJitterP99Ms, res.SendLateP99Ms)
	}
}
