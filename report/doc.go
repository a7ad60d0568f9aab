// Package report turns a campaign's stored tasks and calls into what the
// supervisor reads: the live progress line of a running sweep, the results
// table, the simulation check and the results CSV, and the unified campaign
// report (campaign.go) that the CLI, the API and the pages share — a funnel
// by debtor, outcomes by hour and time zone, 230-FZ refusals by reason,
// first phrases, trunks and cost, every call — written as one HTML page with
// SVG charts drawn on the server, an XLSX workbook and a CSV. It also holds
// the text the command line prints for one call, a numbering-plan lookup,
// the phones review, an import and a script test run, so cmd/dozvon only wires.
package report
