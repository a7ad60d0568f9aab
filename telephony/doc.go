// Package telephony is dozvon's SIP user agent on diago: trunks (registration,
// digest auth, failover), outbound dial and inbound answer, early media, call
// progress mapped to results, transfer (REFER and bridging), the RTP port range,
// and per-call stereo recording. The audio pieces it clocks calls with (G.711,
// the jitter buffer, the pacer, the WAV writer) live in package media.
//
// Files by job: call.go the call's lifecycle (start, accessors, hang-up,
// transfer, bridge, finish), medialoop.go the 20 ms tick that sends and
// plays out, receive.go the RTP read side, playback.go queued outgoing
// audio, dtmf.go RFC 4733 digits both ways, stats.go the media counters,
// recorder.go the stereo recording.
package telephony
