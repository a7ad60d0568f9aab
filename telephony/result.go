package telephony

import "fmt"

// Result is how an outbound call attempt ended before any conversation.
type Result string

const (
	Answered    Result = "answered"
	Busy        Result = "busy"        // 486, 600
	NoAnswer    Result = "no_answer"   // ring timeout → CANCEL, or 408/480 after ringing
	Rejected    Result = "rejected"    // 603, 403
	Unreachable Result = "unreachable" // 404, 410, 480, 484, 604
	Failed      Result = "failed"      // 5xx, 488, transaction timeout, transport error
	Cancelled   Result = "cancelled"   // our side gave up (context cancelled)
)

// ResultForCode maps a final SIP response code to a Result.
func ResultForCode(code int) Result {
	switch {
	case code >= 200 && code < 300:
		return Answered
	case code == 486 || code == 600:
		return Busy
	case code == 603 || code == 403:
		return Rejected
	case code == 408:
		return NoAnswer
	case code == 404 || code == 410 || code == 480 || code == 484 || code == 604:
		return Unreachable
	default:
		return Failed
	}
}

// DialError carries the SIP outcome of a failed Dial.
type DialError struct {
	Result Result
	Code   int    // final SIP code, 0 when none arrived
	Reason string // reason phrase or transport error
	Trunk  string
	Err    error // the cause when it is not SIP (e.g. compliance.ErrInvalidPermit)
}

// Unwrap returns the cause, so errors.Is sees e.g. compliance.ErrInvalidPermit.
func (e *DialError) Unwrap() error { return e.Err }

func (e *DialError) Error() string {
	if e.Code != 0 {
		return fmt.Sprintf("dial: %s (%d %s)", e.Result, e.Code, e.Reason)
	}
	return fmt.Sprintf("dial: %s: %s", e.Result, e.Reason)
}

// Retryable reports whether another trunk might succeed (failover).
func (e *DialError) Retryable() bool {
	return e.Result == Failed && (e.Code == 0 || e.Code >= 500)
}
