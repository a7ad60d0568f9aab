package loadtest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCalleeProcessContract runs a stand-in callee executable (a shell script
// that follows RunCallee's protocol) to check what Run's child process is
// given and how its report comes back: the executable and its arguments are
// options, "ready <uri>" is read from stdout, closing stdin ends it.
func TestCalleeProcessContract(t *testing.T) {
	var stderr bytes.Buffer
	dir := t.TempDir()
	exe, argsFile := filepath.Join(dir, "fake-callee"), filepath.Join(dir, "args")
	script := "#!/bin/sh\necho \"$@\" > " + argsFile + `
while [ $# -gt 0 ]; do [ "$1" = "--report" ] && report="$2"; shift; done
echo "ready sip:debtor@127.0.0.1:5999"
cat > /dev/null
echo '{"calls":[{"CallID":"c1"}],"cpu_ns":5,"wall_ns":10}' > "$report"
`
	if err := os.WriteFile(exe, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	p, err := startCallee(context.Background(), Options{Executable: exe, CalleeArgs: []string{"far", "end"}}, "/tmp/cache", nil, &stderr)
	if err != nil {
		t.Fatalf("start: %v (stderr %q)", err, stderr.String())
	}
	if p.uri != "sip:debtor@127.0.0.1:5999" {
		t.Fatalf("uri %q", p.uri)
	}
	rep, err := p.finish()
	if err != nil {
		t.Fatalf("finish: %v", err)
	}
	if len(rep.Calls) != 1 || rep.Calls[0].CallID != "c1" || rep.Wall != 10 {
		t.Fatalf("report %+v", rep)
	}
	got, _ := os.ReadFile(argsFile)
	if want := "far end --listen 127.0.0.1:0 --report "; !strings.HasPrefix(string(got), want) || !strings.HasSuffix(strings.TrimSpace(string(got)), "--tts-cache /tmp/cache") {
		t.Fatalf("callee args %q, want %q… --tts-cache /tmp/cache", got, want)
	}

	_, err = startCallee(context.Background(), Options{Executable: filepath.Join(dir, "missing")}, dir, nil, &stderr)
	if err == nil || !strings.Contains(err.Error(), "start callee") {
		t.Fatalf("missing executable: err %v, want a start callee error", err)
	}
}
