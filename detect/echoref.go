package detect

import (
	"math"
	"sort"
)

// Echo reference: on a line without echo cancellation the robot's own voice
// comes back under the callee's, later and quieter. Given what the robot
// played (RobotFrame), the classifier learns this line's echo: the delay
// (0 to echoMaxDelay) at which the loss robot-minus-line is steadiest over
// the frames the robot was audible, and that loss (its median). A frame no
// louder than the robot's level at some delay less that loss (plus
// echoMargin), and at least echoMinLoss under it, is the echo: not the callee
// speaking, so it neither starts a greeting nor lengthens one, and does not
// break a silence. A callee talking over the robot is louder than the echo of
// the same moment. The loss counts only at a delay where the line's level
// also follows the robot's (echoMinCorr, the robot's pauses included): a
// recording talking at about the robot's level has a steady-looking loss
// too. Before the loss is known (echoTrackFrames of robot talk) a frame
// echoPriorLoss under the robot is echo, provisionally: the classifier gives
// those frames back as speech if the line proves to have no echo
// (settleUnsure). A line whose loss never steadies by echoSettle frames (the
// far end talks over the robot most of the time, or there is no echo) has
// no frame taken for echo from then on: person safety first.
const (
	echoMaxDelay    = 20   // frames: 400 ms
	echoMinLoss     = 6.0  // dB the echo is at least below the robot's playback
	echoRobotActive = -45  // dBFS (80 ms average): the robot is audible
	echoTrackFrames = 15   // robot-active frames before the tracked loss is used
	echoMaxSpread   = 4.0  // dB (median absolute deviation): a loss this steady tracks the robot
	echoMargin      = 4.0  // dB above the tracked echo level that is the callee
	echoPriorLoss   = 10.0 // dB under the robot that is echo before its loss is known
	echoLineFloor   = -70  // dBFS: below this a frame carries nothing to test
	echoMinCorr     = 0.7  // the line's level follows the robot's this closely (Pearson r)
)

// echoRef follows the robot's playback level and the line's, 80 ms averages
// like the analyzer's.
type echoRef struct {
	on    bool
	power [floorSmooth]float64 // robot's linear power, last frames
	n     int
	robot []float64 // robot level per frame since answer, dBFS
	// per delay: the last echoHistory losses robot-minus-line over frames
	// where the robot was audible
	loss [echoMaxDelay + 1][]float64
	// per delay: the last echoHistory (robot level, line level) pairs, the
	// robot's pauses included (its level floored at echoLineFloor)
	pairs   [echoMaxDelay + 1][][2]float64
	seen    int     // frames tracked since the estimate was made
	estLoss float64 // the echo's loss at the steadiest delay
	estOK   bool
	estDone bool // a delay has echoSettle frames of history: the estimate stands
}

// echoHistory is how many robot-active frames the estimate looks back on
// (2 s); after echoSettle of them (1 s) an unsteady loss means no echo.
const (
	echoHistory = 100
	echoSettle  = 50
)

// push records the robot's frame for the slot of the next line frame.
func (e *echoRef) push(frame []int16) {
	e.on = true
	var sumsq float64
	for _, s := range frame {
		v := float64(s) / 32768
		sumsq += v * v
	}
	pow := 0.0
	if len(frame) > 0 {
		pow = sumsq / float64(len(frame))
	}
	e.power[e.n%floorSmooth] = pow
	e.n++
	var avg float64
	k := min(e.n, floorSmooth)
	for _, p := range e.power[:k] {
		avg += p
	}
	e.robot = append(e.robot, 10*math.Log10(avg/float64(k)+1e-12))
}

// echo reports whether the line frame at index k (the frame whose robot
// level was pushed last) with smoothed level line is the robot's echo.
// Without a reference nothing is. Until the echo's loss is known a frame
// echoPriorLoss under the robot is echo; then one no louder than the
// robot's level less that loss, plus echoMargin.
func (e *echoRef) echo(k int, line float64) bool {
	defer e.track(k, line)
	if !e.on || k >= len(e.robot) || line < echoLineFloor {
		return false
	}
	need := echoPriorLoss
	switch {
	case e.estOK:
		need = max(echoMinLoss, e.estLoss-echoMargin)
	case e.estDone:
		return false // the line does not follow the robot: no echo to take out
	}
	for d := 0; d <= echoMaxDelay && d <= k; d++ {
		if r := e.robot[k-d]; r >= echoRobotActive && r-line >= need {
			return true
		}
	}
	return false
}

// track adds the frame to the histories of every delay and re-estimates the
// echo's loss every few frames: the median loss at the delay whose losses
// spread least (median absolute deviation). The median holds while the
// callee talks less than half the time over the robot. A steady loss alone
// is no proof of echo (a recording talking at about the robot's level gives
// one too): the line must also follow the robot's envelope at that delay —
// its level correlated with the robot's (echoMinCorr) over the same frames,
// the robot's pauses included.
func (e *echoRef) track(k int, line float64) {
	if !e.on || k >= len(e.robot) || line < echoLineFloor {
		return // digital silence says nothing about the echo's loss
	}
	for d := 0; d <= echoMaxDelay && d <= k; d++ {
		r := e.robot[k-d]
		e.pairs[d] = appendCapped(e.pairs[d], [2]float64{max(r, echoLineFloor), line})
		if r < echoRobotActive {
			continue
		}
		e.loss[d] = appendCapped(e.loss[d], r-line)
	}
	e.seen++
	if e.seen < 5 {
		return
	}
	e.seen = 0
	best := math.Inf(1)
	e.estOK = false
	for d := range e.loss {
		h := e.loss[d]
		if len(h) < echoTrackFrames {
			continue
		}
		e.estDone = e.estDone || len(h) >= echoSettle
		if correlation(e.pairs[d]) < echoMinCorr {
			continue // the line does not follow the robot at this delay
		}
		m := median(h)
		dev := make([]float64, len(h))
		for i, x := range h {
			dev[i] = math.Abs(x - m)
		}
		if mad := median(dev); mad < best {
			best, e.estLoss = mad, m
		}
	}
	e.estOK = best <= echoMaxSpread && e.estLoss >= echoMinLoss
}

func appendCapped[T any](h []T, x T) []T {
	h = append(h, x)
	if len(h) > echoHistory {
		h = h[1:]
	}
	return h
}

// correlation is Pearson's r of the pairs' two levels; 0 when either is flat.
func correlation(ps [][2]float64) float64 {
	if len(ps) < 2 {
		return 0
	}
	var ma, mb float64
	for _, p := range ps {
		ma += p[0]
		mb += p[1]
	}
	ma /= float64(len(ps))
	mb /= float64(len(ps))
	var sab, saa, sbb float64
	for _, p := range ps {
		a, b := p[0]-ma, p[1]-mb
		sab += a * b
		saa += a * a
		sbb += b * b
	}
	if saa == 0 || sbb == 0 {
		return 0
	}
	return sab / math.Sqrt(saa*sbb)
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}
