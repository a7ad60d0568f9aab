// Package memtrim gives a bursty service's memory back to the system once
// its calls have ended: after a wave of calls the Go heap is mostly
// garbage that the collector, paced by GOGC, would only reclaim when the
// next wave allocates, so the process would sit at its peak between waves.
package memtrim
