// Package testcalls auto-tests dialogue scripts: the test-case file format,
// a text-level runner that plays a scripted caller against the robot without
// audio (with a fixed clock), an audio-level runner that makes every case a
// real call over loopback SIP through callflow and the 230-FZ guard (on a
// temporary ledger, its clock at the case's now) with simulated callee
// phones speaking the lines in rotated TTS voices, branch coverage of nodes
// and edges, and the CI gate on pass rate and edge coverage.
//
// It also helps write cases: Generate searches, shortest first, for caller
// lines (from the script's own intents, hints, keys and slots, played at
// text level) that take the edges no case covers and writes them as
// skeleton cases whose expectation is unconfirmed until an author agrees;
// Watch re-runs on a change to the script, its phrases, the cases or their
// recordings (fsnotify); FromCall turns a stored call into a regression
// case whose lines are the debtor's channel of its recording, cut at the
// turns and played instead of TTS (a line's audio: FILE).
//
// Known limit of the audio level: a transfer node's blind transfer (REFER)
// is refused by the simulated phones (telephony answers without accepting
// REFER), so cases expecting outcome transfer fail there; the warm hand-off
// path is not wired in the runner yet.
package testcalls
