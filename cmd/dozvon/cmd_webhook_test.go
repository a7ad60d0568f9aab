package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestWebhookCommand(t *testing.T) {
	db := map[string]string{"DOZVON_DB": "sqlite:" + filepath.Join(t.TempDir(), "dozvon.db")}
	code, out, errs := runCmd(t, cmdWebhook, "", db, "add", "--owner", "crm", "--url", "https://crm.example/hooks", "--events", "call.ended")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || !strings.HasPrefix(lines[len(lines)-1], "whsec_") {
		t.Fatalf("add: exit %d, out %q, err %q: want the secret alone on the last line", code, out, errs)
	}
	secret := lines[len(lines)-1]
	code, out, _ = runCmd(t, cmdWebhook, "", db, "list")
	if code != 0 || !strings.Contains(out, "https://crm.example/hooks\tcall.ended") || strings.Contains(out, secret) {
		t.Fatalf("list: exit %d, %q: want the endpoint without its secret", code, out)
	}
	if code, out, _ = runCmd(t, cmdWebhook, "", db, "dead"); code != 0 || out != "" {
		t.Fatalf("dead: exit %d, %q: want none", code, out)
	}
	for _, bad := range [][]string{{"add", "--owner", "crm", "--url", "ftp://x"}, {"add", "--url", "https://x.example"}, {"remove"}} {
		if code, _, _ := runCmd(t, cmdWebhook, "", db, bad...); code != 2 {
			t.Errorf("%q: exit %d, want 2", bad, code)
		}
	}
}
