package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCmd(t *testing.T, f func(context.Context, env, []string) int, stdin string, envVars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(k string) string { return envVars[k] }}
	code := f(context.Background(), e, args)
	return code, out.String(), errb.String()
}

func TestComplianceCheckContract(t *testing.T) {
	noDB := map[string]string{"DOZVON_DB": "sqlite:" + filepath.Join(t.TempDir(), "absent.db")}
	tests := []struct {
		name      string
		in        string
		allowed   bool
		reason    string
		localTime string
		next      string
	}{
		{"issue example", `{"debtor":{"id":"d1","phones":["+79131234567"],"region":"Новосибирская область","blocks":[]},
 "at":"2026-11-23T01:30:00Z","channel":"robot_call",
 "history":[{"at":"2026-11-22T06:00:00Z","kind":"conversation"}],
 "policy":{"margin_start_min":0,"margin_end_min":0,"max_call_min":0,"attempts_per_day":3}}`, true, "", "2026-11-23T08:30:00+07:00", "2026-11-23T01:30:00Z"},
		{"before the window", `{"debtor":{"id":"d1","region":"Новосибирская область"},"at":"2026-11-23T00:59:00Z","channel":"robot_call",
 "policy":{"margin_start_min":0,"margin_end_min":0,"max_call_min":0}}`, false, "window", "2026-11-23T07:59:00+07:00", "2026-11-23T01:00:00Z"},
		{"default margins", `{"debtor":{"id":"d1","region":"Новосибирская область"},"at":"2026-11-23T01:05:00Z","channel":"robot_call"}`,
			false, "window", "2026-11-23T08:05:00+07:00", "2026-11-23T01:10:00Z"},
		{"second conversation", `{"debtor":{"id":"d1","region":"Москва"},"at":"2026-11-23T12:00:00Z","channel":"human_call",
 "history":[{"at":"2026-11-23T07:00:00Z","kind":"conversation"}]}`, false, "limit_day", "2026-11-23T15:00:00+03:00", "2026-11-24T05:10:00Z"},
		{"blocked", `{"debtor":{"id":"d1","region":"Москва","blocks":["bankruptcy"]},"at":"2026-11-23T12:00:00Z","channel":"message"}`,
			false, "blocked", "2026-11-23T15:00:00+03:00", ""},
		{"unknown zone", `{"debtor":{"id":"d1"},"at":"2026-11-23T10:30:00Z","channel":"robot_call","policy":{"margin_start_min":0,"margin_end_min":0,"max_call_min":0}}`,
			false, "unknown_timezone", "2026-11-23T13:30:00+03:00", "2026-11-24T06:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCmd(t, cmdCompliance, tt.in, noDB, "check")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var d struct {
				Allowed       bool     `json:"allowed"`
				Reason        string   `json:"reason"`
				Reasons       []string `json:"reasons"`
				Detail        string   `json:"detail"`
				LocalTime     string   `json:"local_time"`
				NextAllowedAt *string  `json:"next_allowed_at"`
			}
			if err := json.Unmarshal([]byte(out), &d); err != nil {
				t.Fatalf("output %q: %v", out, err)
			}
			next := ""
			if d.NextAllowedAt != nil {
				next = *d.NextAllowedAt
			}
			if d.Allowed != tt.allowed || d.Reason != tt.reason || d.LocalTime != tt.localTime || next != tt.next || d.Detail == "" || d.Reasons == nil {
				t.Fatalf("got %s", out)
			}
			if !tt.allowed && d.Reasons[0] != tt.reason {
				t.Fatalf("reasons %v", d.Reasons)
			}
		})
	}
}

