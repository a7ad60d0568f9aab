package loadtest

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/dozvon/dozvon/callflow"
)

// APIOptions are the flags of `bench api`.
type APIOptions struct {
	Clients int           // WebSocket clients subscribed to every event
	Calls   int           // inbound calls, all at once once ramped
	Rate    int           // new inbound calls per second
	Hold    time.Duration // how long each call lasts before sipp hangs up
	APIRate int           // API requests per second while the calls run
	Sipp    string
	Script  string
	Config  string
	JSON    bool
}

// ParseAPIArgs reads the flags of `bench api`.
func ParseAPIArgs(args []string, stderr io.Writer) (APIOptions, error) {
	var o APIOptions
	fs := flag.NewFlagSet("bench api", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.Clients, "clients", 200, "WebSocket clients subscribed to every event")
	fs.StringVar(&o.Config, "config", "", "dozvon YAML config; default dozvon.yaml or defaults")
	fs.IntVar(&o.Calls, "calls", 200, "inbound sipp calls (all concurrent once ramped)")
	fs.StringVar(&o.Script, "script", filepath.Join("scripts", "verify_contact.yaml"), "dialogue script of every call")
	fs.IntVar(&o.Rate, "rate", 50, "new inbound calls per second")
	fs.StringVar(&o.Sipp, "sipp", "sipp", "the sipp binary (Debian package sip-tester)")
	fs.DurationVar(&o.Hold, "hold", 10*time.Second, "call length before sipp hangs up (long enough for the calls to overlap)")
	fs.BoolVar(&o.JSON, "json", false, "print the figures as one JSON object")
	fs.IntVar(&o.APIRate, "api-rate", 50, "API requests per second (GET debtors, calls, calls/{id} in turn)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("bench api: unexpected argument %q", fs.Arg(0))
	}
	switch {
	case o.Clients < 1:
		return o, fmt.Errorf("bench api: --clients %d: want at least 1", o.Clients)
	case o.Calls < 1 || o.Rate < 1:
		return o, fmt.Errorf("bench api: --calls %d and --rate %d must be positive", o.Calls, o.Rate)
	case o.APIRate < 1:
		return o, fmt.Errorf("bench api: --api-rate %d: want at least 1", o.APIRate)
	case o.Hold < time.Second:
		return o, fmt.Errorf("bench api: --hold %v: want at least 1s", o.Hold)
	}
	return o, nil
}

// Dist summarises durations in milliseconds.
type Dist struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

// distOf is ds's count, median, 99th percentile and maximum (nearest rank).
func distOf(ds []time.Duration) Dist {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	return Dist{N: len(ds), P50: ms(quantile(ds, 0.5)), P99: ms(quantile(ds, 0.99)), Max: ms(quantile(ds, 1))}
}

// APIFigures are what `bench api` prints.
type APIFigures struct {
	Cores         int     `json:"cores"`
	Clients       int     `json:"clients"`
	Calls         int     `json:"calls"`
	CallsAnswered int     `json:"calls_answered"`
	CallsFailed   int     `json:"calls_failed"`
	CallError     string  `json:"first_call_error,omitempty"`
	SippExit      int     `json:"sipp_exit"`
	APIOK         int     `json:"api_ok"`
	APIFailed     int     `json:"api_failed"`
	APIError      string  `json:"first_api_error,omitempty"`
	API           Dist    `json:"api_latency"`
	EventsMin     int     `json:"events_per_client_min"`
	EventsAvg     float64 `json:"events_per_client_avg"`
	EventDelay    Dist    `json:"event_delay"`
	ClientsLost   int     `json:"clients_closed_early"` // streams the server ended before the bench did
	SlowDropped   int64   `json:"slow_clients_dropped"` // the hub's count
	EventsDropped int64   `json:"events_dropped"`       // the hub's queue overflowed
	WallSeconds   float64 `json:"wall_s"`
	CPUPercent    float64 `json:"cpu_pct"` // of one core, this whole process (robot, sipp excluded, clients included)
	PeakRSSMiB    float64 `json:"peak_rss_mib"`
}

// HubCounters are the event hub's drop counters, read at the end.
type HubCounters func() (slowDropped, eventsDropped int64)

// APIBench drives inbound calls at the robot of this process while
// WebSocket clients watch every event and a steady trickle of API requests
// is timed. The robot's side is wired by the caller as serve wires it.
type APIBench struct {
	o    APIOptions
	soak *Soak // the inbound sipp leg and its call count
	http *http.Client

	mu    sync.Mutex
	calls []string // ended calls' ids from GET /calls, for GET /calls/{id}
	known map[string]bool
}

