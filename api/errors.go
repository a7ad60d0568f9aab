package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// Error is an API error: its HTTP status and the envelope's fields.
type Error struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// The errors' codes, one per kind of failure a client can act on.
func badRequest(code, msg, field string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: code, Message: msg, Field: field}
}

func invalid(msg, field string) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: msg, Field: field}
}

var (
	errUnauthenticated = &Error{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: "sign in or send a bearer token"}
	errForbidden       = &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "your role may not do this"}
	errNotFound        = &Error{Status: http.StatusNotFound, Code: "not_found", Message: "no such resource"}
	errDraining        = &Error{Status: http.StatusServiceUnavailable, Code: "draining", Message: "the service is shutting down: try again on another node or later"}
	errInternal        = &Error{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error; it has been logged"}
)

type envelope struct {
	Error *Error `json:"error"`
}

// writeError answers err as the envelope: an *Error as it is, anything else
// as a 500 whose text stays in the log (it may name files or queries).
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var e *Error
	if !errors.As(err, &e) {
		s.log.Error("api request failed", "route", r.Pattern, "err", err)
		e = errInternal
	}
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="dozvon"`)
	}
	writeJSON(w, e.Status, envelope{e})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil { // only values of this package are written: a bug
		status, b = http.StatusInternalServerError, []byte(`{"error":{"code":"internal","message":"internal error; it has been logged"}}`)
	}
	writeRaw(w, status, append(b, '\n'))
}

// writeRaw writes a JSON body as it is.
func writeRaw(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client may have gone; nothing to do then
}

// tooLarge is the 413 of a body over its limit.
func tooLarge(e *http.MaxBytesError) *Error {
	return &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: fmt.Sprintf("the body is larger than %d bytes", e.Limit)}
}