func TestComplianceCheckBadInput(t *testing.T) {
	noDB := map[string]string{"DOZVON_DB": "sqlite:" + filepath.Join(t.TempDir(), "absent.db")}
	tests := []struct{ name, in, want string }{
		{"syntax", "{\"debtor\":{\"id\":\"d1\"},\n \"at\":,}", "2:8: invalid character"},
		{"empty", "", "empty input"},
		{"trailing", `{"debtor":{"id":"d1"},"at":"2026-11-23T01:30:00Z","channel":"robot_call"} {}`, "data after the JSON object"},
		{"type", `{"debtor":{"id":5}}`, `field "debtor.id"`},
		{"unknown field", `{"debtor":{"id":"d1"},"when":"x"}`, `unknown field "when"`},
		{"date", `{"debtor":{"id":"d1"},"at":"2026-11-23 01:30","channel":"robot_call"}`, `field "at" = "2026-11-23 01:30"`},
		{"history date", `{"debtor":{"id":"d1"},"at":"2026-11-23T01:30:00Z","channel":"robot_call","history":[{"at":"yesterday","kind":"attempt"}]}`, `field "history[0].at" = "yesterday"`},
		{"history kind", `{"debtor":{"id":"d1"},"at":"2026-11-23T01:30:00Z","channel":"robot_call","history":[{"at":"2026-11-22T01:30:00Z","kind":"chat"}]}`, `field "history[0].kind" = "chat"`},
		{"phone", `{"debtor":{"id":"d1","phones":["+7 913 12"]},"at":"2026-11-23T01:30:00Z","channel":"robot_call"}`, `field "debtor.phones[0]"`},
		{"channel", `{"debtor":{"id":"d1"},"at":"2026-11-23T01:30:00Z","channel":"fax"}`, `field "channel" = "fax"`},
		{"block", `{"debtor":{"id":"d1","blocks":["holiday"]},"at":"2026-11-23T01:30:00Z","channel":"robot_call"}`, `field "debtor.blocks[0]" = "holiday"`},
		{"policy", `{"debtor":{"id":"d1"},"at":"2026-11-23T01:30:00Z","channel":"robot_call","policy":{"margin_start_min":-5}}`, `field "policy.margin_start_min" = -5`},
		{"call phone", `{"debtor":{"id":"d1"},"phone":"+7 913 12x 45 67","at":"2026-11-23T01:30:00Z","channel":"robot_call"}`, `field "phone"`},
		{"no id", `{"debtor":{},"at":"2026-11-23T01:30:00Z","channel":"robot_call"}`, `field "debtor.id" is empty`},
	}
	for _, tt := range tests {
		code, out, errs := runCmd(t, cmdCompliance, tt.in, noDB, "check")
		if code != 2 || out != "" || !strings.Contains(errs, tt.want) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 2 and %q", tt.name, code, out, errs, tt.want)
		}
	}
	if code, _, _ := runCmd(t, cmdCompliance, "", noDB); code != 2 {
		t.Errorf("no subcommand: exit %d", code)
	}
	// A region nobody can read, or a foreign number, is a decision in every Russian zone, not bad input.
	for _, in := range []string{
		`{"debtor":{"id":"d1","region":"Нарния"},"at":"2026-11-23T01:30:00Z","channel":"robot_call"}`,
		`{"debtor":{"id":"d1"},"phone":"+44 20 7946 0958","at":"2026-11-23T01:30:00Z","channel":"robot_call"}`,
	} {
		if code, out, errs := runCmd(t, cmdCompliance, in, noDB, "check"); code != 0 || !strings.Contains(out, `"zone_source":"unknown"`) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want a decision in every zone", in, code, out, errs)
		}
	}
}