// NewAPIBench prepares a run.
func NewAPIBench(o APIOptions) *APIBench {
	so := SoakOptions{Waves: 1, Calls: o.Calls, Rate: o.Rate, Concurrent: o.Calls, Hold: o.Hold, Legs: []string{LegIn}, Sipp: o.Sipp}
	// One connection per request in flight at most: the requests are
	// timed, not the dialling, but a free pool keeps them from queueing.
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	return &APIBench{o: o, soak: NewSoak(so, nil, callflow.Request{}), http: &http.Client{Transport: tr, Timeout: 30 * time.Second}, known: map[string]bool{}}
}

// Observe counts an inbound call the robot handled (the serve handler's
// result), by the SIP user it was dialled on.
func (b *APIBench) Observe(user string, rep callflow.Report, err error) {
	b.soak.Observe(user, rep, err)
}

// Run opens the clients on baseURL (http://host:port) with token, runs the
// calls at sipAddr with the API trickle alongside, and returns the figures.
func (b *APIBench) Run(ctx context.Context, sipAddr, baseURL, token string, hub HubCounters) (APIFigures, error) {
	f := APIFigures{Cores: goruntime.NumCPU(), Clients: b.o.Clients, Calls: b.o.Calls}
	raiseNoFile() // 200 streams and 200 calls' sockets in one process
	cpu0, t0 := cpuTime(), time.Now()
	cctx, stopClients := context.WithCancel(ctx)
	defer stopClients()
	clients := make([]*wsClient, b.o.Clients)
	for i := range clients {
		c, err := b.dial(cctx, baseURL, token)
		if err != nil {
			return f, fmt.Errorf("bench api: client %d: %w", i+1, err)
		}
		clients[i] = c
	}
	var readers sync.WaitGroup
	for _, c := range clients {
		readers.Go(c.read)
	}

	apiCtx, stopAPI := context.WithCancel(ctx)
	apiDone := make(chan apiResult, 1)
	go func() { apiDone <- b.trickle(apiCtx, baseURL, token) }()
	waves, err := b.soak.Run(ctx, sipAddr)
	stopAPI()
	api := <-apiDone
	// The last calls' events are stored and fanned out a moment after the
	// calls end: wait until no client has received anything for a second
	// (bounded), then close them.
	quiet(ctx, clients, time.Second, 15*time.Second)
	for _, c := range clients {
		c.stop()
	}
	readers.Wait()
	f.WallSeconds = time.Since(t0).Seconds()
	f.CPUPercent = 100 * (cpuTime() - cpu0).Seconds() / f.WallSeconds
	f.PeakRSSMiB = float64(peakRSS()) / (1 << 20)
	if len(waves) > 0 && len(waves[0].Legs) > 0 {
		l := waves[0].Legs[0]
		f.CallsAnswered, f.CallsFailed, f.CallError, f.SippExit = l.Answered, l.Failed, l.Error, l.SippExit
	}
	f.APIOK, f.APIFailed, f.APIError, f.API = api.ok, api.failed, api.firstErr, distOf(api.latencies)
	summariseClients(&f, clients)
	if hub != nil {
		f.SlowDropped, f.EventsDropped = hub()
	}
	return f, err
}

// summariseClients fills the per-client event counts, the event delay over
// every event at every client, and the streams that ended early.
func summariseClients(f *APIFigures, clients []*wsClient) {
	var delays []time.Duration
	f.EventsMin = -1
	total := 0
	for _, c := range clients {
		delays = append(delays, c.delays...)
		total += len(c.delays)
		if f.EventsMin < 0 || len(c.delays) < f.EventsMin {
			f.EventsMin = len(c.delays)
		}
		if c.early {
			f.ClientsLost++
		}
	}
	f.EventsMin = max(f.EventsMin, 0)
	if len(clients) > 0 {
		f.EventsAvg = float64(total) / float64(len(clients))
	}
	f.EventDelay = distOf(delays)
}

// wsClient is one event stream. Only read's goroutine touches delays.
type wsClient struct {
	conn    *websocket.Conn
	delays  []time.Duration
	last    atomic.Int64 // unix nanos of the last message
	stopped atomic.Bool
	early   bool // the server ended the stream before stop
}

func (b *APIBench) dial(ctx context.Context, baseURL, token string) (*wsClient, error) {
	u := "ws" + baseURL[len("http"):] + "/api/v1/events"
	h := http.Header{"Authorization": {"Bearer " + token}}
	conn, resp, err := websocket.DefaultDialer.DialContext(ctx, u, h)
	if err != nil {
		if resp != nil {
			err = fmt.Errorf("%w (HTTP %s)", err, resp.Status)
		}
		return nil, err
	}
	if err := conn.WriteJSON(map[string]any{"subscribe": []string{}, "after": 0}); err != nil {
		conn.Close()
		return nil, err
	}
	c := &wsClient{conn: conn}
	c.last.Store(time.Now().UnixNano())
	return c, nil
}

// envelopeHead is the part of an events.Envelope the bench reads.
type envelopeHead struct {
	Seq int64     `json:"seq"`
	At  time.Time `json:"at"`
}

