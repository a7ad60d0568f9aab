// Package scheduler decides which call to place next: campaigns and tasks,
// priorities, retries, callbacks, cron schedules, channel and CPS limits and
// caller-ID choice. Every dial it starts passes the compliance guard.
package scheduler
