package callflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/handoff"
	"github.com/dozvon/dozvon/internal/safe"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/telephony"
)

// HandOffConfig is how calls reach people (issue 15): the warm hand-off of
// a script's transfer node and click-to-call. Without Collectors, transfer
// nodes stay blind transfers (REFER) and click-to-call is refused.
type HandOffConfig struct {
	// Collectors says whose phone rings; *handoff.Directory implements it.
	Collectors Collectors
	// Debtors finds a debtor's pinned collector (debtors.collector);
	// *store.DB implements it (nil: the hunt group only).
	Debtors DebtorLookup
	// RingTimeout is how long the collectors' phones ring before the robot
	// takes the call back and asks for a callback time (default 30 s).
	RingTimeout time.Duration
	// HoldAudio is played to the debtor, over and over, while the phones
	// ring (8 kHz; nil: silence after the transfer node's own prompt, which
	// says "please wait").
	HoldAudio []int16
	// ReferTrunks are the trunks on which a transfer node stays a blind
	// transfer (REFER to the node's target) instead of the warm hand-off,
	// carrying the call's context in X-Dozvon-* headers (refer.go).
	ReferTrunks []string
	// ReferHeaders is the context a REFER on those trunks carries.
	ReferHeaders handoff.ReferHeaders
	// Lines counts the collectors on a call (a busy one is not rung) and
	// holds the inbound line (nil: nobody is counted busy, nobody waits).
	Lines *handoff.Lines
	// Inbound is how inbound calls reach people (zero: the defaults).
	Inbound handoff.Policy
	// CallerID is the From user a collector's external phone (a mobile
	// reached through a trunk) is rung with: the agency's number, which a
	// carrier will pass ("": the debtor's alias, as on a SIP phone). Never
	// the debtor's number.
	CallerID string
}

// StaffGuard seals permits to dial staff numbers (a collector's own
// mobile); *compliance.Guard implements it. Telephony dials no phone number
// without the guard's permit, so the collector's leg asks the guard too —
// as a staff call, which no 230-FZ limit counts.
type StaffGuard interface {
	StaffPermit(ctx context.Context, n phonenum.Number) (compliance.Permit, error)
}

// Collectors is what the call path needs to know of the collectors' phones.
type Collectors interface {
	// Targets: the pinned collector's phone when it can ring, else every
	// phone that can (the hunt group).
	Targets(pinned string) []handoff.Target
	// Reach is where one collector's phone rings now.
	Reach(login string) (handoff.Target, bool)
}

// DebtorLookup reads one debtor as the API shows it (collector "": any).
type DebtorLookup interface {
	DebtorFor(ctx context.Context, id, collector string) (store.DebtorView, error)
}

// ErrNoCollector: no collector's phone can ring now (none registered, or
// the one asked for is offline).
var ErrNoCollector = errors.New("no collector's phone can ring now")

// ErrNoCollectorAnswer: the collectors' phones rang out.
var ErrNoCollectorAnswer = errors.New("no collector answered")

// SetHandOff replaces the flow's hand-off configuration for calls that
// start from now on (a service wires the collectors' phones once its user
// agent, which knows who registered, exists).
func (f *Flow) SetHandOff(h HandOffConfig) { f.handOff.Store(&h) }

// handOffConfig is the hand-off configuration for a call starting now.
func (f *Flow) handOffConfig() HandOffConfig {
	if h := f.handOff.Load(); h != nil {
		return *h
	}
	return f.c.HandOff
}

func (h HandOffConfig) ringTimeout() time.Duration {
	if h.RingTimeout > 0 {
		return h.RingTimeout
	}
	return 30 * time.Second
}

// handOffCall is the warm hand-off of one robot call: the debtor's leg, who
// they are, and whether a person took the call (the ledger then counts a
// conversation whatever the robot heard before).
type handOffCall struct {
	f       *Flow
	cfg     HandOffConfig
	call    *telephony.Call // the debtor's leg
	debtor  string
	vars    map[string]any
	emit    *emitter
	bridged atomic.Bool
	// referOnly: the call is on a refer trunk; transfer nodes REFER with context.
	referOnly bool
}

