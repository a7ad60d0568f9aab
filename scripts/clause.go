package scripts

import "strings"

// callRequests are the imperatives and infinitives a caller asks for a call
// with ("перезвоните через час", "так что позвоните в пять").
var callRequests = map[string]bool{
	"перезвоните": true, "перезвони": true, "позвоните": true, "позвони": true, "звоните": true, "звони": true,
	"наберите": true, "набери": true, "звякните": true, "звякни": true, "набирайте": true,
	"перезвонить": true, "позвонить": true, "набрать": true,
}

// RequestClause splits text at the last comma-delimited clause that asks for
// a call: before is what precedes that clause, request the clause to the end.
// ok is false when no clause asks for a call or the request opens the text.
// "Талончик на девять тридцать, перезвоните через час": the hour read off
// the ticket is in before, the time asked for in request.
func RequestClause(text string) (before, request string, ok bool) {
	clauses := strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(",.;!?…—", r) })
	for i := len(clauses) - 1; i > 0; i-- {
		for _, t := range Tokens(clauses[i]) {
			if callRequests[t] {
				at := strings.LastIndex(text, clauses[i])
				return strings.TrimSpace(text[:at]), strings.TrimSpace(text[at:]), true
			}
		}
	}
	return "", "", false
}
