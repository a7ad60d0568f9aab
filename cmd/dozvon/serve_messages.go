package main

import (
	"context"
	"log/slog"
	"strings"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/messages"
	"github.com/dozvon/dozvon/scripts"
)

// scriptSends sends the messages a dialogue asked for (the outcome slot
// "send", from nodes' send:) after the call, each through the message
// service and so through the 230-FZ guard. CallEvent only queues: the
// sending runs on its own goroutine (Run).
type scriptSends struct {
	svc   *messages.Service
	log   *slog.Logger
	queue chan callflow.Event
	// onSent, when set, hears each send's result after it is stored (tests wait on it).
	onSent func(messages.Result, error)
}

func newScriptSends(svc *messages.Service, log *slog.Logger) *scriptSends {
	return &scriptSends{svc: svc, log: log, queue: make(chan callflow.Event, 256)}
}

// CallEvent implements callflow.Subscriber.
func (s *scriptSends) CallEvent(e callflow.Event) {
	if e.Kind != callflow.Outcome || e.DebtorID == "" || e.Slots[scripts.SlotSend] == "" {
		return
	}
	select {
	case s.queue <- e:
	default:
		s.log.Warn("script messages dropped: the queue is full", "call", e.CallID, "debtor", e.DebtorID, "send", e.Slots[scripts.SlotSend])
	}
}

// Run sends what the calls asked for until ctx ends.
func (s *scriptSends) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-s.queue:
			for _, name := range strings.Split(e.Slots[scripts.SlotSend], ",") {
				res, err := s.svc.Send(ctx, messages.Request{DebtorID: e.DebtorID, Template: name, Slots: e.Slots, Source: "script:" + e.CallID})
				if s.onSent != nil {
					s.onSent(res, err)
				}
				if err != nil {
					s.log.Warn("script message not sent", "call", e.CallID, "debtor", e.DebtorID, "template", name, "status", res.Status, "err", err)
				}
			}
		}
	}
}

// serveMessages wires the message service of serve (the API's /messages)
// and starts sending what scripts ask for; sends is the flow's late
// subscriber it takes over.
func serveMessages(ctx context.Context, rt *runtime, log *slog.Logger, sends *lateSubscriber) (*messages.Service, error) {
	svc, err := rt.cfg.Messages.Build(rt.guard, rt.db, rt.clk, log, rt.cfg.Creditor)
	if err != nil {
		return nil, err
	}
	ss := newScriptSends(svc, log)
	sends.set(ss)
	go ss.Run(ctx)
	return svc, nil
}
