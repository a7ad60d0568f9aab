package telephony

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestTrunkDigestAuth: a number dialed through a trunk whose provider (sipp)
// challenges the INVITE with 401; the UA answers the challenge with the
// trunk's credentials, which sipp verifies, and the call connects.
func TestTrunkDigestAuth(t *testing.T) {
	sippPath(t) // skips the test when sipp is missing
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
			cmd, out := startSipp(ctx, t, "sipp_uas_auth.xml", ports[0], ports[1], "20s")
			defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
			waitBound(t, ports[0])
			u := newTestUA(t, Config{Trunks: []Trunk{{
				Name: "provider", Host: fmt.Sprintf("127.0.0.1:%d", ports[0]), Username: "robot", Password: tt.password,
			}}})
			call, info, err := u.Dial(ctx, DialRequest{To: "+79131234567", Permit: permitFor(t, "+79131234567")})
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

// TestTrunkRegistration registers a trunk with sipp as the provider's
// registrar, which demands digest auth: the right password is accepted (sipp
// saw a valid Authorization and the UA reports the trunk registered), a wrong
// one gets 403 and the UA reports the failure.
func TestTrunkRegistration(t *testing.T) {
	sippPath(t) // skips the test when sipp is missing
	for _, tt := range []struct {
		name, password string
		registered     bool
	}{
		{"right password", "s3cret", true},
		{"wrong password", "wrong", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ports := freeUDPPorts(t, 1)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd, out := startSipp(ctx, t, "sipp_registrar.xml", ports[0], 0, "20s")
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			defer func() { _ = cmd.Process.Kill(); <-exited }()
			waitBound(t, ports[0])
			u := newTestUA(t, Config{Trunks: []Trunk{{
				Name: "provider", Host: fmt.Sprintf("127.0.0.1:%d", ports[0]), Username: "robot", Password: tt.password,
				Register: true, Expiry: time.Hour,
			}}})
			var sippErr error
			select {
			case sippErr = <-exited:
				exited <- sippErr // for the deferred wait
			case <-ctx.Done():
				t.Fatalf("sipp did not finish its registrar scenario\n%s", out.String())
			}
			// sipp's verdict on the Authorization header it got
			if tt.registered != (sippErr == nil) {
				t.Fatalf("sipp exit %v, want success %v\n%s", sippErr, tt.registered, out.String())
			}
			deadline := time.Now().Add(10 * time.Second)
			for {
				r := u.Registration("provider")
				if tt.registered && r.Registered {
					return
				}
				if !tt.registered && r.Err != nil {
					if r.Registered || !strings.Contains(r.Err.Error(), "403") {
						t.Fatalf("registration %+v, want a failure naming 403", r)
					}
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("registration state %+v, want registered %v", r, tt.registered)
				}
				select {
				case <-time.After(20 * time.Millisecond):
				case <-ctx.Done():
				}
			}
		})
	}
}

// TestTrunkOutboundProxy: a trunk with an outbound proxy sends its INVITE to
// the proxy (sipp here) with the trunk's own host in the Request-URI — a
// host that does not even resolve, so only the proxy route can work.
func TestTrunkOutboundProxy(t *testing.T) {
	sippPath(t) // skips the test when sipp is missing
	ports := freeUDPPorts(t, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd, out := startSipp(ctx, t, "sipp_proxy_uas.xml", ports[0], ports[1], "20s")
	defer func() { _ = cmd.Process.Kill() }()
	waitBound(t, ports[0])
	u := newTestUA(t, Config{Trunks: []Trunk{{
		Name: "provider", Host: "provider.invalid", OutboundProxy: fmt.Sprintf("127.0.0.1:%d", ports[0]),
	}}})
	call, info, err := u.Dial(ctx, DialRequest{To: "+79131234567", Permit: permitFor(t, "+79131234567"), RingTimeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("dial through the outbound proxy: %v\n%s", err, out.String())
	}
	if info.Trunk != "provider" {
		t.Errorf("trunk %q, want provider", info.Trunk)
	}
	if err := call.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("sipp (the proxy) failed: %v\n%s", err, out.String())
	}
}
