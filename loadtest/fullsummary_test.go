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
// prints as "≥1024", not as the bucket's edge read as a measurement; one
// past 64 ms prints as its 16 ms bucket's edge (it printed "≥64" before the
// histogram kept them), one under 64 ms as its 250 µs bucket's edge.
func TestHistMsSaysTheTopBucketIsOpen(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{5 * time.Second, "≥1024"},
		{500 * time.Millisecond, "512.00"},
		{64 * time.Millisecond, "80.00"},
		{9900 * time.Microsecond, "10.00"},
	} {
		var h media.LatenessHistogram
		h.Add(c.d)
		if got := histMs(h.Quantile(0.99).Seconds() * 1000); got != c.want {
			t.Errorf("a %v lateness prints as %q, want %s", c.d, got, c.want)
		}
		if got := histMs(histMax(&h).Seconds() * 1000); got != c.want {
			t.Errorf("a %v lateness's max prints as %q, want %s", c.d, got, c.want)
		}
	}
}
