// Package loadtest is the harness of `dozvon bench calls`: it places many
// concurrent robot calls over loopback SIP/RTP to a simulated callee exchange
// running in a child process, and reports what each side saw (completed,
// failed and dropped calls, CPU, RSS, RTP pacing jitter, ASR feed). The
// figures are printed, never asserted on a clock.
package loadtest