// handOffFor is the robot's HandOff for a call on trunk: the warm hand-off,
// a REFER with context on a refer trunk, or nil when transfer nodes stay
// the robot's plain REFER (no collectors configured).
func (f *Flow) handOffFor(call *telephony.Call, trunk, debtor string, vars map[string]any, emit *emitter) *handOffCall {
	h := f.handOffConfig()
	refer := trunk != "" && slices.Contains(h.ReferTrunks, trunk)
	if h.Collectors == nil && !refer {
		return nil
	}
	return &handOffCall{f: f, cfg: h, call: call, debtor: debtor, vars: vars, emit: emit, referOnly: refer}
}

// hook is the robot's HandOff (nil for a nil h: the robot's plain REFER).
func (h *handOffCall) hook() robot.HandOff {
	switch {
	case h == nil:
		return nil
	case h.referOnly:
		return h.refer
	}
	return h.run
}

// tookPlace reports a hand-off a person answered and was bridged to.
func (h *handOffCall) tookPlace() bool { return h != nil && h.bridged.Load() }

// run rings the collectors while the debtor waits, whispers to the one who
// answers, pops the debtor's card on their page and bridges the two legs in
// dozvon until either hangs up.
func (h *handOffCall) run(ctx context.Context, req robot.HandOffRequest) (string, error) {
	targets := h.cfg.Collectors.Targets(h.pinned(ctx))
	stopHold := h.hold(nil, h.cfg.HoldAudio)
	defer stopHold()
	return h.connect(ctx, targets, whisperText(h.vars, req.Turns), req.Turns, stopHold)
}

// pinned is the debtor's pinned collector ("": none, or unknown debtor).
func (h *handOffCall) pinned(ctx context.Context) string {
	if h.cfg.Debtors == nil || h.debtor == "" {
		return ""
	}
	d, err := h.cfg.Debtors.DebtorFor(ctx, h.debtor, "")
	if err != nil {
		return ""
	}
	return d.Collector
}

// connect rings those of targets that are free, whispers to the one who
// answers, pops the debtor's card on their page and bridges the two legs
// until either hangs up; stopHold ends what the debtor hears meanwhile. It
// returns who took the call.
func (h *handOffCall) connect(ctx context.Context, targets []handoff.Target, whisper string, transcript []robot.Turn, stopHold func()) (string, error) {
	f := h.f
	targets, release := h.cfg.claim(ctx, targets)
	if len(targets) == 0 {
		return "", fmt.Errorf("callflow: hand-off: %w", ErrNoCollector)
	}
	user, display := alias(h.debtor, nameOf(h.vars))
	leg, taker, err := f.ring(ctx, h.call.Done(), targets, user, display, h.cfg.ringTimeout())
	release(taker)
	if err != nil {
		return "", err
	}
	defer h.cfg.free(ctx, taker)
	h.emit.send(Event{Kind: HandOffAnswered, Collector: taker, Transcript: transcript})
	if err := f.whisper(ctx, leg, h.call.Done(), whisper); err != nil {
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
		_ = leg.Hangup(hctx)
		cancel()
		return "", err
	}
	stopHold()
	h.bridged.Store(true)
	f.log.Info("hand-off: collector bridged", "call", h.emit.base.CallID, "collector", taker)
	first := telephony.Join(ctx, h.call, leg)
	f.log.Info("hand-off: the bridge ended", "call", h.emit.base.CallID, "by", legName(first, h.call, leg), "ctx", ctx.Err())
	return taker, nil
}

// claim marks the free targets busy on the lines and returns them, with a
// release that frees all of them but keep (no lines: every target, and
// nothing to free).
func (h HandOffConfig) claim(ctx context.Context, ts []handoff.Target) ([]handoff.Target, func(keep string)) {
	if h.Lines == nil {
		return ts, func(string) {}
	}
	got := h.Lines.Claim(ctx, ts)
	return got, func(keep string) {
		var back []string
		for _, t := range got {
			if t.Login != keep {
				back = append(back, t.Login)
			}
		}
		h.Lines.Free(ctx, back...)
	}
}

