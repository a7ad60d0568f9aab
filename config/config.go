package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/dozvon/dozvon/handoff"
	"github.com/dozvon/dozvon/messages"
	"github.com/dozvon/dozvon/recordings"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/telephony"
)

// Config is dozvon's one YAML file (default dozvon.yaml when present), with
// environment overrides applied after it (see applyEnv).
type Config struct {
	// Creditor is the creditor the robot names on every call (230-FZ art. 7
	// requires it); a campaign's own "creditor" wins. Unset: simulated calls
	// speak the script's default, and a sweep that dials real numbers refuses.
	Creditor string           `yaml:"creditor"`
	SIP      telephony.Config `yaml:"sip"`
	ASR      struct {
		// Engine: vosk (default), dtmf (keypad only), or simulated (demo/tests:
		// the simulated phones' planned text stands in for recognition).
		Engine  string `yaml:"engine"`
		Model   string `yaml:"model"`   // Vosk model directory (VOSK_MODEL)
		Library string `yaml:"library"` // libvosk.so path (DOZVON_LIBVOSK)
	} `yaml:"asr"`
	TTS struct {
		Engine   string `yaml:"engine"`    // espeak (default) or festival
		CacheDir string `yaml:"cache_dir"` // default var/tts-cache
	} `yaml:"tts"`
	VAD struct {
		StartAfter      time.Duration `yaml:"start_after"`
		TrailingSilence time.Duration `yaml:"trailing_silence"`
		MaxUtterance    time.Duration `yaml:"max_utterance"`
		PreRoll         time.Duration `yaml:"pre_roll"`
	} `yaml:"vad"`
	Robot struct {
		BargeInAfter time.Duration `yaml:"barge_in_after"`
		TransferTo   string        `yaml:"transfer_to"` // operator SIP URI or number
		// NonHuman: what to do when the first phrase is not a person
		// (actions per class: hangup | message; message; min_confidence)
		NonHuman robot.NonHumanPolicy `yaml:"non_human"`
	} `yaml:"robot"`
	Store struct {
		DSN string `yaml:"dsn"` // sqlite:var/dozvon.db (default) or postgres://…
	} `yaml:"store"`
	// Recordings is how recordings (sip.record_dir) are kept: retention
	// (archive_after_days, keep_days: by default archived after 30 days and
	// deleted after three years and a day) and the free-space floor.
	Recordings struct {
		recordings.Policy `yaml:",inline"`
		ArchiveDir        string `yaml:"archive_dir"` // default: RECORD_DIR/archive
		// MinFreeMB is the free space the recordings' disk must keep: below
		// it new calls are refused (default 1024; 0: no floor).
		MinFreeMB int `yaml:"min_free_mb"`
		// SweepEvery is how often serve applies the retention policy (default 6h).
		SweepEvery time.Duration `yaml:"sweep_every"`
	} `yaml:"recordings"`
	// Inbound is how inbound calls reach people (dozvon serve): ring_timeout,
	// queue (none | known | all), queue_max_wait, announce_every.
	Inbound handoff.Policy `yaml:"inbound"`
	// HandOff is how calls reach the collectors' phones (dozvon serve):
	// ring_timeout, caller_id, hold_audio, refer_trunks, refer_headers and
	// collectors (a SIP URI, an external number through a trunk, e-mail).
	HandOff handoff.Settings `yaml:"handoff"`
	// Messages: SMS and e-mail templates and senders (package messages).
	Messages messages.Settings `yaml:"messages"`
	// Callbacks: a due callback pinned to a collector who is online is
	// theirs for Grace (default 5m) before the robot calls (package callbacks).
	Callbacks struct {
		Grace time.Duration `yaml:"grace"`
	} `yaml:"callbacks"`
	// HTTP is the service's API server (dozvon serve).
	HTTP struct {
		// Listen is the API's address (default 127.0.0.1:8080; --http wins).
		Listen string `yaml:"listen"`
	} `yaml:"http"`
}

// Default is the configuration with no file and no environment.
func Default() Config {
	var c Config
	c.SIP.Name = "dozvon"
	c.SIP.Listen = []telephony.Listen{{Transport: "udp", Host: "127.0.0.1", Port: 5060}}
	c.SIP.RecordDir = "var/recordings"
	c.SIP.RTPPortMin, c.SIP.RTPPortMax = 0, 0
	c.ASR.Engine = "vosk"
	c.TTS.Engine = "espeak"
	c.TTS.CacheDir = "var/tts-cache"
	c.Store.DSN = "sqlite:var/dozvon.db"
	c.HTTP.Listen = "127.0.0.1:8080"
	c.Recordings.Policy = recordings.DefaultPolicy
	c.Recordings.MinFreeMB = 1024
	c.Recordings.SweepEvery = 6 * time.Hour
	return c
}