// read takes messages until the stream ends, timing each envelope's
// delay from its `at`. Pings are answered by gorilla's default handler
// while reading.
func (c *wsClient) read() {
	for {
		_, data, err := c.conn.ReadMessage()
		now := time.Now()
		if err != nil {
			c.early = !c.stopped.Load()
			return
		}
		c.last.Store(now.UnixNano())
		var e envelopeHead
		if json.Unmarshal(data, &e) != nil || e.At.IsZero() {
			continue
		}
		c.delays = append(c.delays, now.Sub(e.At))
	}
}

func (c *wsClient) stop() {
	c.stopped.Store(true)
	_ = c.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	_ = c.conn.Close()
}

// quiet waits until no client has had a message for idle, or for at most
// limit. It polls: the streams have no common signal to wait on.
func quiet(ctx context.Context, clients []*wsClient, idle, limit time.Duration) {
	deadline := time.Now().Add(limit)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for time.Now().Before(deadline) {
		var latest int64
		for _, c := range clients {
			latest = max(latest, c.last.Load())
		}
		if time.Since(time.Unix(0, latest)) >= idle {
			return
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return
		}
	}
}

// remember keeps the call ids of a GET /calls answer: a call is in the
// store (and GET /calls/{id} finds it) only once it has ended.
func (b *APIBench) remember(body []byte) {
	var page struct {
		Calls []struct {
			ID string `json:"id"`
		} `json:"calls"`
	}
	if json.Unmarshal(body, &page) != nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range page.Calls {
		if c.ID != "" && !b.known[c.ID] {
			b.known[c.ID] = true
			b.calls = append(b.calls, c.ID)
		}
	}
}

// nextPath is the i-th request's path: debtors, calls, one call in turn
// (the calls list again while no call id has been seen).
func (b *APIBench) nextPath(i int) string {
	switch i % 3 {
	case 0:
		return "/api/v1/debtors"
	case 1:
		return "/api/v1/calls"
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.calls) == 0 {
		return "/api/v1/calls"
	}
	return "/api/v1/calls/" + b.calls[(i/3)%len(b.calls)]
}

type apiResult struct {
	ok, failed int
	firstErr   string
	latencies  []time.Duration
}

// trickle sends requests at APIRate until ctx ends, each on its own
// goroutine so a slow answer does not delay the next request (an open
// loop: latency is not hidden by a client waiting its turn).
func (b *APIBench) trickle(ctx context.Context, baseURL, token string) apiResult {
	var (
		mu  sync.Mutex
		res apiResult
		wg  sync.WaitGroup
	)
	tick := time.NewTicker(time.Second / time.Duration(b.o.APIRate))
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			wg.Wait()
			return res
		case <-tick.C:
		}
		path := b.nextPath(i)
		wg.Go(func() {
			d, err := b.get(baseURL+path, token)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				res.failed++
				if res.firstErr == "" {
					res.firstErr = err.Error()
				}
				return
			}
			res.ok++
			res.latencies = append(res.latencies, d)
		})
	}
}

// get times one request until its whole body is read; a calls list's ids
// are kept for later GET /calls/{id}.
func (b *APIBench) get(url, token string) (time.Duration, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	t0 := time.Now()
	resp, err := b.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	d := time.Since(t0)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: %s", req.URL.Path, resp.Status)
	}
	if req.URL.Path == "/api/v1/calls" {
		b.remember(body)
	}
	return d, nil
}

// WriteAPI prints the figures, as text or one JSON object.
func WriteAPI(w io.Writer, o APIOptions, f APIFigures) error {
	if o.JSON {
		return json.NewEncoder(w).Encode(f)
	}
	var err error
	p := func(format string, a ...any) {
		if err == nil {
			_, err = fmt.Fprintf(w, format+"\n", a...)
		}
	}
	p("bench api: %d WebSocket clients, %d inbound calls (hold %v), %d API requests/s, %d cores, %.1f s", f.Clients, f.Calls, o.Hold, o.APIRate, f.Cores, f.WallSeconds)
	p("calls:       answered %d, failed %d (sipp exit %d)%s", f.CallsAnswered, f.CallsFailed, f.SippExit, firstError(f.CallError))
	p("API:         ok %d, failed %d; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%s", f.APIOK, f.APIFailed, f.API.P50, f.API.P99, f.API.Max, firstError(f.APIError))
	p("events:      per client min %d, avg %.1f; delay p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d events)", f.EventsMin, f.EventsAvg, f.EventDelay.P50, f.EventDelay.P99, f.EventDelay.Max, f.EventDelay.N)
	p("streams:     slow clients dropped %d, closed early %d, events dropped by the hub %d", f.SlowDropped, f.ClientsLost, f.EventsDropped)
	p("process:     CPU %.0f %% (of one core), peak RSS %.0f MiB", f.CPUPercent, f.PeakRSSMiB)
	return err
}

func firstError(s string) string {
	if s == "" {
		return ""
	}
	return "; first error: " + s
}
