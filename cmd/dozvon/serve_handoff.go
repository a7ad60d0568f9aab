package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"time"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/callbacks"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/handoff"
	"github.com/dozvon/dozvon/messages"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/tts"
)

// serveHandOff wires the hand-off to people (issue 15) into serve's flow:
// the collectors' phones — a collector's softphone registers to dozvon as
// the sip.security user named like their login — their presence, the warm
// hand-off of transfer nodes, inbound routing to collectors, and the API's
// click-to-call door (calls it starts live on svc, not on the request) —
// which is also how a due callback reaches its collector (package callbacks).
func serveHandOff(svc context.Context, rt *runtime, ua *telephony.UA, flow *callflow.Flow, live callbacks.Publisher, grace time.Duration, log *slog.Logger) (*callbacks.Offers, *handoff.Directory, error) {
	collectors := func(ctx context.Context) ([]handoff.Endpoint, error) { return collectorEndpoints(ctx, rt, ua) }
	eps, err := collectors(svc)
	if err != nil {
		return nil, nil, err
	}
	// Registrations, presence and line claims are liveness between
	// processes: wall time, as the registrar stamps them, whatever clock
	// the 230-FZ guard runs on.
	wall := clock.System{}
	dir, err := handoff.New(ua.Guard(), wall, eps)
	if err != nil {
		return nil, nil, err
	}
	go dir.Follow(svc, 10*time.Second, collectors, log) // collectors added or disabled while serve runs
	hs := rt.cfg.HandOff
	hold, err := holdAudio(hs.HoldAudio)
	if err != nil {
		return nil, nil, err
	}
	// Nodes on one database share presence and lines: a collector whose
	// softphone registered to another node is rung from this one, and one on
	// another node's call is not.
	host, _ := os.Hostname()
	node := fmt.Sprintf("%s:%d", host, os.Getpid())
	// The registrar's bindings go to the store as well: they outlive a
	// restart or a dead node, and every node rings the latest one.
	ua.KeepRegistrationsIn(handoff.NewRegistrations(rt.db, node, wall))
	lines := handoff.NewSharedLines(rt.db, node, 0, wall, log)
	go handoff.Share(svc, dir, rt.db, lines, handoff.ShareConfig{Node: node, Log: log})
	flow.SetHandOff(callflow.HandOffConfig{Collectors: dir, Debtors: rt.db, Lines: lines, Inbound: rt.cfg.Inbound,
		RingTimeout: hs.RingTimeout, CallerID: hs.CallerID, HoldAudio: hold, ReferTrunks: hs.ReferTrunks, ReferHeaders: hs.ReferHeaders})
	log.Info("hand-off: collectors' phones", "collectors", len(eps), "hold_audio", hs.HoldAudio)
	cb := callbacks.Config{Grace: grace, Node: node, Clock: rt.clk, Log: log}
	if sc := rt.cfg.Messages.SMTP; sc != nil { // collectors with an e-mail address hear of callbacks offered to them
		mailer, err := messages.NewSMTP(*sc)
		if err != nil {
			return nil, nil, fmt.Errorf("messages.smtp: %w", err)
		}
		cb.Mail = &callbacks.Mail{Mailer: mailer, Address: dir.Email, PublicURL: hs.PublicURL}
	}
	return callbacks.New(svc, rt.db, dir, flow, live, cb), dir, nil
}

// holdAudio is the config's hold_audio: the default tone, nothing, or a file.
func holdAudio(choice string) ([]int16, error) {
	switch choice {
	case handoff.HoldNone:
		return nil, nil
	case handoff.HoldTone, "":
		return handoff.Tone(), nil
	}
	a, err := tts.LoadAudioFile(choice)
	if err != nil {
		return nil, fmt.Errorf("handoff.hold_audio: %w", err)
	}
	return a.PCM, nil
}

// collectorEndpoints are the phones of the enabled collectors: the one the
// config's handoff.collectors names for them (a SIP URI, an external number,
// an e-mail address), else the sip.security user of their login.
func collectorEndpoints(ctx context.Context, rt *runtime, ua *telephony.UA) ([]handoff.Endpoint, error) {
	users, err := rt.db.ListUsers(ctx)
	if err != nil {
		return nil, fmt.Errorf("hand-off: collectors: %w", err)
	}
	var sipUsers []string
	for _, u := range ua.Guard().Config().Users {
		sipUsers = append(sipUsers, u.Name)
	}
	var eps []handoff.Endpoint
	for _, u := range users {
		if u.Role != string(auth.Collector) || !u.DisabledAt.IsZero() {
			continue
		}
		if e, ok := rt.cfg.HandOff.Endpoint(u.Login); ok {
			eps = append(eps, e)
		} else if slices.Contains(sipUsers, u.Login) {
			eps = append(eps, handoff.Endpoint{Login: u.Login})
		}
	}
	return eps, nil
}
