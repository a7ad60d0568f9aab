package handoff

import (
	"context"
	"log/slog"
	"sort"
	"time"

	"github.com/dozvon/dozvon/store"
)

// Roster is the collectors' presence the nodes share (*store.DB).
type Roster interface {
	PublishPresence(ctx context.Context, node string, seen []store.CollectorSeen, now, until time.Time) error
	OthersPresence(ctx context.Context, node string, now time.Time) ([]store.CollectorSeen, error)
	LeaveCluster(ctx context.Context, node string) error
	Registrations(ctx context.Context, now time.Time) ([]store.Registration, error)
}

// LineBook is the nodes' shared record of collectors on a call (*store.DB).
type LineBook interface {
	ClaimLines(ctx context.Context, node string, logins []string, now, until time.Time) ([]string, error)
	FreeLines(ctx context.Context, node string, logins []string) error
	RenewLines(ctx context.Context, node string, now, until time.Time) error
	BusyLines(ctx context.Context, node string, now time.Time) ([]string, error)
	JoinQueue(ctx context.Context, node, id string, joined, until time.Time) error
	LeaveQueue(ctx context.Context, id string) error
	QueuePosition(ctx context.Context, id string, now time.Time) (int, error)
}

// ShareConfig says how a node shares its collectors' presence and lines.
type ShareConfig struct {
	Node  string        // this node's name, unique among the nodes
	Every time.Duration // how often presence is published and read (default 2 s)
	Log   *slog.Logger
}

// Share publishes, every cfg.Every until ctx ends, what this node sees of
// the collectors (their softphones registered here, their pages open here)
// and reads what the other nodes see, so that d rings a collector whichever
// node their phone registered to; with lines shared (NewSharedLines) it
// also keeps this node's claims alive and learns who is busy elsewhere.
// When ctx ends the node's presence and claims are dropped at once; a node
// that dies stops renewing, and its rows lapse after three periods.
func Share(ctx context.Context, d *Directory, roster Roster, l *Lines, cfg ShareConfig) {
	if cfg.Every <= 0 {
		cfg.Every = 2 * time.Second
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	tick := time.NewTicker(cfg.Every)
	defer tick.Stop()
	for {
		shareOnce(ctx, d, roster, l, cfg, log)
		select {
		case <-ctx.Done():
			// Leaving: a bounded context of its own, the service's is done.
			bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			if err := roster.LeaveCluster(bg, cfg.Node); err != nil {
				log.Warn("hand-off: presence not withdrawn", "err", err)
			}
			cancel()
			return
		case <-tick.C:
		}
	}
}

// shareOnce is one period of Share.
func shareOnce(ctx context.Context, d *Directory, roster Roster, l *Lines, cfg ShareConfig, log *slog.Logger) {
	now := d.clk.Now()
	if err := roster.PublishPresence(ctx, cfg.Node, d.localSeen(now), now, now.Add(3*cfg.Every)); err != nil && ctx.Err() == nil {
		log.Warn("hand-off: presence not published", "err", err)
	}
	if others, err := roster.OthersPresence(ctx, cfg.Node, now); err == nil {
		d.setOthers(others)
	} else if ctx.Err() == nil {
		log.Warn("hand-off: other nodes' presence not read", "err", err)
	}
	if rs, err := roster.Registrations(ctx, now); err == nil {
		d.setBindings(rs)
	} else if ctx.Err() == nil {
		log.Warn("hand-off: shared registrations not read", "err", err)
	}
	if l != nil {
		l.sync(ctx)
	}
}

// localSeen is what this node itself sees: the collectors whose softphone
// is registered here or whose page is open here.
func (d *Directory) localSeen(now time.Time) []store.CollectorSeen {
	d.mu.Lock()
	eps := make([]Endpoint, 0, len(d.endpoints))
	for _, e := range d.endpoints {
		eps = append(eps, e)
	}
	pages := make(map[string]int, len(d.pages))
	for l, n := range d.pages {
		pages[l] = n
	}
	d.mu.Unlock()
	sort.Slice(eps, func(i, j int) bool { return eps[i].Login < eps[j].Login })
	var out []store.CollectorSeen
	for _, e := range eps {
		s := store.CollectorSeen{Login: e.Login, Pages: pages[e.Login]}
		if d.reg != nil && e.SIPUser != "" {
			if b, ok := d.reg.Binding(e.SIPUser, now); ok {
				s.Contact = b.Contact
			}
		}
		if s.Contact != "" || s.Pages > 0 {
			out = append(out, s)
		}
	}
	return out
}

// setOthers replaces what the other nodes see.
func (d *Directory) setOthers(seen []store.CollectorSeen) {
	m := make(map[string]elsewhere, len(seen))
	for _, s := range seen {
		cur := m[s.Login]
		if cur.contact == "" {
			cur.contact = s.Contact
		}
		cur.page = cur.page || s.Pages > 0
		m[s.Login] = cur
	}
	d.mu.Lock()
	d.others = m
	d.mu.Unlock()
}
