package telephony

import "github.com/pion/rtp"

// trimPayload cuts pkt.Payload to the payload of the datagram buf[:n] that
// was just read into it. diago copies a payload into the packet's previous
// Payload without shrinking it (media/rtp_parse.go), also across the packets
// it skips inside one ReadRTP (version 0, keep-alives), so a reused packet
// keeps the length of the largest datagram so far: stale samples after every
// shorter packet, and after one oversized datagram no audio at all
// (FuzzRTPRead found both). The payload is the datagram after its header
// and before its padding.
func trimPayload(pkt *rtp.Packet, buf []byte, n int) {
	if n <= 0 || n > len(buf) {
		return
	}
	var h rtp.Header
	hn, err := h.Unmarshal(buf[:n])
	if err != nil {
		return
	}
	end := n
	if h.Padding {
		end -= int(buf[n-1])
	}
	if size := end - hn; size >= 0 && size <= len(pkt.Payload) {
		pkt.Payload = pkt.Payload[:size]
	}
}
