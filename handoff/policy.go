package handoff

import (
	"fmt"
	"time"
)

// Who waits in the line for a collector (Policy.Queue).
const (
	QueueNone  = "none"  // nobody: only the pinned collector is rung, then the robot
	QueueKnown = "known" // callers recognised by their number
	QueueAll   = "all"   // every caller, unknown numbers too
)

// Policy is how inbound calls reach people (the config's inbound:
// section): a known caller's pinned collector rings first when online and
// free; a caller the policy wants a person for waits in the line, hearing
// their position, until a collector is free; everyone else, and whoever
// waited too long, gets the robot's inbound script.
type Policy struct {
	// RingTimeout is how long a collector's phone rings before the next
	// step (default 20 s).
	RingTimeout time.Duration `yaml:"ring_timeout"`
	// Queue is who waits for a collector when none can take the call now:
	// none, known (default) or all.
	Queue string `yaml:"queue"`
	// QueueMaxWait is how long a caller waits in the line before the robot
	// takes the call (default 2 min).
	QueueMaxWait time.Duration `yaml:"queue_max_wait"`
	// AnnounceEvery is how often a waiting caller hears their position
	// (default 30 s).
	AnnounceEvery time.Duration `yaml:"announce_every"`
}

// Validate checks p and fills its defaults.
func (p *Policy) Validate() error {
	if p.RingTimeout < 0 || p.QueueMaxWait < 0 || p.AnnounceEvery < 0 {
		return fmt.Errorf("inbound: ring_timeout %v, queue_max_wait %v and announce_every %v must not be negative", p.RingTimeout, p.QueueMaxWait, p.AnnounceEvery)
	}
	switch p.Queue {
	case "":
		p.Queue = QueueKnown
	case QueueNone, QueueKnown, QueueAll:
	default:
		return fmt.Errorf("inbound: queue %q: want none, known or all", p.Queue)
	}
	if p.RingTimeout == 0 {
		p.RingTimeout = 20 * time.Second
	}
	if p.QueueMaxWait == 0 {
		p.QueueMaxWait = 2 * time.Minute
	}
	if p.AnnounceEvery == 0 {
		p.AnnounceEvery = 30 * time.Second
	}
	return nil
}

// WantsPerson reports whether a caller (known: recognised by their number)
// may wait in the line for a collector.
func (p Policy) WantsPerson(known bool) bool {
	return p.Queue == QueueAll || (p.Queue == QueueKnown && known)
}

// OrDefaults is p with its defaults filled (a policy that does not
// validate gives the defaults: the config refused it before).
func (p Policy) OrDefaults() Policy {
	if err := p.Validate(); err != nil {
		p = Policy{}
		_ = p.Validate()
	}
	return p
}
