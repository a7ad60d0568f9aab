// Package scripts is the YAML dialogue language of the robot: it loads a script
// with its imported phrase base, lints it (file:line diagnostics, including the
// 230-FZ script rules), classifies Russian caller utterances into intents and
// extracts slots (time expressions, money, yes/no), and renders prompts.
// The bundled scripts and their shared phrase base live next to this file.
package scripts
