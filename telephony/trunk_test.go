package telephony

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestTrunkDigestAuth: a number dialed through a trunk whose provider (sipp)
// challenges the INVITE with 401; the UA answers the challenge with the
// trunk's credentials, which sipp verifies, and the call connects.
func TestTrunkDigestAuth(t *testing.T) {
	sipp := sippPath(t)
	for _, tt := range []struct {
		name, password string
		wantCode       int
	}{
		{"right password", "s3cret", 200},
		{"wrong password", "wrong", 403},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ports := freeUDPPorts(t, 2)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var out bytes.Buffer
			cmd := exec.CommandContext(ctx, sipp, "-sf", filepath.Join("testdata", "sipp_uas_auth.xml"),
				"-i", "127.0.0.1", "-p", fmt.Sprint(ports[0]), "-mi", "127.0.0.1", "-mp", fmt.Sprint(ports[1]),
				"-m", "1", "-timeout", "20s", "-nostdin")
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
			waitBound(t, ports[0])
			u := newTestUA(t, Config{Trunks: []Trunk{{
				Name: "provider", Host: fmt.Sprintf("127.0.0.1:%d", ports[0]), Username: "robot", Password: tt.password,
			}}})
			call, info, err := u.Dial(ctx, DialRequest{To: "+79131234567", Permit: permitFor("+79131234567")})
			if tt.wantCode == 200 {
				if err != nil {
					t.Fatalf("dial through the trunk: %v\n%s", err, out.String())
				}
				if info.Trunk != "provider" {
					t.Fatalf("trunk %q", info.Trunk)
				}
				_ = call.Hangup(ctx)
				return
			}
			var de *DialError
			if !errors.As(err, &de) || de.Code != tt.wantCode {
				t.Fatalf("err %v, want %d", err, tt.wantCode)
			}
		})
	}
}
