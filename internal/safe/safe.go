package safe

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
)

// Panic is a recovered panic: the worker it happened in, its value (kept for
// the code that recovers it, never logged) and the stack at the panic.
type Panic struct {
	Where string
	Value any
	Stack []byte
}

// Error names the worker and what kind of panic it was: a runtime error's
// text (the Go runtime's own words: an index, a nil dereference), else the
// value's type only — a panic message may quote a phone number or a name,
// and this text reaches logs and stored call records.
func (p *Panic) Error() string { return "panic in " + p.Where + ": " + Describe(p.Value) }

// Describe is what may be said of a panic value without personal data.
func Describe(v any) string {
	var re runtime.Error
	if err, ok := v.(error); ok && errors.As(err, &re) {
		return re.Error()
	}
	return fmt.Sprintf("a %T value", v)
}

// Recover, deferred directly in a worker (defer safe.Recover(log, "robot
// recognizer", onPanic)), stops a panic there: it is logged with its stack
// and handed to onPanic (which may be nil), and the goroutine returns
// normally. It must be the deferred function itself: recover works only
// there.
func Recover(log *slog.Logger, where string, onPanic func(*Panic)) {
	v := recover()
	if v == nil {
		return
	}
	handle(log, &Panic{Where: where, Value: v, Stack: debug.Stack()}, onPanic)
}

// Run calls fn and returns the panic it raised, logged, or nil.
func Run(log *slog.Logger, where string, fn func()) (p *Panic) {
	defer Recover(log, where, func(q *Panic) { p = q })
	fn()
	return nil
}

// Go runs fn on a new goroutine under Recover.
func Go(log *slog.Logger, where string, fn func(), onPanic func(*Panic)) {
	go func() {
		defer Recover(log, where, onPanic)
		fn()
	}()
}

func handle(log *slog.Logger, p *Panic, onPanic func(*Panic)) {
	if log == nil {
		log = slog.Default()
	}
	log.Error("panic recovered: only this call ends (failed)", "where", p.Where, "panic", Describe(p.Value), "stack", string(p.Stack))
	if onPanic != nil {
		onPanic(p)
	}
}
