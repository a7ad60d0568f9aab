// Package handoff knows the collectors' phones: which SIP endpoint rings for
// a collector (a softphone or desk phone registered to dozvon with digest
// auth, a fixed SIP URI, or the collector's own external number reached
// through a trunk), where notices to them are e-mailed, whether the
// collector is online (their phone registered, or their page open; a fixed
// URI or an external number always counts), and whom a hand-off rings — the debtor's
// pinned collector, else the hunt group of those online — and who is busy
// on a call now, the line of inbound callers waiting for a free collector
// (Lines), the inbound routing policy (Policy) and the config's handoff:
// section (Settings, with the default hold tone). It decides whom;
// package callflow places the calls and bridges them.
//
// Several nodes on one database share presence and lines (Share,
// NewSharedLines): a collector registered to one node is rung from another,
// and one on a call on any node is rung by none. The registrar keeps its
// bindings in the store too (Registrations), so they outlive their node.
//
// It is a package of its own because presence is fed from two doors (the
// SIP registrar and the web app's open pages) that callflow knows nothing
// of, and inbound routing and callback notices will ask it too.
package handoff
