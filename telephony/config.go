package telephony

import (
	"fmt"
	"time"

	"github.com/dozvon/dozvon/telephony/sipguard"
)

// Config is the SIP user agent's configuration.
type Config struct {
	// Name is the user agent name and the default Contact/From user.
	Name string `yaml:"name"`
	// Listen lists the SIP transports to bind (default: udp 127.0.0.1:5060).
	Listen []Listen `yaml:"listen"`
	// RTPPortMin/RTPPortMax bound the local RTP ports (both 0: the default
	// DefaultRTPPortMin..DefaultRTPPortMax, a fixed range a firewall can open).
	// diago keeps one range per process: the first UA that asks sets it, and
	// New refuses a later UA asking for another range. diago (v0.25.0) hands
	// out pairs upward from where it last stopped and does not wrap within
	// one try: when every pair from there to the top is busy, a call fails
	// although lower pairs are free. Keep the range for dozvon alone and
	// several times twice the peak of concurrent calls.
	RTPPortMin int `yaml:"rtp_port_min"`
	RTPPortMax int `yaml:"rtp_port_max"`
	// RTPSource says which far-end address a call takes audio and DTMF from:
	// latch (default: the SDP address, or before it is heard the first source
	// on the SDP host), strict (the SDP address only) or first (the first
	// source from anywhere, for peers behind NAT). Packets from any other
	// address, and of another SSRC, are dropped and counted (MediaStats).
	RTPSource string `yaml:"rtp_source"`
	// Codecs in order of preference: PCMU, PCMA (telephone-event is always offered).
	Codecs []string `yaml:"codecs"`
	// Trunks used by Dial when the destination is a number rather than a SIP URI.
	Trunks []Trunk `yaml:"trunks"`
	// RecordDir receives one stereo WAV per call ("" = no recording).
	RecordDir string `yaml:"record_dir"`
	// RecorderFault hears of every recording that fails (the folder or the
	// file cannot be made, a write or the final header fails), once per call;
	// the call goes on unrecorded. The service stops new calls on it.
	RecorderFault func(error) `yaml:"-"`
	// RingTimeout bounds ringing before CANCEL (default 30 s).
	RingTimeout time.Duration `yaml:"ring_timeout"`
	// InviteTimeout gives up on an INVITE that got no response at all (default 8 s).
	InviteTimeout time.Duration `yaml:"invite_timeout"`
	// MediaTimeout ends a call when no RTP arrives for this long (default 30 s;
	// it also ends calls whose BYE was lost).
	MediaTimeout time.Duration `yaml:"media_timeout"`
	// TransferTimeout bounds the wait for the result of an accepted transfer
	// (REFER 202, then NOTIFYs while the target rings; default 60 s).
	TransferTimeout time.Duration `yaml:"transfer_timeout"`
	// PerCallPacing gives every call its own media goroutine and timer
	// instead of the shared per-core pacer (for comparison in benchmarks);
	// its calls read RTP on a goroutine each whatever ReadGoroutines says.
	PerCallPacing bool `yaml:"per_call_pacing"`
	// ReadGoroutines gives every call a goroutine that reads its RTP socket
	// (Call.readLoop) instead of the default: the media shards read the
	// calls' sockets, a non-blocking recvmmsg per call once a tick, with the
	// kernel's arrival stamps. On a quiet 2-core box the shards' reads gave
	// fewer no-input calls and a lower jitter tail at 2,000 calls; on a box
	// other jobs kept busy the goroutines did better at 2,000
	// (docs/SCALING.md, "The media shards read the RTP sockets").
	ReadGoroutines bool `yaml:"rtp_read_goroutines"`
	// JitterFrames is the jitter buffer's reorder depth in 20 ms frames (default 3).
	JitterFrames int `yaml:"jitter_frames"`
	// RTPReadTicks is how often the media shard drains a call's RTP socket:
	// every this many 20 ms ticks (default 1, up to maxRTPReadTicks). Each
	// drain is a recvmmsg, so 2 takes a call's two packets in one syscall
	// where 1 makes a syscall for each: on the 2-core VM of the benchmarks a
	// syscall is the costliest thing the call path does, but at 2,000 full
	// calls 2 lost six times as many answers to the no-input timer
	// (docs/SCALING.md, "Round of 2026-12-07 afternoon"), so it is an
	// option, not the default. The jitter buffer of such a call
	// holds RTPReadTicks−1 frames more than JitterFrames, so a packet may
	// arrive as late as before without being dropped; what a call hears is
	// played 20–40 ms later at 2 (the extra frame, and up to a tick before
	// the first packet is read). Not used where a goroutine reads
	// (ReadGoroutines, PerCallPacing).
	RTPReadTicks int `yaml:"rtp_read_ticks"`
	// KernelArrivalTimes also keeps the far end's spacing by the kernel's
	// arrival stamps apart (MediaStats.ArrivalJitterKernel, KernelStamps):
	// for measurement endpoints such as the bench's simulated phones, whose
	// own scheduling delay on a busy box is not the line's. Where the media
	// shard reads the socket the stamps come with every datagram and
	// ArrivalJitter is taken from them too (the shards' reads); on the
	// read-goroutine path they cost an ioctl per packet.
	KernelArrivalTimes bool `yaml:"-"`
	// Security is the inbound policy (package sipguard); its zero value is
	// the secure default.
	Security sipguard.Config `yaml:"security"`
}

