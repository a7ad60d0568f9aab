package scripts

import (
	"testing"
)

func TestBundledScriptsLintClean(t *testing.T) {
	for _, f := range []string{"verify_contact.yaml", "collection.yaml"} {
		t.Run(f, func(t *testing.T) {
			for _, d := range Lint(f) {
				t.Errorf("%s", d)
			}
			if _, err := Load(f); err != nil {
				t.Fatal(err)
			}
		})
	}
}
