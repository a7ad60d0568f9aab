package loadtest

import (
	"context"
	"fmt"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/testcalls"
)

// DetectLive runs first-phrase detection on live calls (`dozvon bench
// detect`): each sample is a simulated phone's answer to a robot call placed
// through p as template says (script, variables, recognizer), so the robot's
// greeting overlaps the recording as on a real line. It returns the verdicts
// for detect.Summarise and how many calls ended without one (those count as
// wrong, class "none", at the call's length).
func DetectLive(ctx context.Context, p Placer, phones *testcalls.Callee, set []detect.Sample, template callflow.Request, channels int) (files []detect.FileResult, undecided int) {
	reqs := make([]callflow.Request, len(set))
	for i, smp := range set {
		// the phone answers with the recording, stays quiet 3 s after the
		// robot's prompt, then hangs up: the verdict is all this measures
		reqs[i] = template
		reqs[i].To = phones.Phone(fmt.Sprintf("rec-%d", i), testcalls.Behaviour{Ring: 100 * time.Millisecond,
			GreetingAudio: smp.Audio, GreetingText: smp.Text, Steps: []testcalls.Step{{Silence: 3 * time.Second}, {Hangup: true}}})
	}
	files = make([]detect.FileResult, len(set))
	for i, rep := range PlaceAll(ctx, p, reqs, channels, nil) {
		files[i] = detect.FileResult{Path: set[i].Path, Label: set[i].Label}
		if d := rep.Result.Detection; d != nil {
			files[i].Decision = *d
			continue
		}
		undecided++
		files[i].Decision = detect.Decision{Class: "none", At: rep.Duration, SettledAt: rep.Duration}
	}
	return files, undecided
}
