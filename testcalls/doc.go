// Package testcalls auto-tests dialogue scripts: the test-case file format,
// a text-level runner that plays a scripted caller against the robot without
// audio (with a fixed clock), branch coverage of nodes and edges, and a
// simulated callee that calls over real SIP/RTP for audio-level tests.
package testcalls
