package callflow_test

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/handoff"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/tts"
)

// referScript hands the call off at once: on a refer trunk, a REFER.
const referScript = `name: refer_test
version: "1"
language: ru
limits: {max_turns: 4, max_duration: 1m}
import: %s
start: hi
phrases:
  hi: {text: "Здравствуйте! Это робот компании Альфа, разговор записывается.", tags: [greeting, disclosure, creditor, recording]}
  bye: {text: "До свидания."}
nodes:
  - {id: hi, say: hi, next: hand}
  - id: hand
    transfer: {to: "sip:operator-7@127.0.0.1:5099", on_fail: end}
  - {id: end, say: bye, end: no_input}
`

// TestReferCarriesContextOnReferTrunk: on a trunk listed in refer_trunks a
// transfer node is a blind transfer whose REFER carries the call's context
// (X-Dozvon-Call, X-Dozvon-Debtor, X-Dozvon-Node and, configured, the
// debt) — sipp plays the PBX, accepts the REFER only with the context, and
// its message trace shows no X-Dozvon header holding the debtor's number.
func TestReferCarriesContextOnReferTrunk(t *testing.T) {
	t.Parallel()
	rep, msgs := referCall(t, "200 OK")
	if rep.Result.Outcome != "transfer" || rep.Result.Slots["transfer_to"] != "sip:operator-7@127.0.0.1:5099" {
		t.Fatalf("outcome %q, transfer_to %q (reason %q), want the REFER accepted", rep.Result.Outcome, rep.Result.Slots["transfer_to"], rep.Result.Reason)
	}
	refer := referMessage(msgs)
	for _, want := range []string{"X-Dozvon-Call: " + rep.ID, "X-Dozvon-Debtor: debtor-d1", "X-Dozvon-Node: hand", "X-Dozvon-Debt: 15000.00"} {
		if !strings.Contains(refer, want) {
			t.Errorf("the REFER lacks %q:\n%s", want, refer)
		}
	}
	for _, line := range strings.Split(refer, "\n") {
		if strings.HasPrefix(line, "X-Dozvon-") && strings.Contains(line, "9160000021") {
			t.Errorf("a context header holds the debtor's number: %s", line)
		}
	}
}

// TestReferToABusyTargetIsNoHandOff: the PBX accepts the REFER (202) but
// its NOTIFY reports the operator's line busy: the call is not counted as
// transferred, and the robot goes on to the node's on_fail.
func TestReferToABusyTargetIsNoHandOff(t *testing.T) {
	t.Parallel()
	rep, _ := referCall(t, "486 Busy Here")
	if rep.Result.Outcome == "transfer" || rep.Result.Slots["transfer_to"] != "" {
		t.Fatalf("outcome %q, transfer_to %q: a busy target was counted as a hand-off", rep.Result.Outcome, rep.Result.Slots["transfer_to"])
	}
	if rep.Result.Outcome != "no_input" {
		t.Fatalf("outcome %q (reason %q), want the on_fail node's no_input", rep.Result.Outcome, rep.Result.Reason)
	}
}

// referCall places one call to sipp playing a PBX on a refer trunk whose
// transfer target ends with result ("200 OK", "486 Busy Here"); it returns
// the call's report and sipp's message trace.
func referCall(t *testing.T, result string) (callflow.Report, string) {
	t.Helper()
	sipp, err := exec.LookPath("sipp")
	if err != nil {
		t.Skip("sipp not installed (Debian sip-tester; tools/setup-debian.sh)")
	}
	r := newRig(t, time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC))
	port, mport := freeUDP(t), freeUDP(t)
	trace := filepath.Join(t.TempDir(), "sipp_msgs.log")
	scenario, _ := filepath.Abs("testdata/sipp_uas_refer_context.xml")
	var out bytes.Buffer
	cmd := exec.CommandContext(r.ctx, sipp, "-sf", scenario, "-i", "127.0.0.1", "-p", fmt.Sprint(port), "-mi", "127.0.0.1", "-mp", fmt.Sprint(mport),
		"-key", "result", result,
		"-m", "1", "-timeout", "40s", "-timeout_error", "-nostdin", "-trace_msg", "-message_file", trace)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
	waitUDPBound(t, port)

	ua, err := telephony.New(r.ctx, telephony.Config{Name: "dozvon", Listen: r.loop, RecordDir: t.TempDir(),
		Trunks: []telephony.Trunk{{Name: "pbx", Host: fmt.Sprintf("127.0.0.1:%d", port)}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.db.UpsertDebtor(r.ctx, store.Debtor{ID: "d1", Name: "Иванов Иван Иванович", Region: "г. Москва", Phones: []string{debtorPhone}}); err != nil {
		t.Fatal(err)
	}
	dir, err := handoff.New(nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	flow, err := callflow.New(callflow.Config{
		UA: ua, Guard: r.guard, Calls: r.db, Clock: r.clock, RingTimeout: 5 * time.Second, Log: testLog(t),
		Voice:        robot.VoiceConfig{Voice: r.voice, LoadAudio: tts.LoadAudioFile},
		Recognizer:   func(callID string) asr.Recognizer { return r.phones.Board().Recognizer(callID) },
		NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(asr.DefaultVADConfig()) },
		HandOff:      callflow.HandOffConfig{Collectors: dir, ReferTrunks: []string{"pbx"}, ReferHeaders: handoff.ReferHeaders{Debt: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := flow.Place(r.ctx, callflow.Request{To: debtorPhone, DebtorID: "d1", Region: "г. Москва", Trunks: []string{"pbx"},
		Script: writeScript(t, "refer.yaml", referScript), Vars: map[string]any{"debt": map[string]any{"amount": 15000.0}}})
	if err != nil {
		t.Fatal(err)
	}
	waitDone := make(chan error, 1)
	go func() { waitDone <- cmd.Wait() }()
	select {
	case err := <-waitDone:
		if err != nil {
			t.Fatalf("sipp refused the REFER or the call: %v\n%s", err, out.String())
		}
	case <-r.ctx.Done():
		t.Fatalf("sipp did not end\n%s", out.String())
	}
	msgs, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	return rep, string(msgs)
}

// referMessage is the REFER request in sipp's message trace.
func referMessage(trace string) string {
	i := strings.Index(trace, "REFER sip:")
	if i < 0 {
		return ""
	}
	rest := trace[i:]
	if j := strings.Index(rest, "\n\n"); j > 0 {
		rest = rest[:j]
	}
	return strings.ReplaceAll(rest, "\r", "")
}

// waitUDPBound waits until something listens on the UDP port (sipp starting).
func waitUDPBound(t *testing.T, port int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			return // taken: sipp is up
		}
		c.Close()
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("nothing bound UDP port %d within 10 s", port)
}
