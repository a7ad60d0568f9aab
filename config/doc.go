// Package config reads dozvon's configuration: one YAML file (unknown keys
// are errors that name their line) and DOZVON_* environment overrides, with
// defaults that run the main job on a fresh machine (SQLite, local TTS).
package config