// Load reads path (empty: $DOZVON_CONFIG, else dozvon.yaml if it exists,
// else the defaults), rejects unknown keys with their line, applies the
// environment and checks the result.
func Load(path string, getenv func(string) string) (Config, error) {
	c := Default()
	explicit := path != ""
	if path == "" {
		path = getenv("DOZVON_CONFIG")
		explicit = path != ""
	}
	if path == "" {
		path = "dozvon.yaml"
	}
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) { // an empty file keeps the defaults
			return c, fmt.Errorf("config %s: %w", path, err)
		}
	case explicit || !errors.Is(err, os.ErrNotExist):
		return c, fmt.Errorf("config: %w", err)
	}
	if err := applyEnv(&c, getenv); err != nil {
		return c, err
	}
	if err := c.SIP.Validate(); err != nil {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	if !slices.Contains([]string{"vosk", "dtmf", "simulated"}, c.ASR.Engine) {
		return c, fmt.Errorf("config %s: asr.engine %q: want vosk, dtmf or simulated", path, c.ASR.Engine)
	}
	if !slices.Contains([]string{"espeak", "festival"}, c.TTS.Engine) {
		return c, fmt.Errorf("config %s: tts.engine %q: want espeak or festival", path, c.TTS.Engine)
	}
	if err := c.Recordings.Policy.Validate(); err != nil {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	if c.Recordings.MinFreeMB < 0 || c.Recordings.SweepEvery < 0 {
		return c, fmt.Errorf("config %s: recordings.min_free_mb %d and sweep_every %v must not be negative", path, c.Recordings.MinFreeMB, c.Recordings.SweepEvery)
	}
	if c.Recordings.SweepEvery == 0 {
		c.Recordings.SweepEvery = Default().Recordings.SweepEvery
	}
	if err := c.Inbound.Validate(); err != nil {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	if err := c.Messages.Validate(); err != nil {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	if err := c.HandOff.Validate(); err != nil {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	if err := checkHandOffTrunks(c); err != nil {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	if _, _, err := net.SplitHostPort(c.HTTP.Listen); err != nil {
		return c, fmt.Errorf("config %s: http.listen %q: want host:port: %v", path, c.HTTP.Listen, err)
	}
	// the names in the message are checked per call, against its variables
	if err := c.Robot.NonHuman.Validate(nil); err != nil {
		return c, fmt.Errorf("config %s: robot.non_human: %w", path, err)
	}
	return c, nil
}

// checkHandOffTrunks: the trunks the handoff: section names are sip.trunks.
func checkHandOffTrunks(c Config) error {
	known := map[string]bool{}
	for _, t := range c.SIP.Trunks {
		known[t.Name] = true
	}
	for i, e := range c.HandOff.Collectors {
		if e.Trunk != "" && !known[e.Trunk] {
			return fmt.Errorf("handoff: collectors[%d]: trunk %q is not in sip.trunks", i, e.Trunk)
		}
	}
	for i, t := range c.HandOff.ReferTrunks {
		if !known[t] {
			return fmt.Errorf("handoff: refer_trunks[%d]: trunk %q is not in sip.trunks", i, t)
		}
	}
	return nil
}

// applyEnv applies DOZVON_* and VOSK_MODEL overrides.
func applyEnv(c *Config, getenv func(string) string) error {
	for name, dst := range map[string]*string{
		"VOSK_MODEL": &c.ASR.Model, "DOZVON_LIBVOSK": &c.ASR.Library, "DOZVON_ASR": &c.ASR.Engine, "DOZVON_TTS": &c.TTS.Engine,
		"DOZVON_DSN": &c.Store.DSN, "DOZVON_RECORD_DIR": &c.SIP.RecordDir, "DOZVON_TRANSFER_TO": &c.Robot.TransferTo,
		"DOZVON_CREDITOR": &c.Creditor,
	} {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	if v := getenv("DOZVON_SIP_HOST"); v != "" && len(c.SIP.Listen) > 0 {
		c.SIP.Listen[0].Host = v
	}
	if v := getenv("DOZVON_SIP_PORT"); v != "" && len(c.SIP.Listen) > 0 {
		p, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("config: DOZVON_SIP_PORT=%q is not a port number", v)
		}
		c.SIP.Listen[0].Port = p
	}
	return nil
}
