package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dozvon/dozvon/testcalls"
)

// JUnit XML as CI systems read it (the Ant/Surefire schema: testsuites →
// testsuite → testcase with an optional failure).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Time     float64     `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      float64       `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes a test run as one JUnit test suite named suite: one
// test case per case, a failure with the reason, the transcript and the
// kept recording for each failed one.
func WriteJUnit(w io.Writer, suite string, rep testcalls.Report) error {
	s := junitSuite{Name: suite, Tests: rep.Cases, Failures: rep.Cases - rep.Passed}
	for _, r := range rep.Results {
		c := junitCase{Name: r.Name, Classname: suite, Time: r.Seconds}
		s.Time += r.Seconds
		if !r.Passed {
			text := strings.Join(append([]string{r.Place}, r.Transcript...), "\n")
			if r.Recording != "" {
				text += "\nrecording: " + r.Recording
			}
			c.Failure = &junitFailure{Message: r.Reason, Text: text}
		}
		s.Cases = append(s.Cases, c)
	}
	doc := junitSuites{Tests: s.Tests, Failures: s.Failures, Suites: []junitSuite{s}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// WriteJUnitFile writes WriteJUnit's XML to path.
func WriteJUnitFile(path, suite string, rep testcalls.Report) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	if err := WriteJUnit(f, suite, rep); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
