// Package recordings keeps call recordings as the law and privacy demand.
// Health stops new calls while recording cannot work (a failed write, a disk
// below its free-space floor) instead of letting calls go unrecorded; a
// Sweeper applies the retention policy: day folders are archived (one zip a
// day) and archives deleted once the keep period is over, each action logged
// and written to a journal. It is a package of its own because both the
// telephony side (which writes recordings) and the service (which decides
// whether to take calls) meet here, and neither owns the files' life.
package recordings
