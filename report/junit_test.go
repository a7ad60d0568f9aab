package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"slices"
	"strings"
	"testing"

	"github.com/dozvon/dozvon/testcalls"
)

// TestJUnitParsesAndCounts: the XML parses with encoding/xml and its counts
// match the run; a failure carries the reason and the transcript.
func TestJUnitParsesAndCounts(t *testing.T) {
	rep := testcalls.Report{Level: "audio", Cases: 3, Passed: 2, Results: []testcalls.CaseResult{
		{Name: "a", Passed: true, Seconds: 12.5},
		{Name: "b <&> \"quoted\"", Passed: true, Seconds: 3},
		{Name: "c", Reason: "outcome: got callback, want transfer", Place: "x.yaml:9",
			Transcript: []string{"robot  [identify] Вы Иван?", "caller said: да"}, Recording: "keep/003-c.wav", Seconds: 20},
	}}
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, "verify_contact (audio)", rep); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("JUnit XML does not parse: %v\n%s", err, buf.String())
	}
	if doc.Tests != 3 || doc.Failures != 1 || len(doc.Suites) != 1 {
		t.Fatalf("counts %d tests %d failures %d suites", doc.Tests, doc.Failures, len(doc.Suites))
	}
	s := doc.Suites[0]
	if s.Tests != 3 || s.Failures != 1 || len(s.Cases) != 3 || s.Time != 35.5 {
		t.Fatalf("suite %+v", s)
	}
	var failed int
	for _, c := range s.Cases {
		if c.Failure != nil {
			failed++
			if c.Name != "c" || c.Failure.Message != rep.Results[2].Reason || !strings.Contains(c.Failure.Text, "caller said: да") || !strings.Contains(c.Failure.Text, "keep/003-c.wav") {
				t.Fatalf("failure %+v", c)
			}
		}
	}
	if failed != 1 || s.Cases[1].Name != rep.Results[1].Name {
		t.Fatalf("%d failures, names %q", failed, s.Cases[1].Name)
	}
}

// TestScriptTestJSONShape: text and audio runs encode with the same
// top-level keys (cases, passed, results, …); audio only adds its own.
func TestScriptTestJSONShape(t *testing.T) {
	keys := func(r testcalls.Report) []string {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		var out []string
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	text := keys(testcalls.Report{Level: "text", Results: []testcalls.CaseResult{{Name: "a"}}})
	audio := keys(testcalls.Report{Level: "audio", Recognition: "stand-in", TurnGap: &testcalls.TurnGap{N: 1}, Results: []testcalls.CaseResult{{Name: "a"}}})
	for _, k := range []string{"cases", "passed", "results", "pass_rate", "coverage", "level"} {
		if !slices.Contains(text, k) || !slices.Contains(audio, k) {
			t.Fatalf("key %q: text %v, audio %v", k, text, audio)
		}
	}
	for _, k := range text {
		if !slices.Contains(audio, k) {
			t.Fatalf("audio lacks text's key %q", k)
		}
	}
}
