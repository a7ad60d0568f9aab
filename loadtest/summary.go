package loadtest

import (
	"time"

	"github.com/dozvon/dozvon/media"
	"github.com/dozvon/dozvon/scripts"
)

// summarize classifies the calls and merges the media figures of both
// sides. A call is completed when the script reached the expected outcome
// (identified) and the robot hung up; dropped when it was answered but ended
// under the robot (far end BYE, media timeout, media fault) or hit the cap;
// failed otherwise (dial failure, robot error, another outcome).
func summarize(res *Result, calls []callSample, crep CalleeReport) {
	byID := map[string]int{}
	for i, c := range crep.Calls {
		byID[c.CallID] = i
	}
	var setups, lengths []time.Duration
	outJitter, sendLate, inJitter := &media.LatenessHistogram{}, &media.LatenessHistogram{}, &media.LatenessHistogram{}
	outKernel := &media.LatenessHistogram{}
	steady := &media.LatenessHistogram{}
	var sendLateMax time.Duration
	for _, c := range calls {
		fail := func(why string) {
			res.Failed++
			if len(res.FailureSamples) < 5 {
				res.FailureSamples = append(res.FailureSamples, why)
			}
		}
		if c.dialErr != nil {
			res.Outcomes["dial_failed"]++
			fail("dial: " + c.dialErr.Error())
			continue
		}
		if c.callID == "" { // never dialled (interrupted)
			res.Outcomes["not_placed"]++
			res.Failed++
			continue
		}
		res.Outcomes[string(c.outcome)]++
		res.EndReasons[c.endReason]++
		setups = append(setups, c.setup)
		lengths = append(lengths, c.length)
		switch {
		case c.capped:
			res.Dropped++
			if len(res.FailureSamples) < 5 {
				res.FailureSamples = append(res.FailureSamples, "cut by --duration")
			}
		case c.endReason != "local":
			res.Dropped++
			if len(res.FailureSamples) < 5 {
				res.FailureSamples = append(res.FailureSamples, "ended by "+c.endReason)
			}
		case c.runErr != nil:
			fail("robot: " + c.runErr.Error())
		case c.outcome != scripts.OutcomeIdentified:
			fail("outcome " + string(c.outcome))
		default:
			res.Completed++
		}
		res.OutFramesSent += c.media.FramesSent
		res.InFramesReceived += c.media.FramesReceived
		res.InLost += c.media.Lost
		res.InLate += c.media.Late
		sendLate.Merge(c.media.SendLate)
		if c.steadyLate != nil {
			steady.Merge(c.steadyLate)
		}
		inJitter.Merge(c.media.ArrivalJitter)
		sendLateMax = max(sendLateMax, c.media.SendLateMax)
		res.ASRReceivedSeconds += c.audio.Received.Seconds()
		res.ASRFedSeconds += c.audio.Fed.Seconds()
		res.ASRFeedDropped += c.audio.FeedDropped
		i, ok := byID[c.callID]
		if !ok {
			res.CalleeReportsMissing++
			continue
		}
		m := crep.Calls[i].Media
		res.OutFramesReceived += m.FramesReceived
		res.InFramesSent += m.FramesSent
		if m.ArrivalJitter != nil {
			outJitter.Merge(m.ArrivalJitter)
		}
		if m.ArrivalJitterKernel != nil {
			outKernel.Merge(m.ArrivalJitterKernel)
		}
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	res.SetupP50Ms, res.SetupP99Ms = ms(quantile(setups, 0.5)), ms(quantile(setups, 0.99))
	res.CallLengthP50 = quantile(lengths, 0.5).Seconds()
	res.CallLengthMax = quantile(lengths, 1).Seconds()
	res.OutJitterP50Ms, res.OutJitterP99Ms = ms(outJitter.Quantile(0.5)), ms(outJitter.Quantile(0.99))
	res.OutJitterMaxMs = ms(histMax(outJitter))
	res.OutKernelJitterP50Ms, res.OutKernelJitterP99Ms = ms(outKernel.Quantile(0.5)), ms(outKernel.Quantile(0.99))
	res.OutKernelJitterMaxMs = ms(histMax(outKernel))
	res.SendLateP50Ms, res.SendLateP99Ms = ms(sendLate.Quantile(0.5)), ms(sendLate.Quantile(0.99))
	res.SendLateMaxMs = ms(sendLateMax)
	res.SteadySendLateP50Ms, res.SteadySendLateP99Ms = ms(steady.Quantile(0.5)), ms(steady.Quantile(0.99))
	res.SteadySendLateMaxMs = ms(histMax(steady))
	res.InJitterP99Ms = ms(inJitter.Quantile(0.99))
}

// histMax is the upper edge of the highest non-empty bucket (past 64 ms,
// of the histogram's 16 ms buckets; media.Top means "that or later").
func histMax(h *media.LatenessHistogram) time.Duration { return h.Max() }