// free gives a collector back to the lines once their call ended.
func (h HandOffConfig) free(ctx context.Context, login string) {
	if h.Lines != nil && login != "" {
		h.Lines.Free(ctx, login)
	}
}

// legName says which leg ended a bridge, for the log.
func legName(first, debtor, collector *telephony.Call) string {
	switch first {
	case debtor:
		return "debtor"
	case collector:
		return "collector"
	}
	return "context"
}

// hold plays first once, then loop over and over, to the debtor until the
// returned func is called (both empty: nothing).
func (h *handOffCall) hold(first, loop []int16) (stop func()) {
	if len(first) == 0 && len(loop) == 0 {
		return func() {}
	}
	quit, done := make(chan struct{}), make(chan struct{})
	safe.Go(h.f.log, "callflow hold audio", func() {
		defer close(done)
		for audio := first; ; audio = loop {
			if len(audio) == 0 { // a prompt alone: then silence until stopped
				select {
				case <-quit:
				case <-h.call.Done():
				}
				return
			}
			select {
			case <-quit:
				return
			case <-h.call.Done():
				return
			default:
			}
			pb := h.call.Play(audio)
			select {
			case <-pb.Done():
			case <-quit:
				h.call.StopPlayback()
				return
			case <-h.call.Done():
				return
			}
		}
	}, nil)
	var once atomic.Bool
	return func() {
		if once.CompareAndSwap(false, true) {
			close(quit)
			<-done
		}
	}
}

// ring calls every target at once with the debtor's alias as caller; the
// first to answer takes the call and the others stop ringing. It gives up
// after timeout, when ctx is done, or when gone closes (the debtor hung up:
// robot.ErrCallerGone).
func (f *Flow) ring(ctx context.Context, gone <-chan struct{}, targets []handoff.Target, user, display string, timeout time.Duration) (*telephony.Call, string, error) {
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type answer struct {
		call  *telephony.Call
		login string
		err   error
	}
	answers := make(chan answer, len(targets))
	for _, t := range targets {
		safe.Go(f.log, "callflow ring collector", func() {
			call, err := f.dialCollector(rctx, t, user, display, timeout)
			answers <- answer{call, t.Login, err}
		}, func(p *safe.Panic) { answers <- answer{err: p} })
	}
	// extra hangs up what answers after the winner (or after we gave up)
	extra := func(left int) {
		go func() {
			for ; left > 0; left-- {
				if a := <-answers; a.call != nil {
					hctx, c := context.WithTimeout(context.Background(), 3*time.Second)
					_ = a.call.Hangup(hctx)
					c()
				}
			}
		}()
	}
	var lastErr error
	for left := len(targets); left > 0; {
		select {
		case a := <-answers:
			left--
			if a.err == nil {
				cancel()
				extra(left)
				return a.call, a.login, nil
			}
			lastErr = a.err
		case <-gone:
			cancel()
			extra(left)
			return nil, "", fmt.Errorf("callflow: hand-off: %w", robot.ErrCallerGone)
		}
	}
	if ctx.Err() != nil {
		return nil, "", fmt.Errorf("callflow: hand-off: %w", ctx.Err())
	}
	return nil, "", fmt.Errorf("callflow: hand-off: %w within %s (last: %w)", ErrNoCollectorAnswer, timeout, lastErr)
}

