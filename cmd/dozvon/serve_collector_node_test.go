package main

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/testcalls"
)

// TestServeCollectorOutlivesTheirNode: two `dozvon serve` processes on one
// PostgreSQL behind Kamailio (deploy/kamailio). Alice's softphone (baresip)
// registers to the proxy, which hands the REGISTER to one node; that node
// is then killed with SIGKILL. Once its presence has lapsed and Kamailio
// has marked it down, her debtor calls the proxy: the living node finds her
// registration in the store, rings her softphone and routes the call to
// her — a dead node no longer takes its collectors offline until their
// softphones register again.
func TestServeCollectorOutlivesTheirNode(t *testing.T) {
	skipUnlessCalls(t)
	kamailio, err := exec.LookPath("kamailio")
	if err != nil {
		t.Skip("kamailio not installed (tools/setup-debian.sh): the softphone registers through it")
	}
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	dsn := nodesPostgres(ctx, t)
	dir := t.TempDir()
	const debtorNumber = "+79165550021"

	phones, err := testcalls.NewCallee(ctx, telephony.Config{Name: "phones", Listen: []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	scriptPath := writeAcceptScript(t, dir)
	db := pinToAlice(ctx, t, dsn, debtorNumber)
	ha1 := md5.Sum([]byte("alice:dozvon:s3cret"))
	var nodes []*serveProc
	for i := range 2 {
		name := fmt.Sprintf("node%d", i+1)
		cfgPath := filepath.Join(dir, name+".yaml")
		cfg := fmt.Sprintf(`creditor: "ООО Тест"
sip:
  listen: [{transport: udp, host: 127.0.0.1, port: 0}]
  record_dir: %s
  security: {algorithms: [MD5], users: [{name: alice, ha1_md5: %q}]}
tts: {cache_dir: %s}
store: {dsn: %q}
inbound: {ring_timeout: 15s, queue: none}
handoff: {caller_id: "+74950000000", hold_audio: none}
`, filepath.Join(dir, name, "rec"), hex.EncodeToString(ha1[:]), filepath.Join(dir, name, "tts"), dsn)
		if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
		nodes = append(nodes, startServe(ctx, t, name, dir, weekdayMorning(time.Now()),
			"--config", cfgPath, "--asr", "dtmf", "--http", "127.0.0.1:0", "--drain", "10s", "--script", scriptPath, "--node", name))
	}
	kam := startKamailio(ctx, t, kamailio, dir, nodes)
	sp, err := testcalls.StartSoftphone(ctx, testcalls.SoftphoneConfig{User: "alice", Password: "s3cret", Registrar: kam.addr,
		Talk: 12 * time.Second, ToneHz: 1000, Dir: t.TempDir()})
	if errors.Is(err, testcalls.ErrNoBaresip) {
		t.Skip("baresip not installed (tools/setup-debian.sh): it is the collector's softphone")
	} else if err != nil {
		t.Fatal(err)
	}
	defer func() {
		sp.Stop()
		if t.Failed() {
			t.Logf("baresip:\n%s", sp.Trace())
		}
	}()
	poll := func(what string, ok func() bool) {
		t.Helper()
		for !ok() {
			select {
			case <-ctx.Done():
				t.Fatalf("%s: not before the deadline", what)
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	// The node Kamailio gave the REGISTER to is the one that dies.
	var dead, living *serveProc
	poll("alice's registration stored", func() bool {
		rs, err := db.Registrations(ctx, time.Now())
		if err != nil || len(rs) != 1 || rs[0].User != "alice" {
			return false
		}
		for i, n := range nodes {
			if strings.HasSuffix(rs[0].Node, fmt.Sprintf(":%d", n.cmd.Process.Pid)) {
				dead, living = n, nodes[1-i]
			}
		}
		return dead != nil
	})
	// That node publishes alice's phone as present first, so that its lapse
	// below is the presence path really gone, not one never taken.
	poll("alice's phone published present", func() bool {
		seen, err := db.OthersPresence(ctx, "nobody", time.Now())
		return err == nil && len(seen) == 1 && seen[0].Contact != ""
	})
	if err := dead.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-dead.exited
	// The dead node's presence rows lapse: from now on the living node
	// knows of alice's phone only what the store's registrations say.
	poll("the dead node's presence lapsed", func() bool {
		seen, err := db.OthersPresence(ctx, "nobody", time.Now())
		return err == nil && len(seen) == 0
	})
	kam.waitLine(ctx, t, "dozvon-proxy: node down sip:"+dead.sip)

	if _, err := phones.DialAs(ctx, "sip:agency@"+kam.addr, debtorNumber, testcalls.Behaviour{Steps: []testcalls.Step{{Pause: 20 * time.Second, Hangup: true}}}); err != nil {
		t.Fatal(err)
	}
	var rec store.CallRecord
	poll("the debtor's call stored by node 2", func() bool {
		calls, _, err := db.ListCalls(ctx, store.CallFilter{Limit: 10})
		if err != nil || len(calls) == 0 {
			return false
		}
		rec, err = db.Call(ctx, calls[0].ID)
		return err == nil
	})
	if !strings.Contains(strings.Join(kam.linesAfter(0), "\n"), "dozvon-proxy: REGISTER to sip:"+dead.sip) {
		t.Errorf("kamailio logged no REGISTER to the node that took it")
	}
	if !strings.Contains(living.stderr.String(), "inbound call done") {
		t.Errorf("the living node logged no inbound call")
	}
	if rec.Direction != "inbound" || rec.Slots[callflow.SlotRoute] != callflow.RouteCollector || rec.Slots[callflow.SlotCollector] != "alice" {
		t.Fatalf("the debtor's call: %s, slots %v; want routed to alice, whose node is dead", rec.Direction, rec.Slots)
	}
	if !strings.Contains(sp.Trace(), "Call established: sip:debtor-d1@") {
		t.Fatalf("alice's softphone took no call from debtor-d1:\n%s", sp.Trace())
	}
}
