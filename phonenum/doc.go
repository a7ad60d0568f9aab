// Package phonenum is the phone-number value type: a number parsed once into
// E.164, compared and stored as a value (like netip.Addr), printed in full by
// String and masked by LogValue, so no slog line leaks a number whatever
// handler is used.
//
// %v and %s print String (the full number): fmt cannot know whether it writes
// a log line or an API body, and the full form is what files, SQL and JSON need.
// Logs go through slog, where LogValue masks; but slog prints a []Number or a
// struct holding one through fmt or encoding/json, so use List for several
// numbers and give such structs a LogValue. Parse errors never contain the
// input: they say what is wrong and show only its last two digits.
//
// The normaliser is hand-written, not github.com/nyaruka/phonenumbers v1.8.1,
// because measured it is no more correct here and much heavier: on 498,870
// Russian spellings (10 per number; first, middle and last of all 16,629
// DEF-9xx registry ranges) both give the same E.164 every time, and
// phonenumbers also calls all 2,919 registry gaps valid, so its metadata adds
// nothing the registry (compliance) does not; it costs 10–11 µs and 35
// allocations per Parse+Format against 0.15–0.2 µs and 3 here, +9.0 MB on the
// dozvon binary (26.6 → 35.6 MB) and 14 ms / 2.5 MB of init on every start;
// and it parses "12345" and "+7 013…" without error (only IsValidNumber
// refuses them). Its one gain, reading extensions ("доб. 12") and full-width
// digits, is not worth that: such cells are reported, not guessed.
package phonenum
