package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/dozvon/dozvon/store"
)

// cmdWebhook registers where an integration's events go and shows what
// could not be delivered:
//
//	dozvon webhook add --owner LOGIN --url URL [--events call.ended,debtor.outcome]
//	                                      prints the new signing secret on the last line
//	dozvon webhook list                   endpoints (no secrets)
//	dozvon webhook dead [--limit N]       deliveries given up on
func cmdWebhook(ctx context.Context, e env, args []string) int {
	const usage = "usage: dozvon webhook add --owner LOGIN --url URL [--events E,E] | list | dead [--limit N]  [--db DSN]"
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, usage)
		return 2
	}
	sub := args[0]
	fs := flag.NewFlagSet("webhook "+sub, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dsn := fs.String("db", "", "store DSN: sqlite:PATH or postgres://… (default $DOZVON_DB or "+store.DefaultDSN+")")
	owner := fs.String("owner", "", "add: the integration user the endpoint belongs to")
	rawURL := fs.String("url", "", "add: the receiver's https URL")
	events := fs.String("events", "", "add: event types (call.ended, debtor.outcome, campaign.done); default all")
	limit := fs.Int("limit", 50, "dead: how many")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() != 0 || (sub != "add" && sub != "list" && sub != "dead") {
		fmt.Fprintln(e.stderr, usage)
		return 2
	}
	fail := e.fail("webhook "+sub, 1)
	if sub == "add" {
		u, err := url.Parse(*rawURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || *owner == "" {
			fmt.Fprintf(e.stderr, "dozvon: webhook add: --owner and an http(s) --url are required (got %q)\n", *rawURL)
			return 2
		}
	}
	db, err := store.Open(ctx, store.DSNFrom(*dsn, e.getenv))
	if err != nil {
		return fail(err)
	}
	defer db.Close()
	switch sub {
	case "add":
		secret := make([]byte, 24)
		_, _ = rand.Read(secret)
		s := "whsec_" + hex.EncodeToString(secret)
		var evs []string
		if *events != "" {
			evs = strings.Split(*events, ",")
		}
		id, err := db.AddWebhookEndpoint(ctx, store.WebhookEndpoint{Owner: *owner, URL: *rawURL, Secrets: []string{s}, Events: evs, Created: time.Now()})
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(e.stdout, "webhook endpoint %d for %s; verify Dozvon-Signature with this secret (shown once):\n%s\n", id, *owner, s)
	case "list":
		eps, err := db.WebhookEndpoints(ctx)
		if err != nil {
			return fail(err)
		}
		for _, ep := range eps {
			evs := "all events"
			if len(ep.Events) > 0 {
				evs = strings.Join(ep.Events, ",")
			}
			fmt.Fprintf(e.stdout, "%d\t%s\t%s\t%s\t%d secret(s)\n", ep.ID, ep.Owner, ep.URL, evs, len(ep.Secrets))
		}
	case "dead":
		dead, err := db.WebhooksIn(ctx, store.WebhookDead, *limit)
		if err != nil {
			return fail(err)
		}
		for _, d := range dead {
			fmt.Fprintf(e.stdout, "%d\tendpoint %d\t%s\t%s\t%d attempts\t%s\n", d.ID, d.EndpointID, d.Event, d.IdemKey, d.Attempts, d.LastError)
		}
	}
	return 0
}
