package telephony

import (
	"sync"
	"time"
)

// Playback is one queued piece of outgoing audio.
type Playback struct {
	mu       sync.Mutex // guards stopped, started, finished (read while playing)
	pcm      []int16
	pos      int
	done     chan struct{}
	stopped  bool
	started  time.Time
	finished time.Time
}

// Done is closed when the playback has finished, was stopped, or the call ended.
func (p *Playback) Done() <-chan struct{} { return p.done }

// Result reports, once Done is closed, whether the playback was cut short and
// when its first and last frames went out.
func (p *Playback) Result() (stopped bool, started, finished time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stopped, p.started, p.finished
}

// Play queues audio (8 kHz mono) after anything already queued.
func (c *Call) Play(pcm []int16) *Playback {
	p := &Playback{pcm: pcm, done: make(chan struct{})}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ended {
		p.stopped = true
		close(p.done)
		return p
	}
	c.queue = append(c.queue, p)
	return p
}

// StopPlayback cuts all queued audio now; the next frame sent is silence.
// It is safe to call from a FrameHandler.
func (c *Call) StopPlayback() {
	c.mu.Lock()
	q := c.queue
	c.queue = nil
	c.mu.Unlock()
	now := time.Now()
	for _, p := range q {
		p.mu.Lock()
		p.stopped = true
		p.finished = now
		p.mu.Unlock()
		close(p.done)
	}
}

// Playing reports whether audio is queued.
func (c *Call) Playing() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.queue) > 0
}

// nextOut fills out with the next frame to send and reports whether it is
// prompt audio. Called with c.mu held.
func (c *Call) nextOut(out []int16, now time.Time) bool {
	for len(c.queue) > 0 {
		p := c.queue[0]
		if p.pos == 0 {
			p.mu.Lock()
			p.started = now
			p.mu.Unlock()
		}
		if p.pos >= len(p.pcm) {
			c.queue = c.queue[1:]
			p.mu.Lock()
			p.finished = now
			p.mu.Unlock()
			close(p.done)
			continue
		}
		n := copy(out, p.pcm[p.pos:])
		clear(out[n:])
		p.pos += n
		return true
	}
	clear(out)
	return false
}
