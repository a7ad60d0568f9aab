package handoff

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/dozvon/dozvon/clock"
)

// Lines is who is on a call dozvon bridged them to (busy collectors are not
// rung again) and the line of inbound callers waiting for a free collector,
// first come first served. Safe for concurrent use.
type Lines struct {
	mu      sync.Mutex
	busy    map[string]bool
	line    []*Place
	changed chan struct{} // closed on every change, then replaced

	// shared lines (NewSharedLines): the claims are also the nodes' book's
	book   LineBook
	node   string
	ttl    time.Duration
	clk    clock.Clock
	log    *slog.Logger
	others map[string]bool // busy on other nodes, as last read
	seq    int64           // callers who joined the line here
}

// NewLines returns lines with nobody busy and nobody waiting.
func NewLines() *Lines {
	return &Lines{busy: map[string]bool{}, changed: make(chan struct{}), others: map[string]bool{}}
}

// NewSharedLines returns lines whose claims are also claims in book, shared
// by the nodes: a collector on a call on one node is rung by none. A claim
// lives ttl (default 15 s) unless Share renews it; a node that dies frees
// its collectors when its claims lapse.
func NewSharedLines(book LineBook, node string, ttl time.Duration, clk clock.Clock, log *slog.Logger) *Lines {
	l := NewLines()
	if ttl <= 0 {
		ttl = 15 * time.Second
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l.book, l.node, l.ttl, l.clk, l.log = book, node, ttl, clock.Or(clk), log
	return l
}

// Busy reports whether login is on a call (or being rung for one) now, on
// this node or, with shared lines, on another.
func (l *Lines) Busy(login string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.busy[login] || l.others[login]
}

// Claim marks the targets whose collectors are free as busy and returns
// them, so that two calls never ring one phone at once. Every claimed login
// must be given back with Free.
func (l *Lines) Claim(ctx context.Context, ts []Target) []Target {
	l.mu.Lock()
	var out []Target
	for _, t := range ts {
		if !l.busy[t.Login] && !l.others[t.Login] {
			l.busy[t.Login] = true
			out = append(out, t)
		}
	}
	l.mu.Unlock()
	if l.book == nil || len(out) == 0 {
		return out
	}
	logins := make([]string, len(out))
	for i, t := range out {
		logins[i] = t.Login
	}
	now := l.clk.Now()
	got, err := l.book.ClaimLines(ctx, l.node, logins, now, now.Add(l.ttl))
	if err != nil {
		// The book is out of reach: ring on this node's word alone. The
		// worst is a collector rung while on another node's call; refusing
		// would leave a debtor who asked for a person with nobody.
		l.log.Warn("hand-off: shared lines not claimed, ringing on this node's view", "err", err)
		return out
	}
	kept := out[:0]
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, t := range out {
		if slices.Contains(got, t.Login) {
			kept = append(kept, t)
			continue
		}
		delete(l.busy, t.Login) // another node has them
		l.others[t.Login] = true
	}
	return kept
}

// Free gives claimed collectors back: their call ended, or their phone
// stopped ringing. A waiting caller hears of it through Changed.
func (l *Lines) Free(ctx context.Context, logins ...string) {
	l.mu.Lock()
	for _, login := range logins {
		delete(l.busy, login)
	}
	l.notify()
	l.mu.Unlock()
	if l.book == nil || len(logins) == 0 {
		return
	}
	// The call that freed them may be over and its context done; the claim
	// must still go, or the collector looks busy to the others until it lapses.
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := l.book.FreeLines(bg, l.node, logins); err != nil {
		l.log.Warn("hand-off: shared lines not freed (they lapse)", "err", err)
	}
}

// sync renews this node's claims and reads who is busy on the other nodes;
// a collector freed there wakes the callers waiting here.
func (l *Lines) sync(ctx context.Context) {
	if l.book == nil {
		return
	}
	now := l.clk.Now()
	if err := l.book.RenewLines(ctx, l.node, now, now.Add(l.ttl)); err != nil && ctx.Err() == nil {
		l.log.Warn("hand-off: shared lines not renewed", "err", err)
	}
	busy, err := l.book.BusyLines(ctx, l.node, now)
	if err != nil {
		if ctx.Err() == nil {
			l.log.Warn("hand-off: other nodes' lines not read", "err", err)
		}
		return
	}
	m := make(map[string]bool, len(busy))
	for _, b := range busy {
		m[b] = true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	freed := false
	for b := range l.others {
		freed = freed || !m[b]
	}
	l.others = m
	if freed {
		l.notify()
	}
}

// Changed is closed at the next change: a collector freed, a caller joined
// or left the line. Take it again after it fires.
func (l *Lines) Changed() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.changed
}

// notify wakes every waiter (l.mu held).
func (l *Lines) notify() {
	close(l.changed)
	l.changed = make(chan struct{})
}

// Waiting is how many callers are in the line.
func (l *Lines) Waiting() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.line)
}

// Place is one caller's place in the line.
type Place struct {
	l      *Lines
	id     string // in the shared line ("": this node's line alone)
	joined time.Time
}

// Join puts a caller at the end of the line: with shared lines, the one
// line of every node.
func (l *Lines) Join(ctx context.Context) *Place {
	p := &Place{l: l}
	l.mu.Lock()
	l.line = append(l.line, p)
	l.seq++
	seq := l.seq
	l.notify()
	l.mu.Unlock()
	if l.book == nil {
		return p
	}
	// The id orders callers who joined at the same instant on one node.
	id := fmt.Sprintf("%s/%012d", l.node, seq)
	now := l.clk.Now()
	if err := l.book.JoinQueue(ctx, l.node, id, now, now.Add(l.ttl)); err != nil {
		l.log.Warn("hand-off: caller not in the shared line, waiting in this node's", "err", err)
		return p
	}
	p.id, p.joined = id, now
	return p
}

// Position is the caller's place: 1 is next, 0 once they left. With shared
// lines it counts the callers who joined earlier on every node.
func (p *Place) Position(ctx context.Context) int {
	p.l.mu.Lock()
	local := slices.Index(p.l.line, p) + 1
	p.l.mu.Unlock()
	if p.id == "" || local == 0 {
		return local
	}
	pos, err := p.l.book.QueuePosition(ctx, p.id, p.l.clk.Now())
	if err != nil || pos == 0 {
		if err != nil && ctx.Err() == nil {
			p.l.log.Warn("hand-off: place in the shared line not read", "err", err)
		}
		return local // the book is out of reach, or the place lapsed
	}
	return pos
}

// Leave takes the caller out of the line (a collector took the call, the
// caller hung up or waited too long); those behind move up. Leaving twice
// is harmless.
func (p *Place) Leave(ctx context.Context) {
	p.l.mu.Lock()
	if i := slices.Index(p.l.line, p); i >= 0 {
		p.l.line = slices.Delete(p.l.line, i, i+1)
		p.l.notify()
	}
	p.l.mu.Unlock()
	if p.id == "" {
		return
	}
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := p.l.book.LeaveQueue(bg, p.id); err != nil {
		p.l.log.Warn("hand-off: caller not taken out of the shared line (the place lapses)", "err", err)
	}
	p.id = ""
}
