package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/internal/logsink"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/webhook"
	"github.com/gorilla/websocket"
)

// lineWatcher is serve's stdout: it hands each line to the test as it comes.
type lineWatcher struct {
	mu    sync.Mutex
	part  bytes.Buffer
	lines chan string
}

func (w *lineWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.part.Write(p)
	for {
		line, err := w.part.ReadString('\n')
		if err != nil {
			w.part.WriteString(line) // an incomplete line waits for its end
			return len(p), nil
		}
		w.lines <- strings.TrimSpace(line)
	}
}

// next waits for the next line that starts with prefix.
func (w *lineWatcher) next(t *testing.T, prefix string) string {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case l := <-w.lines:
			if strings.HasPrefix(l, prefix) {
				return l
			}
		case <-deadline:
			t.Fatalf("serve printed no line %q", prefix)
		}
	}
}

// TestServeDrainsOnSIGTERM: with a real inbound call in flight, the stop
// signal makes serve refuse new calls (503) and API mutations (503) and
// report not ready, while the call goes on; when the caller hangs up the
// API shuts down and serve exits 0.
func TestServeDrainsOnSIGTERM(t *testing.T) {
	skipUnlessCalls(t) // takes a real inbound call
	t.Parallel()
	tctx, cancelTest := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancelTest()
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "dozvon.yaml")
	cfg := fmt.Sprintf("sip:\n  listen: [{transport: udp, host: 127.0.0.1, port: 0}]\n  record_dir: %s\ntts: {cache_dir: %s}\nstore: {dsn: \"sqlite:%s\"}\n",
		filepath.Join(dir, "rec"), filepath.Join(dir, "tts"), filepath.Join(dir, "dozvon.db"))
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	// a supervisor's token: the API authenticates before it says it drains
	dsn := "sqlite:" + filepath.Join(dir, "dozvon.db")
	token := cliSupervisorToken(t, dsn)
	// a collection system's webhook receiver, verifying as integrators do
	hooks := make(chan string, 8)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		hooks <- r.Header.Get(webhook.SignatureHeader) + "\n" + string(body)
	}))
	defer receiver.Close()
	secret := cliWebhook(t, dsn, receiver.URL)
	repoRoot, _ := filepath.Abs(filepath.Join("..", ".."))
	out := &lineWatcher{lines: make(chan string, 64)}
	errOut := &logsink.Buffer{}
	e := env{stdin: strings.NewReader(""), stdout: out, stderr: errOut, getenv: func(string) string { return "" }}
	sigterm, stop := context.WithCancel(tctx)
	defer stop()
	done := make(chan int, 1)
	go func() {
		done <- run(sigterm, e, []string{"serve", "--config", cfgPath, "--asr", "dtmf", "--http", "127.0.0.1:0", "--drain", "60s",
			"--script", filepath.Join(repoRoot, "scripts", "verify_contact.yaml")})
	}()
	sipAddr := strings.Fields(strings.TrimPrefix(out.next(t, "dozvon serve: answering on "), "dozvon serve: answering on "))[0]
	base := strings.Fields(strings.TrimPrefix(out.next(t, "dozvon serve: API on "), "dozvon serve: API on "))[0]
	base = strings.TrimSuffix(base, "/api/v1")
	get := func(method, path string) (int, string) {
		req, _ := http.NewRequestWithContext(tctx, method, base+path, strings.NewReader(`{"collector":"x"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("GET", "/readyz"); code != http.StatusOK {
		t.Fatalf("readyz before the drain: %d %s\n%s", code, body, errOut.String())
	}

	// a supervisor's live event stream, authorised by the header (no token in the URL)
	ws, _, err := websocket.DefaultDialer.DialContext(tctx, "ws"+strings.TrimPrefix(base, "http")+"/api/v1/events",
		http.Header{"Authorization": {"Bearer " + token}})
	if err != nil {
		t.Fatalf("events stream: %v", err)
	}
	defer ws.Close()
	if err := ws.WriteJSON(map[string]any{"subscribe": []string{}, "after": 0}); err != nil { // every campaign, from the start
		t.Fatal(err)
	}
	caller, err := telephony.New(tctx, telephony.Config{Name: "caller", Listen: []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The caller is a debtor of an uploaded portfolio: the call is theirs.
	upload, _ := http.NewRequestWithContext(tctx, "POST", base+"/api/v1/portfolios",
		strings.NewReader("ФИО;Телефон;Регион;Номер договора\nИванов Иван Иванович;+79161234567;г. Москва;AC-1\n"))
	upload.Header.Set("Content-Type", "text/csv")
	upload.Header.Set("Authorization", "Bearer "+token)
	if resp, err := http.DefaultClient.Do(upload); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("portfolio upload: %v %v", resp, err)
	}
	call, info, err := caller.Dial(tctx, telephony.DialRequest{To: "sip:robot@" + sipAddr, CallerID: "+79161234567"})
	if err != nil {
		t.Fatalf("call in: %v (%+v)", err, info)
	}

	stop() // SIGTERM
	out.next(t, "dozvon serve: draining: 1 call(s) in flight")
	if code, body := get("GET", "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "draining") {
		t.Errorf("readyz while draining: %d %s", code, body)
	}
	if code, body := get("PUT", "/api/v1/debtors/d1/collector"); code != http.StatusServiceUnavailable || !strings.Contains(body, `"draining"`) {
		t.Errorf("a mutation while draining: %d %s", code, body)
	}
	if code, body := get("GET", "/metrics"); code != http.StatusOK || !strings.Contains(body, "dozvon_calls_active 1") ||
		!strings.Contains(body, "dozvon_websocket_clients 1") {
		t.Errorf("metrics while the call runs: %d, active calls or event stream clients line missing", code)
	}
	if _, info, err := caller.Dial(tctx, telephony.DialRequest{To: "sip:robot@" + sipAddr}); err == nil || info.Code != 503 {
		t.Errorf("a new call while draining: %v, code %d; want 503", err, info.Code)
	}
	select {
	case code := <-done:
		t.Fatalf("serve exited (%d) with a call in flight", code)
	default:
	}

	if err := call.Hangup(tctx); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d\n%s", code, errOut.String())
		}
	case <-tctx.Done():
		t.Fatalf("serve did not stop after the last call ended\n%s", errOut.String())
	}
	if code, _ := get("GET", "/healthz"); code != 0 {
		t.Errorf("the API still answers after serve stopped: %d", code)
	}
	// The stream carried the call from in-progress to completed, in order.
	var statuses []string
	debtors := map[string]bool{}
	var last int64
	for {
		var env struct {
			Type   string `json:"type"`
			Seq    int64  `json:"seq"`
			Call   string `json:"call"`
			Debtor string `json:"debtor"`
			Data   struct {
				Status string `json:"status"`
			} `json:"data"`
		}
		if err := ws.ReadJSON(&env); err != nil {
			break // serve stopped: the stream ends
		}
		if env.Seq <= last {
			t.Errorf("event seq %d after %d", env.Seq, last)
		}
		last = env.Seq
		if env.Type == "call.status" {
			statuses = append(statuses, env.Data.Status)
			debtors[env.Debtor] = true
		}
	}
	if !slices.Contains(statuses, "in-progress") || statuses[len(statuses)-1] != "completed" {
		t.Errorf("call statuses on the stream %v: want in-progress … completed", statuses)
	}
	if len(debtors) != 1 || debtors[""] {
		t.Errorf("the known caller's call statuses name debtors %v: want the one debtor whose number called", debtors)
	}
	// The call's end reached the webhook receiver before serve stopped, signed.
	select {
	case got := <-hooks:
		sig, body, _ := strings.Cut(got, "\n")
		if err := webhook.Verify(sig, []byte(body), time.Now(), webhook.Tolerance, secret); err != nil || !strings.Contains(body, `"event":"call.ended"`) {
			t.Errorf("webhook %q: %v", body, err)
		}
		if err := webhook.Verify(sig, []byte(strings.Replace(body, "call.ended", "call.endeD", 1)), time.Now(), webhook.Tolerance, secret); err == nil {
			t.Error("a tampered webhook verified")
		}
	default:
		t.Errorf("no webhook delivered for the call's end\n%s", errOut.String())
	}
}
