package main

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/config"
	"github.com/dozvon/dozvon/telephony"
)

// scratchConfig is the config at path made for an in-process bench: SIP on
// loopback, store and recordings in a new scratch folder (remove removes
// it) and DTMF recognition, so no model is needed: the figures are the
// service's, not ASR's.
func scratchConfig(path string, e env, prefix string) (cfg config.Config, remove func(), err error) {
	if cfg, err = config.Load(path, e.getenv); err != nil {
		return cfg, nil, err
	}
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return cfg, nil, err
	}
	cfg.SIP.Listen = []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}}
	cfg.SIP.RecordDir, cfg.Store.DSN = filepath.Join(dir, "recordings"), "sqlite:"+filepath.Join(dir, "dozvon.db")
	cfg.ASR.Engine = "dtmf"
	return cfg, func() { os.RemoveAll(dir) }, nil
}

// benchSupervisor adds a supervisor to the scratch store and returns a
// bearer token for it and the auth service.
func benchSupervisor(ctx context.Context, rt *runtime) (string, *auth.Service, error) {
	users, err := auth.New(rt.db, clock.System{}, auth.Options{Logger: rt.log})
	if err != nil {
		return "", nil, err
	}
	if _, err := users.AddUser(ctx, apiBenchUser, auth.Supervisor, "bench-password-not-secret", false); err != nil {
		return "", nil, err
	}
	token, _, err := users.CreateToken(ctx, apiBenchUser, "bench api", time.Hour)
	return token, users, err
}
