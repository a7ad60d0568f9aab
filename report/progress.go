package report

import (
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/store"
)

// Progress keeps the live counters of a sweep from the scheduler's events.
// It is safe for concurrent use.
type Progress struct {
	mu       sync.Mutex
	debtors  int
	nCalls   int
	denied   int
	outcomes map[string]int
	reached  map[string]bool // debtors with a final answer
	inFlight func() int
}

// NewProgress counts towards settling the given number of debtors.
func NewProgress(debtors int) *Progress {
	return &Progress{debtors: debtors, outcomes: map[string]int{}, reached: map[string]bool{}}
}

// Watch makes the progress line show s's calls in flight (the scheduler is
// created after its OnEvent, so it is attached here).
func (p *Progress) Watch(s interface{ InFlight() int }) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inFlight = s.InFlight
}

// Event is the scheduler's OnEvent.
func (p *Progress) Event(ev scheduler.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ev.Decision != nil && !ev.Decision.Allowed {
		p.denied++
	}
	if a := ev.Attempt; a != nil {
		p.nCalls++
		k := a.Result
		if a.Result == scheduler.ResultAnswered {
			k = string(a.Outcome)
		}
		p.outcomes[k]++
	}
	if ev.Update.State == store.TaskDone || ev.Update.SkipOthers != "" {
		p.reached[ev.Task.DebtorID] = true
	}
}

// Calls is how many calls were placed so far.
func (p *Progress) Calls() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.nCalls
}

// Line is the progress line after elapsed wall time, with an ETA from the
// debtors settled so far.
func (p *Progress) Line(elapsed time.Duration) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	keys := slices.Sorted(maps.Keys(p.outcomes))
	sort.SliceStable(keys, func(i, j int) bool { return p.outcomes[keys[i]] > p.outcomes[keys[j]] })
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, p.outcomes[k]))
	}
	eta := "-"
	if n := len(p.reached); n > 0 && n < p.debtors {
		eta = (time.Duration(float64(elapsed) / float64(n) * float64(p.debtors-n))).Round(time.Second).String()
	}
	inFlight := 0
	if p.inFlight != nil {
		inFlight = p.inFlight()
	}
	return fmt.Sprintf("[%s] in flight %d, calls %d, denied %d, debtors settled %d/%d, ETA %s | %s",
		elapsed.Round(time.Second), inFlight, p.nCalls, p.denied, len(p.reached), p.debtors, eta, strings.Join(parts, ", "))
}

// Live prints the progress line every second, rewriting it in place on a
// terminal; elsewhere (logs, CI) it prints a line every 10 seconds. stop
// prints the final line and returns once the printer has ended.
func (p *Progress) Live(w io.Writer, t0 time.Time) (stop func()) {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	every := time.Second
	if !tty {
		every = 10 * time.Second
	}
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-quit:
				if tty {
					fmt.Fprint(w, "\r")
				}
				fmt.Fprintf(w, "%s\n\n", p.Line(time.Since(t0)))
				return
			case <-t.C:
				if tty {
					fmt.Fprintf(w, "\r%s\x1b[K", p.Line(time.Since(t0)))
				} else {
					fmt.Fprintln(w, p.Line(time.Since(t0)))
				}
			}
		}
	}()
	return func() { close(quit); wg.Wait() }
}
