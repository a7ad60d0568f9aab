//go:build cgo

package vosk

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenLibraryErrors(t *testing.T) {
	dir := t.TempDir()
	notELF := filepath.Join(dir, "libvosk.so")
	if err := os.WriteFile(notELF, []byte("this is not a shared object"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		want       string
	}{
		{"missing file", filepath.Join(dir, "nope.so"), "nope.so"},
		{"not a shared object", notELF, notELF},
		// libdl itself loads but lacks every vosk_* symbol.
		{"not libvosk", "libc.so.6", "symbol vosk_model_new missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := OpenLibrary(tt.path)
			if err == nil {
				t.Fatalf("OpenLibrary(%q) succeeded, want an error", tt.path)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
			if errors.Is(err, ErrLibraryNotFound) {
				t.Errorf("explicit path error %q must not fall back to the default search", err)
			}
		})
	}
}

func TestOpenLibraryEnvOverride(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "libvosk.so")
	t.Setenv(EnvLibrary, missing)
	_, err := OpenLibrary("")
	if err == nil || !strings.Contains(err.Error(), EnvLibrary) || !strings.Contains(err.Error(), missing) {
		t.Fatalf("OpenLibrary with %s=%s: error %v, want one naming the variable and the path", EnvLibrary, missing, err)
	}
}
