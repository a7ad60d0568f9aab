package scripts

import "testing"

// TestConjunctionsMatchOnlyThemselves: a conjunction that opens a clause
// shares a stem with a phrase word only by chance ("потому" stems to
// "потом").
func TestConjunctionsMatchOnlyThemselves(t *testing.T) {
	m := NewMatcher(map[string]*Intent{
		"busy": {Name: "busy", Phrases: []string{"потом", "позже"}},
	})
	tests := []struct{ text, want string }{
		{"нет, потому что я этот долг не признаю", ""},
		{"да, упал, потому что я ушла в декрет", ""},
		{"потом перезвоните", "busy"},
		{"давайте потом", "busy"},
	}
	for _, tc := range tests {
		if got := m.Classify(tc.text, nil).Intent; got != tc.want {
			t.Errorf("Classify(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestRequestClause(t *testing.T) {
	tests := []struct {
		text, before, request string
		ok                    bool
	}{
		{"Талончик на девять тридцать, перезвоните через час", "Талончик на девять тридцать,", "перезвоните через час", true},
		{"Неудобно, совещание до четырёх, так что позвоните в пять", "Неудобно, совещание до четырёх,", "так что позвоните в пять", true},
		{"Перезвоните завтра в десять", "", "", false}, // the request opens the text
		{"Завтра в десять, я занят", "", "", false},    // no request
	}
	for _, tc := range tests {
		b, r, ok := RequestClause(tc.text)
		if b != tc.before || r != tc.request || ok != tc.ok {
			t.Errorf("RequestClause(%q) = %q, %q, %v; want %q, %q, %v", tc.text, b, r, ok, tc.before, tc.request, tc.ok)
		}
	}
}

// TestSaysNowDenied: "не сразу" says the payment is not all at once, not
// that it is today.
func TestSaysNowDenied(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"заплачу сразу", true},
		{"да, прямо сейчас переведу", true},
		{"да, заплачу, хотя и не всё сразу", false},
		{"заплачу, но не сразу", false},
		{"не сегодня", false},
	}
	for _, tc := range tests {
		if got := SaysNow(tc.text); got != tc.want {
			t.Errorf("SaysNow(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
