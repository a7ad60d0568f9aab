// Package report turns a campaign's stored tasks and calls into what the
// supervisor reads: the live progress line of a running sweep, the results
// table, the simulation check and the results CSV. The web app and its
// exports grow from here, over the same rows. It also holds the text the
// command line prints for one call, a numbering-plan lookup, the phones
// review, an import and a script test run, so cmd/dozvon only wires.
package report