// Listen is one SIP transport to bind.
type Listen struct {
	Transport string `yaml:"transport"` // udp or tcp
	Host      string `yaml:"host"`      // bind address
	Port      int    `yaml:"port"`      // 0 = ephemeral
	// ExternalHost is the address put in Contact/Via and SDP when behind NAT.
	ExternalHost string `yaml:"external_host"`
	// MediaExternalIP overrides the SDP connection address only.
	MediaExternalIP string `yaml:"media_external_ip"`
}

// Trunk is a SIP provider account.
type Trunk struct {
	Name      string `yaml:"name"`
	Host      string `yaml:"host"`      // provider domain or host[:port], used in the Request-URI
	Transport string `yaml:"transport"` // udp (default) or tcp
	Username  string `yaml:"username"`
	Password  string `yaml:"password"`
	// Register keeps a registration with the provider while the UA runs.
	Register bool          `yaml:"register"`
	Expiry   time.Duration `yaml:"register_expiry"`
	// OutboundProxy, when set, receives every request for this trunk (host:port).
	OutboundProxy string `yaml:"outbound_proxy"`
	// Priority orders failover (lower first); CostPerMinute is recorded per call.
	Priority      int     `yaml:"priority"`
	CostPerMinute float64 `yaml:"cost_per_minute"`
	// CallerID is the default From user on this trunk.
	CallerID string `yaml:"caller_id"`
}

// The default RTP port range (Asterisk's rtp.conf default too): below
// Linux's ephemeral ports, so it does not collide with outgoing sockets.
const (
	DefaultRTPPortMin = 10000
	DefaultRTPPortMax = 20000
)

func (c *Config) withDefaults() Config {
	o := *c
	if o.Name == "" {
		o.Name = "dozvon"
	}
	if len(o.Listen) == 0 {
		o.Listen = []Listen{{Transport: "udp", Host: "127.0.0.1", Port: 5060}}
	}
	if len(o.Codecs) == 0 {
		o.Codecs = []string{"PCMU", "PCMA"}
	}
	if o.RingTimeout <= 0 {
		o.RingTimeout = 30 * time.Second
	}
	if o.InviteTimeout <= 0 {
		o.InviteTimeout = 8 * time.Second
	}
	if o.MediaTimeout <= 0 {
		o.MediaTimeout = 30 * time.Second
	}
	if o.TransferTimeout <= 0 {
		o.TransferTimeout = defaultTransferTimeout
	}
	if o.RTPPortMin == 0 && o.RTPPortMax == 0 {
		o.RTPPortMin, o.RTPPortMax = DefaultRTPPortMin, DefaultRTPPortMax
	}
	if o.RTPSource == "" {
		o.RTPSource = RTPSourceLatch
	}
	if o.JitterFrames <= 0 {
		o.JitterFrames = 3
	}
	if o.RTPReadTicks == 0 {
		o.RTPReadTicks = defaultRTPReadTicks
	}
	return o
}

// defaultRTPReadTicks and maxRTPReadTicks bound Config.RTPReadTicks: a
// drain takes at most rxBatch×rxRounds datagrams, and a call's
// reads should not lag its sends by more than a tenth of a second.
const (
	defaultRTPReadTicks = 1
	maxRTPReadTicks     = 5
)

// Validate reports the first configuration error, naming the field.
func (c *Config) Validate() error {
	for i, l := range c.Listen {
		switch l.Transport {
		case "udp", "tcp", "":
		default:
			return fmt.Errorf("telephony config: listen[%d].transport %q: want udp or tcp", i, l.Transport)
		}
		if l.Port < 0 || l.Port > 65535 {
			return fmt.Errorf("telephony config: listen[%d].port %d out of range", i, l.Port)
		}
	}
	if c.RTPPortMin < 0 || c.RTPPortMax < 0 || (c.RTPPortMin != 0 || c.RTPPortMax != 0) && (c.RTPPortMin == 0 || c.RTPPortMax <= c.RTPPortMin) {
		return fmt.Errorf("telephony config: rtp_port_min/max %d..%d is not a range", c.RTPPortMin, c.RTPPortMax)
	}
	if c.RTPPortMax > 65535 {
		return fmt.Errorf("telephony config: rtp_port_max %d out of range", c.RTPPortMax)
	}
	if err := validRTPSource(c.RTPSource); err != nil {
		return err
	}
	if c.RTPReadTicks < 0 || c.RTPReadTicks > maxRTPReadTicks {
		return fmt.Errorf("telephony config: rtp_read_ticks %d: want 1 to %d (0: the default, %d)", c.RTPReadTicks, maxRTPReadTicks, defaultRTPReadTicks)
	}
	for _, codec := range c.Codecs {
		if codec != "PCMU" && codec != "PCMA" {
			return fmt.Errorf("telephony config: codec %q: want PCMU or PCMA", codec)
		}
	}
	seen := map[string]bool{}
	for i, t := range c.Trunks {
		if t.Name == "" || t.Host == "" {
			return fmt.Errorf("telephony config: trunks[%d]: name and host are required", i)
		}
		if seen[t.Name] {
			return fmt.Errorf("telephony config: trunks[%d]: duplicate name %q", i, t.Name)
		}
		seen[t.Name] = true
	}
	var trunks []string
	for _, t := range c.Trunks {
		trunks = append(trunks, t.Name)
	}
	if err := c.Security.Validate(trunks); err != nil {
		return fmt.Errorf("telephony config: %w", err)
	}
	return nil
}
