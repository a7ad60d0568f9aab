package telephony

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/sipgo/sip"
)

// Registration is a trunk's registration state.
type Registration struct {
	Registered bool      // the registrar accepted the last REGISTER
	At         time.Time // when the state last changed
	Err        error     // why the last attempt failed (nil when registered)
}

// Registration reports a trunk's registration state (zero for a trunk that
// does not register, or before the first attempt ended).
func (u *UA) Registration(trunk string) Registration {
	u.regMu.Lock()
	defer u.regMu.Unlock()
	return u.reg[trunk]
}

func (u *UA) setRegistration(trunk string, r Registration) {
	u.regMu.Lock()
	defer u.regMu.Unlock()
	if u.reg == nil {
		u.reg = map[string]Registration{}
	}
	r.At = time.Now()
	u.reg[trunk] = r
}

func (u *UA) keepRegistered(ctx context.Context, t Trunk) {
	uri := sip.Uri{}
	target := "sip:" + t.Host
	if t.Transport == "tcp" {
		target += ";transport=tcp"
	}
	if err := sip.ParseUri(target, &uri); err != nil {
		u.log.Error("trunk registration: bad host", "trunk", t.Name, "err", err)
		return
	}
	for ctx.Err() == nil {
		err := u.dg.Register(ctx, uri, diago.RegisterOptions{
			Username: t.Username, Password: t.Password, Expiry: t.Expiry, ProxyHost: t.OutboundProxy,
			OnRegistered: func() {
				u.setRegistration(t.Name, Registration{Registered: true})
				u.log.Info("trunk registered", "trunk", t.Name)
			},
		})
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			err = errors.New("registration ended")
		}
		u.setRegistration(t.Name, Registration{Err: err})
		u.log.Warn("trunk registration failed, retrying in 30s", "trunk", t.Name, "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(30 * time.Second):
		}
	}
}

func (u *UA) trunksFor(name string) ([]Trunk, error) {
	if len(u.cfg.Trunks) == 0 {
		return nil, &DialError{Result: Failed, Reason: "no trunk configured for a number; give a sip: URI"}
	}
	if name != "" {
		for _, t := range u.cfg.Trunks {
			if t.Name == name {
				return []Trunk{t}, nil
			}
		}
		return nil, &DialError{Result: Failed, Reason: fmt.Sprintf("unknown trunk %q", name)}
	}
	ts := append([]Trunk(nil), u.cfg.Trunks...)
	sort.SliceStable(ts, func(i, j int) bool { return ts[i].Priority < ts[j].Priority })
	return ts, nil
}
