// Package phonenum is the phone-number value type: a number parsed once into
// E.164, compared and stored as a value (like netip.Addr), printed in full by
// String and masked by LogValue, so no slog line leaks a number whatever
// handler is used.
//
// %v and %s print String (the full number): fmt cannot know whether it writes
// a log line or an API body, and the full form is what files, SQL and JSON need.
// Logs go through slog, where LogValue masks. Parse errors never contain the
// input: they say what is wrong and show a masked form.
//
// The normaliser is hand-written rather than github.com/nyaruka/phonenumbers:
// dozvon dials Russian numbers, whose only rule is "+7 and ten digits, the
// first not 0"; a foreign number (another country code, 8–15 digits after
// '+') parses as foreign so the caller decides about it. phonenumbers' range
// metadata would add megabytes and init time for validation the numbering-plan
// registry (compliance) already does with fresher data.
package phonenum
