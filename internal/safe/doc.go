// Package safe keeps a panic inside one call's worker from ending the
// process: deferred in a goroutine (scheduler call, robot loops, RTP read
// loop, media loop…), Recover turns the panic into a *Panic for that call
// only, and logs it with its stack but without the panic's value, which may
// carry personal data. Every worker the service adds uses it.
package safe
