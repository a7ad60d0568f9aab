// Package loadtest is the harness of `dozvon bench calls`: it places many
// concurrent robot calls over loopback SIP/RTP to a simulated callee exchange
// running in a child process, and reports what each side saw (completed,
// failed and dropped calls, CPU, RSS, RTP pacing jitter, ASR feed). The
// figures are printed, never asserted on a clock. RunFull (`bench calls
// --full`) sends such calls through the whole call path instead: a
// scheduler campaign, the 230-FZ guard on a SQLite ledger, callflow, the
// store, the events hub, recording, VAD and the labelled stand-in
// recognizer, to phones that speak. It also places sets of
// calls through the call path for the demo and `dozvon bench detect`
// (PlaceAll, DetectLive) and sets up their simulated debtors.
package loadtest
