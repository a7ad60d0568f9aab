package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/testcalls"
)

// TestServeInboundReachesPeople is inbound routing through `dozvon serve`
// as a separate process, over real SIP: a debtor calling from their number
// is rung through to their pinned collector — here on her mobile, reached
// through the trunk (handoff.collectors, always: no page is open in this
// test) — and the call is stored as routed
// to her; a caller from an unknown number gets the robot's inbound script.
func TestServeInboundReachesPeople(t *testing.T) {
	skipUnlessCalls(t)
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "dozvon.db")
	const debtorNumber, aliceMobile, stranger = "+79165550011", "+79035550101", "+79165550099"

	// The phone network behind the trunk: alice's mobile answers and talks
	// (a tone), and it is where the callers call from.
	phones, err := testcalls.NewCallee(ctx, telephony.Config{Name: "phones", Listen: []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	talk := make([]int16, 4*8000)
	for i := range talk {
		talk[i] = int16(6000 * math.Sin(2*math.Pi*1000*float64(i)/8000))
	}
	uri := phones.Phone(aliceMobile, testcalls.Behaviour{Ring: 200 * time.Millisecond, GreetingAudio: talk})
	trunkHost := uri[strings.LastIndex(uri, "@")+1:]

	scriptPath := writeAcceptScript(t, dir)
	cfgPath := filepath.Join(dir, "dozvon.yaml")
	cfg := fmt.Sprintf(`creditor: "ООО Тест"
sip:
  listen: [{transport: udp, host: 127.0.0.1, port: 0}]
  record_dir: %s
  trunks: [{name: sim, host: %q}]
tts: {cache_dir: %s}
store: {dsn: %q}
inbound: {ring_timeout: 15s, queue: none}
handoff:
  caller_id: "+74950000000"
  hold_audio: none
  collectors: [{login: alice, phone: %q, trunk: sim, always: true}]
`, filepath.Join(dir, "rec"), trunkHost, filepath.Join(dir, "tts"), dsn, aliceMobile)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	db := pinToAlice(ctx, t, dsn, debtorNumber)

	srv := startServe(ctx, t, "serve", dir, weekdayMorning(time.Now()),
		"--config", cfgPath, "--asr", "dtmf", "--http", "127.0.0.1:0", "--drain", "10s", "--script", scriptPath)
	agency := "sip:agency@" + srv.sip

	// The debtor calls: "соединяю…", then alice's voice; they listen a while and hang up.
	if _, err := phones.DialAs(ctx, agency, debtorNumber, testcalls.Behaviour{Steps: []testcalls.Step{{Pause: 2 * time.Second, Hangup: true}}}); err != nil {
		t.Fatal(err)
	}
	// A stranger calls: the robot's script answers, and they hang up.
	if _, err := phones.DialAs(ctx, agency, stranger, testcalls.Behaviour{Steps: []testcalls.Step{{Hangup: true}}}); err != nil {
		t.Fatal(err)
	}
	var mobileRung bool
	for _, r := range phones.Reports() {
		if r.Phone == aliceMobile && r.Answered {
			mobileRung = true
		}
	}
	if !mobileRung {
		t.Fatalf("alice's mobile was not rung and answered: %+v", phones.Reports())
	}
	// Both calls are stored once they end on the service's side (it saves
	// after the caller's BYE): wait for them, with the test's deadline.
	routes := map[string]store.CallRecord{}
	for len(routes) < 2 {
		calls, _, err := db.ListCalls(ctx, store.CallFilter{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range calls {
			if c.Direction != "inbound" {
				continue
			}
			rec, err := db.Call(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			routes[rec.From] = rec
		}
		if len(routes) < 2 {
			select {
			case <-ctx.Done():
				t.Fatalf("inbound calls stored: %+v", routes)
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	if rec := routes[debtorNumber]; rec.Slots[callflow.SlotRoute] != callflow.RouteCollector || rec.Slots[callflow.SlotCollector] != "alice" {
		t.Errorf("the debtor's call: slots %v, want routed to alice", rec.Slots)
	}
	if rec := routes[stranger]; rec.Slots[callflow.SlotRoute] != callflow.RouteRobot || rec.ScriptName != "accept" {
		t.Errorf("the stranger's call: slots %v, script %q, want the robot's inbound script", rec.Slots, rec.ScriptName)
	}
	if es, err := db.LedgerEntries(ctx, "d1"); err != nil || len(es) != 0 {
		t.Errorf("ledger of d1: %+v (%v): a call the debtor placed counts nothing", es, err)
	}
}

// pinToAlice adds the collector alice to the database at dsn and debtor d1,
// at number, pinned to her; the store stays open for the test.
func pinToAlice(ctx context.Context, t *testing.T, dsn, number string) *store.DB {
	t.Helper()
	if code, _, errs := runCmd(t, cmdUser, "alice-password-1\n", nil, "add", "alice", "--role", "collector", "--db", dsn); code != 0 {
		t.Fatalf("user add: %d %s", code, errs)
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.UpsertDebtor(ctx, store.Debtor{ID: "d1", Name: "Иванов Иван Иванович", Region: "г. Москва", Phones: []string{number}}); err != nil {
		t.Fatal(err)
	}
	if err := db.AssignCollector(ctx, "d1", "alice"); err != nil {
		t.Fatal(err)
	}
	return db
}
