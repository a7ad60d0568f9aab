package loadtest

import (
	"context"
	"sync"

	"github.com/dozvon/dozvon/callflow"
)

// Placer places one call: the call path (callflow.Flow).
type Placer interface {
	Place(ctx context.Context, req callflow.Request) (callflow.Report, error)
}

// PlaceAll places reqs through p, at most channels at a time, and returns
// their reports in the order of reqs. An error of Place that the report does
// not carry becomes its DialErr, so every report says why a call failed.
// done, when set, hears each report as its call ends (from the call's
// goroutine, one at a time).
func PlaceAll(ctx context.Context, p Placer, reqs []callflow.Request, channels int, done func(i int, rep callflow.Report)) []callflow.Report {
	reps := make([]callflow.Report, len(reqs))
	sem := make(chan struct{}, max(1, channels))
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i, req := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			rep, err := p.Place(ctx, req)
			if err != nil && rep.DialErr == nil {
				rep.DialErr = err
			}
			mu.Lock()
			defer mu.Unlock()
			reps[i] = rep
			if done != nil {
				done(i, rep)
			}
		}()
	}
	wg.Wait()
	return reps
}
