package vosk

import (
	"archive/zip"
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// These tests run tools/fetch-model.sh against a local HTTP server (VOSK_MODEL_URL), so the
// download, unzip, layout check, idempotence and failure messages are exercised without the
// Internet.

func fetchScript(t *testing.T) string {
	t.Helper()
	for _, tool := range []string{"bash", "curl", "unzip"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: %v", tool, err)
		}
	}
	p, err := filepath.Abs(filepath.Join("..", "..", "tools", "fetch-model.sh"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func zipModel(t *testing.T, top string, files modelFiles) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for rel, content := range files {
		w, err := zw.Create(top + "/" + rel)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// runFetch runs the script with env and returns its stdout, stderr and exit error.
func runFetch(t *testing.T, script string, env ...string) (string, string, error) {
	t.Helper()
	cmd := exec.Command("bash", script)
	// the local test server must be reached directly, not through a proxy from the environment
	cmd.Env = append(os.Environ(), "VOSK_MODEL=", "NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost")
	cmd.Env = append(cmd.Env, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

func TestFetchModelScript(t *testing.T) {
	script := fetchScript(t)
	var hits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/good.zip", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write(zipModel(t, DefaultModelName, smallModel()))
	})
	mux.HandleFunc("/incomplete.zip", func(w http.ResponseWriter, r *http.Request) {
		w.Write(zipModel(t, DefaultModelName, smallModel().with("am/final.mdl", "")))
	})
	mux.HandleFunc("/wrongtop.zip", func(w http.ResponseWriter, r *http.Request) {
		w.Write(zipModel(t, "some-other-model", smallModel()))
	})
	mux.HandleFunc("/notzip.zip", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html>maintenance</html>"))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// a port nobody listens on: connection refused at once
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedURL := "http://" + l.Addr().String() + "/model.zip"
	l.Close()

	t.Run("downloads, verifies, then is idempotent", func(t *testing.T) {
		models := t.TempDir()
		env := []string{"DOZVON_MODELS_DIR=" + models, "VOSK_MODEL_URL=" + srv.URL + "/good.zip"}
		out, errOut, err := runFetch(t, script, env...)
		if err != nil {
			t.Fatalf("fetch-model.sh: %v\n%s", err, errOut)
		}
		want := filepath.Join(models, DefaultModelName)
		if lines := strings.Split(strings.TrimSpace(out), "\n"); lines[len(lines)-1] != want {
			t.Errorf("last stdout line %q, want the model path %q", out, want)
		}
		if _, err := CheckModelDir(want); err != nil {
			t.Errorf("installed model does not pass CheckModelDir: %v", err)
		}
		if _, _, err := runFetch(t, script, env...); err != nil {
			t.Fatalf("second run: %v", err)
		}
		if n := hits.Load(); n != 1 {
			t.Errorf("downloaded %d times, want once (second run must reuse the model)", n)
		}
		leftovers, _ := filepath.Glob(filepath.Join(models, ".fetch.*"))
		if len(leftovers) != 0 {
			t.Errorf("temporary files left behind: %v", leftovers)
		}
	})

	failures := []struct {
		name, url, want string
	}{
		{"HTTP 404", srv.URL + "/missing.zip", "cannot download"},
		{"connection refused", closedURL, "cannot download"},
		{"not a zip", srv.URL + "/notzip.zip", "cannot unzip"},
		{"zip without the model directory", srv.URL + "/wrongtop.zip", "does not contain a " + DefaultModelName},
		{"incomplete model", srv.URL + "/incomplete.zip", "missing or empty am/final.mdl"},
	}
	for _, tt := range failures {
		t.Run(tt.name, func(t *testing.T) {
			models := t.TempDir()
			_, errOut, err := runFetch(t, script, "DOZVON_MODELS_DIR="+models, "VOSK_MODEL_URL="+tt.url, "FETCH_CONNECT_TIMEOUT=3")
			if err == nil {
				t.Fatalf("fetch-model.sh succeeded, want failure %q", tt.want)
			}
			if !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr %q does not say %q", errOut, tt.want)
			}
			if _, err := os.Stat(filepath.Join(models, DefaultModelName)); err == nil {
				t.Error("a model directory was installed despite the failure")
			}
		})
	}

	t.Run("VOSK_MODEL set: verify only", func(t *testing.T) {
		good := writeModel(t, smallModel())
		out, errOut, err := runFetch(t, script, "VOSK_MODEL="+good, "VOSK_MODEL_URL="+closedURL)
		if err != nil || strings.TrimSpace(out) != good {
			t.Fatalf("stdout %q, err %v, stderr %s; want the VOSK_MODEL path and success", out, err, errOut)
		}
		bad := writeModel(t, smallModel().with("conf/model.conf", ""))
		if _, errOut, err := runFetch(t, script, "VOSK_MODEL="+bad); err == nil || !strings.Contains(errOut, "conf/model.conf") {
			t.Errorf("broken VOSK_MODEL: err %v, stderr %q; want a failure naming conf/model.conf", err, errOut)
		}
	})
}
