// Package callflow is the one path of a call. Outbound: reserve with the
// 230-FZ guard → dial with the guard's permit → look at early media when the
// dial fails → run the robot on the answered call → keep the recording →
// commit to the ledger → store the call record; the scheduler applies the
// outcome's effects to its task. Inbound: answer → robot → record → store.
// `dozvon call`, the scheduler's dialer and `dozvon serve` all place and take
// calls here, so a call is stored the same way whoever started it, and typed
// events on the injected clock reach any subscriber (the service's live view).
package callflow
