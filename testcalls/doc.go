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
// At the audio level a simulated person says "алло" with the phone at the
// ear, just after answer and over the robot's greeting, as people do (a
// case's audio.pickup changes or silences it): first-phrase detection
// judges that, not the case's first reply to the robot's question. A
// rotated voice that renders one of a case's lines as no speech at all is
// passed over for another engine. The simulated phones take the robot's
// blind transfer (REFER) as a trunk does, and refuse it when the case says
// transfer_fails; the warm hand-off to collectors' phones is not exercised.
// said and not_said are checked on the prompts as spoken (digits as words).
package testcalls
