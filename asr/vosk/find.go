package vosk

import (
	"fmt"
	"os"
	"path/filepath"
)

// EnvModel names the environment variable that points at the model directory.
const EnvModel = "VOSK_MODEL"

// DefaultModelName is the model tools/fetch-model.sh installs under var/models/.
const DefaultModelName = "vosk-model-small-ru-0.22"

// FindModel returns the model directory to use when the configuration names none:
// $VOSK_MODEL if set (checked with CheckModelDir), else var/models/vosk-model-small-ru-0.22 in
// the working directory, the executable's directory, or one of their parents. The error wraps
// ErrBadModel and says how to get a model; callers fall back to keypad-only (dtmf) input.
func FindModel() (string, error) {
	if dir := os.Getenv(EnvModel); dir != "" {
		if _, err := CheckModelDir(dir); err != nil {
			return "", fmt.Errorf("vosk: find model from %s: %w", EnvModel, err)
		}
		return dir, nil
	}
	var bases []string
	if wd, err := os.Getwd(); err == nil {
		bases = append(bases, wd)
	}
	if exe, err := os.Executable(); err == nil {
		bases = append(bases, filepath.Dir(exe))
	}
	rel := filepath.Join("var", "models", DefaultModelName)
	for _, base := range bases {
		for dir := base; ; {
			cand := filepath.Join(dir, rel)
			if st, err := os.Stat(cand); err == nil && st.IsDir() {
				if _, err := CheckModelDir(cand); err != nil {
					return "", fmt.Errorf("vosk: find model: %w", err)
				}
				return cand, nil
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return "", fmt.Errorf("vosk: find model: no %s set and no %s found (run tools/fetch-model.sh): %w", EnvModel, rel, ErrBadModel)
}
