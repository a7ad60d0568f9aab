// Package loadtest is the harness of `dozvon bench calls`: it places many
// concurrent robot calls over loopback SIP/RTP to a simulated callee exchange
// running in a child process, and reports what each side saw (completed,
// failed and dropped calls, CPU, RSS, RTP pacing jitter, ASR feed). The
// figures are printed, never asserted on a clock. It also places sets of
// calls through the call path for the demo and `dozvon bench detect`
// (PlaceAll, DetectLive) and sets up their simulated debtors.
package loadtest
