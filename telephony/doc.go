// Package telephony is dozvon's SIP user agent on diago: trunks (registration,
// digest auth, failover), outbound dial and inbound answer, early media, call
// progress mapped to results, transfer (REFER and bridging), the RTP port range,
// and per-call stereo recording.
package telephony
