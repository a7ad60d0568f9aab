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
	Name    string       `json:"name"`
	Passed  bool         `json:"passed"`
	Outcome string       `json:"outcome"`
	Reason  string       `json:"reason,omitempty"`
	Place   string       `json:"place,omitempty"` // file:line of the case
	Result  robot.Result `json:"-"`
}

// Report is a run of case files against one script.
type Report struct {
	Cases    int          `json:"cases"`
	Passed   int          `json:"passed"`
	PassRate float64      `json:"pass_rate"` // percent
	Coverage Coverage     `json:"coverage"`
	Results  []CaseResult `json:"results"`
}

// TimeTolerance is how far a resolved time may be from the expected one.
const TimeTolerance = 30 * time.Minute

// RunText runs every case of the files against the script, text-level, and
// reports pass/fail per case, the pass rate and the branch coverage.
func RunText(ctx context.Context, sc *scripts.Script, files []*CaseFile, log *slog.Logger) Report {
	var rep Report
	cov := newCoverageCounter(sc)
	for _, f := range files {
		for i := range f.Cases {
			c := &f.Cases[i]
			cr := RunCase(ctx, sc, f, c, log)
			cov.add(cr.Result.Path)
			rep.Results = append(rep.Results, cr)
			rep.Cases++
			if cr.Passed {
				rep.Passed++
			}
		}
	}
	if rep.Cases > 0 {
		rep.PassRate = math.Round(1000*float64(rep.Passed)/float64(rep.Cases)) / 10
	}
	rep.Coverage = cov.coverage()
	return rep
}

// RunCase plays one case and checks its expectations.
func RunCase(ctx context.Context, sc *scripts.Script, f *CaseFile, c *Case, log *slog.Logger) CaseResult {
	cr := CaseResult{Name: c.Name, Place: fmt.Sprintf("%s:%d", f.File, c.Line)}
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
		Conv: conv, Log: log, TransferTarget: "operator", Verbalizer: scripts.Written{}}
	res, err := sess.Run(ctx)
	cr.Result, cr.Outcome = res, string(res.Outcome)
	if err != nil {
		cr.Reason = "run: " + err.Error()
		return cr
	}
	if reason := check(c.Expect, res, conv); reason != "" {
		cr.Reason = reason + " (path: " + strings.Join(res.Path, " → ") + ")"
		return cr
	}
	cr.Passed = true
	return cr
}

func check(e Expect, res robot.Result, conv *TextConversation) string {
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
	for _, p := range conv.Prompts {
		said = append(said, scripts.Normalize(p.Text))
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
