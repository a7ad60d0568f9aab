package tts

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseMarkup(t *testing.T) {
	tests := []struct {
		in      string
		want    []segment
		wantErr string
	}{
		{in: "Здравствуйте", want: []segment{{text: "Здравствуйте"}}},
		{in: "  ", want: nil},
		{in: "Да. <pause 300ms> Нет.", want: []segment{{text: "Да."}, {pause: 300 * time.Millisecond}, {text: "Нет."}}},
		{in: "<PAUSE 1.5s/>ну", want: []segment{{pause: 1500 * time.Millisecond}, {text: "ну"}}},
		{in: "a<pause 0ms>b", want: []segment{{text: "a"}, {text: "b"}}},
		{in: "за\u0301мок", want: []segment{{text: "з+амок"}}},
		{in: "x <pause 300>", wantErr: `markup at byte 2: bad pause "<pause 300>"`},
		{in: "x <pause abc", wantErr: `markup at byte 2: bad pause "<pause abc"`},
		{in: "<pause 11s>", wantErr: "longer than 10s"},
		{in: "\xff\xfe", wantErr: "not valid UTF-8"},
	}
	for _, tt := range tests {
		got, err := parseMarkup(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseMarkup(%q) error = %v, want it to contain %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseMarkup(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseMarkup(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestStripStress(t *testing.T) {
	tests := []struct{ in, want string }{
		{"з+амок", "замок"},
		{"+Ольга, д+олг", "Ольга, долг"},
		{"+7 999", "+7 999"},
		{"1+1", "1+1"},
		{"без ударений", "без ударений"},
	}
	for _, tt := range tests {
		if got := stripStress(tt.in); got != tt.want {
			t.Errorf("stripStress(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFestivalText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Здравствуйте, Иван!", "Здравствуйте, Иван!"},
		{"ООО «Ромашка»", "ООО Ромашка"},
		{"Ёлка — ёж…", "Ёлка, ёж"},
		{"кто-то - никто", "кто-то, никто"},
		{"ул. Ленина, д. 5/2", "ул. Ленина, д. 5 2"},
		{"з+амок", "з+амок"},
		{"+7", "плюс 7"},
		{"😀 привет", "привет"},
		{"...", ""},
		{"a:b", "a b"},
	}
	for _, tt := range tests {
		if got := festivalText(tt.in); got != tt.want {
			t.Errorf("festivalText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSchemeString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"привет", `"привет"`},
		{`a"b\c`, `"a\"b\\c"`},
		{"две\nстроки", `"две строки"`},
		{`") (quit) ("`, `"\") (quit) (\""`},
	}
	for _, tt := range tests {
		if got := schemeString(tt.in); got != tt.want {
			t.Errorf("schemeString(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
