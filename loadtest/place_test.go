package loadtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/dozvon/dozvon/callflow"
)

// gatedPlacer is a Placer double: each call reports its start, counts the
// calls in flight, and waits for the gate; calls to "sip:fail" fail.
type gatedPlacer struct {
	started chan string
	gate    chan struct{}
	mu      sync.Mutex
	flying  int
	most    int
}

func (p *gatedPlacer) Place(ctx context.Context, req callflow.Request) (callflow.Report, error) {
	p.mu.Lock()
	p.flying++
	p.most = max(p.most, p.flying)
	p.mu.Unlock()
	p.started <- req.To
	<-p.gate
	p.mu.Lock()
	p.flying--
	p.mu.Unlock()
	if req.To == "sip:fail" {
		return callflow.Report{ID: req.To}, errors.New("no route")
	}
	return callflow.Report{ID: req.To}, nil
}

// TestPlaceAll: reports come back in the order of the requests, at most
// channels calls run at once (and that many do), a Place error becomes the
// report's DialErr, and done hears every call.
func TestPlaceAll(t *testing.T) {
	for _, channels := range []int{1, 3, 0} {
		t.Run(fmt.Sprint(channels, " channels"), func(t *testing.T) {
			reqs := []callflow.Request{{To: "sip:a"}, {To: "sip:fail"}, {To: "sip:c"}, {To: "sip:d"}, {To: "sip:e"}}
			p := &gatedPlacer{started: make(chan string, len(reqs)), gate: make(chan struct{})}
			done := map[int]string{}
			var reps []callflow.Report
			finished := make(chan struct{})
			go func() {
				reps = PlaceAll(t.Context(), p, reqs, channels, func(i int, rep callflow.Report) { done[i] = rep.ID })
				close(finished)
			}()
			for range max(1, channels) { // the first calls are in flight together
				<-p.started
			}
			close(p.gate)
			<-finished
			if p.most != max(1, channels) {
				t.Errorf("%d calls in flight at most, want %d", p.most, max(1, channels))
			}
			for i, r := range reqs {
				if reps[i].ID != r.To || done[i] != r.To {
					t.Errorf("report %d is %q (done heard %q), want %q", i, reps[i].ID, done[i], r.To)
				}
				if failed := reps[i].DialErr != nil; failed != (r.To == "sip:fail") {
					t.Errorf("%s: DialErr %v", r.To, reps[i].DialErr)
				}
			}
		})
	}
}
