package testcalls

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
)

// CaseResult is the verdict on one case.
type CaseResult struct {
	Name    string `json:"name"`
	Passed  bool   `json:"passed"`
	Outcome string `json:"outcome"`
	Reason  string `json:"reason,omitempty"`
	Place   string `json:"place,omitempty"` // file:line of the case
	// Unconfirmed: the expectation was written by a tool and no author has
	// confirmed it yet (expect.unconfirmed).
	Unconfirmed bool         `json:"unconfirmed,omitempty"`
	Result      robot.Result `json:"-"`
	// Audio level only: the call's transcript (both sides, for a failed
	// case), the caller's voice, the longest turn gap and where the failed
	// call's recording was kept.
	Transcript []string `json:"transcript,omitempty"`
	Voice      string   `json:"voice,omitempty"`
	MaxTurnGap string   `json:"max_turn_gap,omitempty"`
	Recording  string   `json:"recording,omitempty"`
	Seconds    float64  `json:"seconds,omitempty"` // the call's length
}

// Report is a run of case files against one script.
type Report struct {
	// Level is "text" or "audio"; Recognition says, at audio level, what
	// recognised the caller's speech (Vosk or the labelled stand-in).
	Level       string  `json:"level"`
	Recognition string  `json:"recognition,omitempty"`
	Cases       int     `json:"cases"`
	Passed      int     `json:"passed"`
	PassRate    float64 `json:"pass_rate"` // percent
	// Unconfirmed counts the cases whose expectation no author confirmed.
	Unconfirmed int          `json:"unconfirmed,omitempty"`
	Coverage    Coverage     `json:"coverage"`
	Results     []CaseResult `json:"results"`
	// TurnGap is the robot's answer time over all audio calls (the caller's
	// speech end to the robot's next prompt); nil at text level.
	TurnGap *TurnGap `json:"turn_gap,omitempty"`
}

// TurnGap is the distribution of turn gaps, in milliseconds.
type TurnGap struct {
	N   int   `json:"n"`
	P50 int64 `json:"p50_ms"`
	P95 int64 `json:"p95_ms"`
	Max int64 `json:"max_ms"`
}

// Gate is the CI gate: a run passes when its pass rate and edge coverage
// reach these percentages.
type Gate struct {
	MinPass, MinEdges float64
}

// Check returns why rep fails the gate ("" when it passes).
func (g Gate) Check(rep Report) string {
	var why []string
	if rep.PassRate < g.MinPass {
		why = append(why, fmt.Sprintf("pass rate %.1f%% < %.1f%%", rep.PassRate, g.MinPass))
	}
	if rep.Coverage.EdgePercent < g.MinEdges {
		why = append(why, fmt.Sprintf("edge coverage %.1f%% < %.1f%%", rep.Coverage.EdgePercent, g.MinEdges))
	}
	if rep.Unconfirmed > 0 {
		// a tool's guess at the outcome is no test until an author agrees
		why = append(why, fmt.Sprintf("%d cases with expect.unconfirmed (confirm each, then delete the mark)", rep.Unconfirmed))
	}
	return strings.Join(why, "; ")
}

// finish computes the pass rate and coverage of the results.
func (rep *Report) finish(cov *coverageCounter) {
	rep.Cases, rep.Passed = len(rep.Results), 0
	for _, r := range rep.Results {
		cov.add(r.Result.Path)
		if r.Unconfirmed {
			rep.Unconfirmed++
		}
		if r.Passed {
			rep.Passed++
		}
	}
	if rep.Cases > 0 {
		rep.PassRate = math.Round(1000*float64(rep.Passed)/float64(rep.Cases)) / 10
	}
	rep.Coverage = cov.coverage()
}

// TimeTolerance is how far a resolved time may be from the expected one.
const TimeTolerance = 30 * time.Minute

// RunText runs every case of the files against the script, text-level, and
// reports pass/fail per case, the pass rate and the branch coverage.
func RunText(ctx context.Context, sc *scripts.Script, files []*CaseFile, log *slog.Logger) Report {
	return RunTextWith(ctx, sc, files, log, nil)
}

// RunTextWith is RunText with a statistical intent model beside the rules
// (robot.Session.Intents; nil: the rules alone).
func RunTextWith(ctx context.Context, sc *scripts.Script, files []*CaseFile, log *slog.Logger, intents robot.IntentModel) Report {
	rep := Report{Level: "text"}
	for _, f := range files {
		for i := range f.Cases {
			rep.Results = append(rep.Results, RunCaseWith(ctx, sc, f, &f.Cases[i], log, intents))
		}
	}
	rep.finish(newCoverageCounter(sc))
	return rep
}

