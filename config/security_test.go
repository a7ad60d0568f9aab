package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSIPSecurity: the sip.security section is read from the file, its
// zero value keeps the secure defaults, and a bad value is an error naming
// the field (an unknown key, its line).
func TestSIPSecurity(t *testing.T) {
	t.Parallel()
	const md5Hex, shaHex = "0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	full := `sip:
  listen: [{transport: udp, host: 0.0.0.0, port: 5060}]
  trunks: [{name: mts, host: sip.mts.example}]
  security:
    allow: []
    trunk_sources: {mts: [195.34.0.0/24, 195.34.1.10]}
    local_users: ["74951234567"]
    users: [{name: op1, ha1_md5: ` + md5Hex + `, ha1_sha256: ` + shaHex + `}]
    max_inbound_calls: 200
    retry_after: 60s
    rate_limit: {per_second: 2, burst: 5, sources: 10000, action: reject}
    block_user_agents: [friendly-scanner, evil]
`
	tests := []struct {
		name    string
		file    string
		wantErr string
		check   func(t *testing.T, c Config)
	}{
		{name: "secure defaults", check: func(t *testing.T, c Config) {
			s := c.SIP.Security.WithDefaults()
			if len(s.Allow) != 2 || s.Allow[0] != "127.0.0.0/8" || s.MaxInboundCalls != 1000 || s.RateLimit.Action != "drop" ||
				len(s.BlockUserAgents) == 0 || s.Algorithms[0] != "SHA-256" || len(s.Users) != 0 {
				t.Fatalf("defaults %+v", s)
			}
		}},
		{name: "full section", file: full, check: func(t *testing.T, c Config) {
			s := c.SIP.Security
			if s.Allow == nil || len(s.Allow) != 0 || s.TrunkSources["mts"][1] != "195.34.1.10" || s.LocalUsers[0] != "74951234567" ||
				s.Users[0].Name != "op1" || s.MaxInboundCalls != 200 || s.RetryAfter != time.Minute ||
				s.RateLimit.PerSecond != 2 || s.RateLimit.Action != "reject" || s.BlockUserAgents[1] != "evil" {
				t.Fatalf("got %+v", s)
			}
			if d := s.WithDefaults(); len(d.Allow) != 0 {
				t.Fatalf("an explicit empty allow list became %v", d.Allow)
			}
		}},
		{name: "bad CIDR", file: "sip:\n  security: {allow: [10.0.0.0/40]}\n", wantErr: "security.allow[0]"},
		{name: "trunk_sources of no trunk", file: "sip:\n  security: {trunk_sources: {beeline: [10.0.0.1]}}\n", wantErr: "security.trunk_sources.beeline"},
		{name: "password instead of HA1", file: "sip:\n  security:\n    users: [{name: op1, ha1_md5: secret}]\n", wantErr: "security.users[0].ha1_md5"},
		{name: "bad rate action", file: "sip:\n  security: {rate_limit: {action: tarpit}}\n", wantErr: "security.rate_limit.action"},
		{name: "bad cap", file: "sip:\n  security: {max_inbound_calls: -3}\n", wantErr: "security.max_inbound_calls"},
		{name: "unknown key names its line", file: "sip:\n  security:\n    alow: [10.0.0.1]\n", wantErr: "line 3"},
		{name: "plain password is not a key", file: "sip:\n  security:\n    users: [{name: op1, password: x}]\n", wantErr: "line 3"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(writeConfig(t, dir, tt.name, tt.file), func(string) string { return "" })
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatal(err)
			case tt.wantErr == "":
				tt.check(t, c)
			case err == nil || !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("err %v, want one naming %q", err, tt.wantErr)
			}
		})
	}
}

// writeConfig writes body as a config file in dir ("" = no file: the defaults).
func writeConfig(t *testing.T, dir, name, body string) string {
	t.Helper()
	if body == "" {
		return ""
	}
	path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
