package loadtest

import (
	"errors"
	"testing"
	"time"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/media"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/telephony"
)

func TestSummarizeFullClassifiesCalls(t *testing.T) {
	late := &media.LatenessHistogram{}
	for range 100 {
		late.Add(time.Millisecond)
	}
	answered := string(telephony.Answered)
	r := fullRun{
		tasks: []scheduler.Event{
			{Decision: &compliance.Decision{Allowed: false, Reason: "outside hours"}},
			{Err: errors.New("store down")},
			{Decision: &compliance.Decision{Allowed: true}, Attempt: &scheduler.Attempt{RecordingPath: "/nonexistent.wav"}},
		},
		ended: []endedCall{
			{outcome: "identified", result: answered, endReason: "local", sendLate: late, heard: 2},
			{outcome: "identified", result: answered, endReason: "remote", sendLate: late},
			{outcome: "no_input", result: answered, endReason: "media_timeout"},
			{outcome: "no_input", result: answered, endReason: "local", heard: 1},
			{result: string(telephony.Busy)},
		},
		callee:  CalleeReport{Calls: nil},
		audit:   compliance.AuditResult{Entries: 5, Findings: []compliance.Finding{{Rule: "hours", Detail: "B-1 at 23:00"}}},
		timings: &pathTimings{},
	}
	r.timings.reserve.add(2 * time.Millisecond)
	res := FullResult{Calls: 8, Outcomes: map[string]int{}, EndReasons: map[string]int{}, PeakConcurrent: 4,
		RobotCPUPlateauPercent: 40, RobotPeakRSSMiB: 90, BaseRSSMiB: 50}
	summarizeFull(&res, r)
	if res.Completed != 1 || res.Dropped != 2 || res.Failed != 5 || res.Denied != 1 {
		t.Fatalf("completed %d dropped %d failed %d denied %d, want 1 2 5 1 (not placed count as failed)", res.Completed, res.Dropped, res.Failed, res.Denied)
	}
	if res.Violations != 1 || res.LedgerEntries != 5 || len(res.Findings) != 1 {
		t.Fatalf("violations %d entries %d findings %v", res.Violations, res.LedgerEntries, res.Findings)
	}
	if res.CallsHeard != 2 || res.TurnsHeard != 3 || res.OutFramesSent != 200 || res.Recordings != 0 {
		t.Fatalf("heard %d calls %d turns, frames sent %d, recordings %d", res.CallsHeard, res.TurnsHeard, res.OutFramesSent, res.Recordings)
	}
	if res.CPUPer100Calls != 1000 || res.RSSPer100CallsMiB != 1000 || res.Reserve.N != 1 {
		t.Fatalf("per 100 calls: cpu %.1f rss %.1f; reserve n %d", res.CPUPer100Calls, res.RSSPer100CallsMiB, res.Reserve.N)
	}
}

// TestHistMsSaysTheTopBucketIsOpen: a lateness beyond the histogram's range
// prints as "≥64", not as the bucket's edge read as a measurement; one in
// range prints as its bucket's edge.
func TestHistMsSaysTheTopBucketIsOpen(t *testing.T) {
	var h media.LatenessHistogram
	h.Add(500 * time.Millisecond)
	if got := histMs(h.Quantile(0.99).Seconds() * 1000); got != "≥64" {
		t.Errorf("a 500 ms lateness prints as %q, want ≥64", got)
	}
	var in media.LatenessHistogram
	in.Add(9900 * time.Microsecond)
	if got := histMs(in.Quantile(0.99).Seconds() * 1000); got != "10.00" {
		t.Errorf("a 9.9 ms lateness prints as %q, want 10.00 (its bucket's upper edge)", got)
	}
}
