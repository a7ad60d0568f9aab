// Package events is the service's live event stream: every moment of a call
// (callflow's typed events), and room for campaign progress and due
// callbacks, as one JSON envelope with a sequence number, kept in the store
// and sent to WebSocket clients at /api/v1/events.
//
// The Hub is a callflow.Subscriber. A call must never wait for a viewer, so
// CallEvent only enqueues to a bounded queue and, when it is full, drops the
// event and counts it: a live page missing a line is a nuisance the next
// replay or the call's own record (written by callflow, not here) repairs,
// while a call stalled on a busy store or a slow browser is a real debtor
// hearing silence. One goroutine (Hub.Run) writes the queue to the store in
// batches, which assigns the seqs, and only then fans the events out, so
// every event a client sees live is already replayable. Several nodes on
// one store each run a hub with Follow set: it sends its clients the
// store's events by seq (every node's), read after its own batches and on
// a short tick, so a viewer on node A sees node B's calls (follow.go).
//
// A WebSocket client (Handler) is authorised by the auth.Principal already
// in the request context, subscribes to campaigns and may resume after the
// last seq it saw: it is registered for live events before it reads the
// store, and skips live events it already replayed, so there is no gap and
// no duplicate. Each connection has one writer goroutine and a bounded send
// buffer; a client that cannot keep up is dropped with a close reason, never
// slowing others or the hub. A collector gets only the events of debtors
// assigned to them (Visibility); no event ever holds a phone number.
//
// A connection ends when its request's context does: http.Server.Shutdown
// does not close hijacked connections, so the server that mounts Handler
// should give its requests a BaseContext it cancels on shutdown.
package events
