package api

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/dozvon/dozvon/store"
)

// TestRecordingRange: a Range request answers 206 with exactly those bytes
// of the WAV; a whole request 200 with all of them.
func TestRecordingRange(t *testing.T) {
	t.Parallel()
	rg := newRig(t)
	status, body := rg.do(ivanova, "GET", "/api/v1/calls/call-d1/recording", "", nil, "Range", "bytes=100-199")
	if status != http.StatusPartialContent || !bytes.Equal(body, rg.wav[100:200]) {
		t.Fatalf("range: %d, %d bytes", status, len(body))
	}
	status, body = rg.do(admin, "GET", "/api/v1/calls/call-d1/recording", "", nil, "Range", "bytes=-10")
	if status != http.StatusPartialContent || !bytes.Equal(body, rg.wav[len(rg.wav)-10:]) {
		t.Fatalf("suffix range: %d %v", status, body)
	}
	status, body = rg.do(admin, "GET", "/api/v1/calls/call-d1/recording", "", nil)
	if status != http.StatusOK || !bytes.Equal(body, rg.wav) {
		t.Fatalf("whole: %d, %d bytes", status, len(body))
	}
}

// TestRecordingOutsideTheDirectory: a stored path outside the recordings
// directory is never served.
func TestRecordingOutsideTheDirectory(t *testing.T) {
	t.Parallel()
	rg := newRig(t)
	if err := rg.db.SaveCall(t.Context(), store.CallRecord{ID: "call-x", Direction: "inbound", Result: "answered", RecordingPath: "/etc/passwd"}); err != nil {
		t.Fatal(err)
	}
	status, body := rg.do(admin, "GET", "/api/v1/calls/call-x/recording", "", nil)
	if e := envelopeOf(t, status, body); status != http.StatusNotFound || e.Code != "not_found" {
		t.Fatalf("%d %s", status, body)
	}
}