// dialCollector rings one collector's phone with the debtor's alias as the
// caller: a SIP phone directly; an external number through its trunk under
// the guard's staff permit, showing the agency's number (HandOffConfig.
// CallerID) or the alias — never the debtor's number.
func (f *Flow) dialCollector(ctx context.Context, t handoff.Target, user, display string, ring time.Duration) (*telephony.Call, error) {
	req := telephony.DialRequest{To: t.URI, CallerID: user, CallerName: display, RingTimeout: ring, NoRecord: true}
	if t.External() {
		sg, ok := f.c.Guard.(StaffGuard)
		if !ok {
			return nil, fmt.Errorf("callflow: collector %s: an external number needs a guard that issues staff permits", t.Login)
		}
		permit, err := sg.StaffPermit(ctx, t.Phone)
		if err != nil {
			return nil, fmt.Errorf("callflow: collector %s: %w", t.Login, err)
		}
		req.To, req.Permit = t.Phone.String(), permit
		if id := f.handOffConfig().CallerID; id != "" {
			req.CallerID = id
		}
		var allowed []string
		if t.Trunk != "" {
			allowed = []string{t.Trunk}
		}
		// through the trunk book: the collector's leg takes a channel of
		// the trunk like any call on it
		call, _, release, err := f.dial(ctx, req, allowed)
		if err != nil {
			return nil, err
		}
		go func() { <-call.Done(); release() }()
		return call, nil
	}
	call, _, err := f.c.UA.Dial(ctx, req)
	return call, err
}

// whisper plays text to the collector alone before the legs are joined. It
// fails when either leg hangs up meanwhile (the debtor: robot.ErrCallerGone).
func (f *Flow) whisper(ctx context.Context, leg *telephony.Call, debtorGone <-chan struct{}, text string) error {
	if f.c.Voice.Voice == nil || text == "" {
		return nil
	}
	a, err := f.c.Voice.Voice.Synthesize(ctx, text)
	if err != nil || a.Rate != 8000 {
		// the whisper helps, it is not worth losing the debtor over
		f.log.Warn("hand-off: whisper not synthesised, bridging without it", "err", err, "rate", a.Rate)
		return nil
	}
	pb := leg.Play(a.PCM)
	select {
	case <-pb.Done():
	case <-ctx.Done():
		return fmt.Errorf("callflow: hand-off: %w", ctx.Err())
	}
	select {
	case <-debtorGone:
		return fmt.Errorf("callflow: hand-off: %w", robot.ErrCallerGone)
	case <-leg.Done():
		return fmt.Errorf("callflow: hand-off: the collector hung up during the whisper: %w", ErrNoCollectorAnswer)
	default:
		return nil
	}
}

// whisperText is what the collector hears first: who, how much, and what
// the debtor said last.
func whisperText(vars map[string]any, turns []robot.Turn) string {
	var b strings.Builder
	if n := nameOf(vars); n != "" {
		b.WriteString("Должник " + n + ". ")
	}
	if debt, ok := vars["debt"].(map[string]any); ok {
		if amt, ok := debt["amount"].(float64); ok && amt > 0 {
			fmt.Fprintf(&b, "Долг %.0f рублей. ", amt)
		}
	}
	for i := len(turns) - 1; i >= 0; i-- {
		t := turns[i]
		if t.Who != robot.WhoCaller || t.Text == "" {
			continue
		}
		switch t.Kind {
		case "speech":
			b.WriteString("Сказал: " + t.Text + ".")
		case "dtmf":
			b.WriteString("Нажал " + t.Text + ".")
		default:
			continue
		}
		break
	}
	return strings.TrimSpace(b.String())
}

// nameOf is the debtor's name among a call's variables ("": unknown).
func nameOf(vars map[string]any) string {
	if d, ok := vars["debtor"].(map[string]any); ok {
		if n, ok := d["name"].(string); ok {
			return n
		}
	}
	return ""
}

// alias is who the collector's phone shows as calling: the debtor's id as
// the SIP user and a masked name as the display name — never the number
// (a bank's rule: the collector sees only a call button). Characters a SIP
// user part may not hold become '-'.
func alias(debtorID, name string) (user, display string) {
	id := debtorID
	if id == "" {
		id = "unknown"
	}
	var b strings.Builder
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	user = "debtor-" + b.String()
	display = MaskName(name)
	if display == "" {
		display = user
	}
	return user, display
}

// MaskName keeps the surname and the initials: "Иванов Иван Иванович" →
// "Иванов И. И." — how a debtor is named to a collector outside their card.
func MaskName(name string) string {
	f := strings.Fields(name)
	if len(f) == 0 {
		return ""
	}
	out := f[0]
	for _, w := range f[1:] {
		r := []rune(w)
		out += " " + string(r[0]) + "."
	}
	return out
}
