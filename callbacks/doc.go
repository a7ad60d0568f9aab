// Package callbacks brings a callback the debtor asked for to the people
// who owe it (issue 15 item 5). When one falls due it tells the live stream
// (callback.due, once per due time, on any number of nodes); when it is
// pinned to a collector who is online, or who can be e-mailed, it offers it
// to them first — the scheduler holds the robot off for a grace period while
// the collector's phone rings as a click-to-call, their page shows it and
// the e-mail may bring them to it — and it settles the task from the
// collector's call, so the robot does not call the debtor too. A collector
// offline with no address, or a grace run out, falls back to the robot.
//
// It is a package of its own because it joins four that must not know each
// other: the scheduler (tasks and their leases), handoff (who is online),
// callflow (the click-to-call itself) and events (the live stream).
package callbacks
