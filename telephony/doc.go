// Package telephony is dozvon's SIP user agent on diago: trunks (registration,
// digest auth, failover), outbound dial and inbound answer, early media, call
// progress mapped to results, transfer (REFER and bridging), the RTP port range,
// and per-call stereo recording. The audio pieces it clocks calls with (G.711,
// the jitter buffer, the pacer, the WAV writer) live in package media.
package telephony