// RunCase plays one case and checks its expectations.
func RunCase(ctx context.Context, sc *scripts.Script, f *CaseFile, c *Case, log *slog.Logger) CaseResult {
	return RunCaseWith(ctx, sc, f, c, log, nil)
}

// RunCaseWith is RunCase with a statistical intent model (nil: none).
func RunCaseWith(ctx context.Context, sc *scripts.Script, f *CaseFile, c *Case, log *slog.Logger, intents robot.IntentModel) CaseResult {
	cr := CaseResult{Name: c.Name, Place: fmt.Sprintf("%s:%d", f.File, c.Line), Unconfirmed: c.Expect.Unconfirmed}
	now, err := f.now(c)
	if err != nil {
		cr.Reason = err.Error()
		return cr
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	clock := NewClock(now)
	conv := &TextConversation{Clock: clock, Items: c.Caller, FailTransfer: c.TransferFails}
	sess := &robot.Session{Script: sc, Vars: f.vars(c), Clock: clock, Location: now.Location(),
		Conv: conv, Log: log, TransferTarget: "operator", Verbalizer: scripts.Written{}, Intents: intents}
	res, err := sess.Run(ctx)
	cr.Result, cr.Outcome = res, string(res.Outcome)
	if err != nil {
		cr.Reason = "run: " + err.Error()
		return cr
	}
	said := make([]string, len(conv.Prompts))
	for i, p := range conv.Prompts {
		said[i] = p.Text
	}
	if reason := check(c.Expect, res, said); reason != "" {
		cr.Reason = reason + " (path: " + strings.Join(res.Path, " → ") + ")"
		return cr
	}
	cr.Passed = true
	return cr
}

// check compares a run with what the case expects; said is what the robot
// said, in order. It returns why the case fails ("" when it passes).
func check(e Expect, res robot.Result, robotSaid []string) string {
	if string(res.Outcome) != e.Outcome {
		why := ""
		if res.Reason != "" {
			why = "; " + res.Reason
		}
		return fmt.Sprintf("outcome: got %s, want %s%s", res.Outcome, e.Outcome, why)
	}
	for _, t := range []struct{ slot, want string }{
		{scripts.SlotCallbackAt, e.CallbackAt}, {scripts.SlotPromiseAt, e.PromiseAt}, {scripts.SlotMeetingAt, e.MeetingAt}} {
		if t.want == "" {
			continue
		}
		want, _ := time.Parse(time.RFC3339, t.want)
		gotS, ok := res.Slots[t.slot]
		if !ok {
			return fmt.Sprintf("%s: not set, want %s", t.slot, t.want)
		}
		got, err := time.Parse(time.RFC3339, gotS)
		if err != nil {
			return fmt.Sprintf("%s: %q is not a time", t.slot, gotS)
		}
		if d := got.Sub(want); d > TimeTolerance || d < -TimeTolerance {
			return fmt.Sprintf("%s: got %s, want %s ±30m", t.slot, gotS, t.want)
		}
	}
	if e.Amount != nil {
		got, err := strconv.ParseFloat(res.Slots[scripts.SlotAmount], 64)
		if err != nil || math.Abs(got-*e.Amount) > 0.005 {
			return fmt.Sprintf("amount: got %q, want %.2f", res.Slots[scripts.SlotAmount], *e.Amount)
		}
	}
	if e.MeetingPlace != "" && !strings.Contains(scripts.Normalize(res.Slots[scripts.SlotMeetingPlace]), scripts.Normalize(e.MeetingPlace)) {
		return fmt.Sprintf("meeting_place: got %q, want it to contain %q", res.Slots[scripts.SlotMeetingPlace], e.MeetingPlace)
	}
	if e.TransferTo != "" && res.Slots[scripts.SlotTransferTo] != e.TransferTo {
		return fmt.Sprintf("transfer_to: got %q, want %q", res.Slots[scripts.SlotTransferTo], e.TransferTo)
	}
	if missing := subsequence(e.Path, res.Path); missing != "" {
		return fmt.Sprintf("path: node %q not visited in order", missing)
	}
	var said []string
	for _, p := range robotSaid {
		said = append(said, scripts.Normalize(p))
	}
	all := strings.Join(said, " | ")
	for _, w := range e.Said {
		if !strings.Contains(all, scripts.Normalize(w)) {
			return fmt.Sprintf("said: the robot never said %q", w)
		}
	}
	for _, w := range e.NotSaid {
		if strings.Contains(all, scripts.Normalize(w)) {
			return fmt.Sprintf("not_said: the robot said %q", w)
		}
	}
	return ""
}

// subsequence returns the first node of want not found in order in got.
func subsequence(want, got []string) string {
	i := 0
	for _, w := range want {
		for i < len(got) && got[i] != w {
			i++
		}
		if i == len(got) {
			return w
		}
		i++
	}
	return ""
}
