// Package clock is dozvon's one notion of "now". compliance, scheduler,
// callflow and robot take a Clock; the wall clock is System, a simulation's
// clock is Sim (it jumps forward when nothing is in flight, so a sweep's days
// play out in seconds). Durations inside a call are measured on the monotonic
// wall clock and laid onto a Clock's reading (see Stopwatch).
package clock
