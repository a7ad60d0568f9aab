package handoff

import (
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"

	"github.com/dozvon/dozvon/phonenum"
)

// Settings is the config's handoff: section (dozvon serve): how calls reach
// the collectors' phones.
type Settings struct {
	// RingTimeout is how long the collectors' phones ring before the robot
	// takes the call back (0: callflow's default, 30 s).
	RingTimeout time.Duration `yaml:"ring_timeout"`
	// CallerID is the number a collector's external phone (a mobile through
	// a trunk) shows: the agency's. Empty: the debtor's alias, which a
	// carrier may refuse. Never the debtor's number.
	CallerID string `yaml:"caller_id"`
	// HoldAudio is what the debtor hears while the collectors' phones ring:
	// a WAV or MP3 file, "tone" (default: a soft beep every 3 s) or "none"
	// (silence after the transfer node's prompt).
	HoldAudio string `yaml:"hold_audio"`
	// ReferTrunks are the trunks on which a transfer node stays a blind
	// transfer (REFER), and ReferHeaders what the REFER carries.
	ReferTrunks  []string     `yaml:"refer_trunks"`
	ReferHeaders ReferHeaders `yaml:"refer_headers"`
	// Collectors are the collectors' phones and e-mail addresses beyond the
	// default (a softphone registered as the sip.security user named like
	// the login): a fixed SIP URI, an external number through a trunk, an
	// e-mail address for notices. Only enabled collectors are used.
	Collectors []Endpoint `yaml:"collectors"`
	// PublicURL is where collectors open dozvon (https://dozvon.agency.ru):
	// notices link the debtor's card there ("": no link).
	PublicURL string `yaml:"public_url"`
}

// ReferHeaders says what context a REFER on a refer trunk carries to the
// peer that takes the call: the call's id and the debtor's alias always;
// the outcome and the slots the robot filled when Summary is set; the debt
// amount only when Debt is set. Never the debtor's number.
type ReferHeaders struct {
	Summary bool `yaml:"summary"`
	Debt    bool `yaml:"debt"`
}

// Hold audio choices besides a file.
const (
	HoldTone = "tone"
	HoldNone = "none"
)

// Validate checks s (paths named in it are read when serve starts).
func (s *Settings) Validate() error {
	if s.RingTimeout < 0 {
		return fmt.Errorf("handoff: ring_timeout %v must not be negative", s.RingTimeout)
	}
	if s.CallerID != "" {
		n, err := phonenum.Parse(s.CallerID)
		if err != nil {
			return fmt.Errorf("handoff: caller_id: %w", err)
		}
		s.CallerID = n.String()
	}
	if s.HoldAudio == "" {
		s.HoldAudio = HoldTone
	}
	for i, t := range s.ReferTrunks {
		if strings.TrimSpace(t) == "" {
			return fmt.Errorf("handoff: refer_trunks[%d] is empty", i)
		}
	}
	if s.PublicURL != "" {
		u, err := url.Parse(s.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("handoff: public_url %q: want http(s)://host[/path]", s.PublicURL)
		}
	}
	seen := map[string]bool{}
	for i, e := range s.Collectors {
		n, err := e.normalized()
		if err != nil {
			return fmt.Errorf("handoff: collectors[%d]: %w", i, err)
		}
		if seen[n.Login] {
			return fmt.Errorf("handoff: collectors[%d]: %s is listed twice", i, n.Login)
		}
		seen[n.Login] = true
		s.Collectors[i] = n
	}
	return nil
}

// Endpoint is the configured endpoint of login (ok false: none).
func (s Settings) Endpoint(login string) (Endpoint, bool) {
	for _, e := range s.Collectors {
		if e.Login == login {
			return e, true
		}
	}
	return Endpoint{}, false
}

// Tone is the default hold audio: a soft 440 Hz beep of 200 ms, then
// 2.8 s of quiet (8 kHz), played over and over — the debtor hears that the
// line is alive without music a bank would have to license.
func Tone() []int16 {
	const rate = 8000
	pcm := make([]int16, 3*rate)
	beep := rate / 5
	for i := range beep {
		fade := math.Min(1, math.Min(float64(i), float64(beep-i))/80) // no clicks at the edges
		pcm[i] = int16(3000 * fade * math.Sin(2*math.Pi*440*float64(i)/rate))
	}
	return pcm
}