func TestNumplanImportLookup(t *testing.T) {
	def := filepath.Join("..", "..", "..", "shared", "data", "numplan", "DEF-9xx.csv")
	if _, err := os.Stat(def); err != nil {
		t.Skipf("shared data not present: %v", err)
	}
	vars := map[string]string{"DOZVON_DB": "sqlite:" + filepath.Join(t.TempDir(), "var", "dozvon.db")}
	if code, _, errs := runCmd(t, cmdNumplan, "", vars, "lookup", "+79131234567"); code != 1 || !strings.Contains(errs, "numplan import") {
		t.Fatalf("lookup before import: %d %s", code, errs)
	}
	code, out, errs := runCmd(t, cmdNumplan, "", vars, "import", def)
	if code != 0 || !strings.Contains(out, "16629 ranges") {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	code, out, errs = runCmd(t, cmdNumplan, "", vars, "lookup", "+7 (913) 123-45-67", "+79000062500")
	if code != 0 || !strings.Contains(out, "region=Кемеровская обл.") || !strings.Contains(out, "zone=Asia/Novokuznetsk") ||
		!strings.Contains(out, "region=Ростовская обл.") || !strings.Contains(out, `operator=ООО "Т2 МОБАЙЛ"`) {
		t.Fatalf("lookup: %d %s %s", code, out, errs)
	}
	// The stored plan now resolves a debtor known only by phone.
	code, out, _ = runCmd(t, cmdCompliance, `{"debtor":{"id":"d1","phones":["+79131234567"]},"at":"2026-11-23T01:30:00Z","channel":"robot_call"}`, vars, "check")
	if code != 0 || !strings.Contains(out, `"zone":"Asia/Novokuznetsk"`) || !strings.Contains(out, `"zone_source":"phone"`) {
		t.Fatalf("check with stored plan: %d %s", code, out)
	}
	bad := filepath.Join(t.TempDir(), "ABC-3xx.csv")
	os.WriteFile(bad, []byte("\ufeffАВС/ DEF;От;До;Емкость;Оператор;Регион;Территория ГАР;ИНН\n383;2000000;2999999;1000000;ПАО \"Ростелеком\";Новосибирская обл.;;1\n383;3000000;39x9999;1;x;y;;1\n"), 0o644)
	if code, _, errs := runCmd(t, cmdNumplan, "", vars, "import", bad); code != 2 || !strings.Contains(errs, "ABC-3xx.csv:3: column \"До\"") {
		t.Fatalf("bad file: %d %s", code, errs)
	}
	if code, _, errs := runCmd(t, cmdNumplan, "", vars, "lookup", "12345"); code != 2 || !strings.Contains(errs, "parse phone") {
		t.Fatalf("bad number: %d %s", code, errs)
	}
	// A foreign number is looked up, not refused: the plan places it nowhere (exit 1, like an unknown range).
	if code, out, errs := runCmd(t, cmdNumplan, "", vars, "lookup", "+44 20 7946 0958"); code != 1 || !strings.Contains(out, "not in the numbering plan") {
		t.Fatalf("foreign number: %d %s %s", code, out, errs)
	}
}

func TestComplianceCheckCalendarFiles(t *testing.T) {
	dir := t.TempDir()
	noDB := map[string]string{"DOZVON_DB": "sqlite:" + filepath.Join(dir, "absent.db")}
	regional := filepath.Join(dir, "regional.txt")
	os.WriteFile(regional, []byte("Республика Бурятия;2026-02-18;Сагаалган\n"), 0o644)
	in := `{"debtor":{"id":"d1","region":"Бурятия"},"at":"2026-02-18T00:30:00Z","channel":"robot_call","policy":{"margin_start_min":0}}`
	if code, out, errs := runCmd(t, cmdCompliance, in, noDB, "check"); code != 0 || !strings.Contains(out, `"allowed":true`) {
		t.Fatalf("without the regional file: %d %s %s", code, out, errs)
	}
	if code, out, errs := runCmd(t, cmdCompliance, in, noDB, "check", "--regional", regional); code != 0 || !strings.Contains(out, `"reason":"window"`) {
		t.Fatalf("with the regional file: %d %s %s", code, out, errs)
	}
	badXML := filepath.Join(dir, "2026.xml")
	os.WriteFile(badXML, []byte("<calendar year=\"2026\"><days>\n<day d=\"02.31\" t=\"1\"/></days></calendar>"), 0o644)
	if code, _, errs := runCmd(t, cmdCompliance, in, noDB, "check", "--calendar", badXML); code != 2 || !strings.Contains(errs, "2026.xml:2: day d=\"02.31\"") {
		t.Fatalf("bad calendar: %d %s", code, errs)
	}
}
