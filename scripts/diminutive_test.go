package scripts

import (
	"testing"
	"time"
)

func TestNormalizeReadsDiminutives(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"Тысячки три, деточка, в пятничку внесу", "тысячи три деточка в пятницу внесу"},
		{"В понедельничек, часиков в десять", "в понедельник часов в десять"},
		{"Завтречка тысячку переведу", "завтра тысячу переведу"},
		{"через недельку, с зарплатки", "через неделю с зарплаты"},
		{"всё до копеечки, денежку найду", "все до копейки деньги найду"},
		{"денёк-другой", "денек-другой"}, // a hyphenated pair is one word: left as said
		{"в субботочку или в четвержок", "в субботу или в четверг"},
		// kin words only where they say whose kin the speaker is
		{"Это внученька её", "это внучка ее"},
		{"я сестрёнка его", "я сестра его"},
		{"Да, доченька, удобно", "да доченька удобно"},
		{"Я, сынок, я", "я сынок я"},
		{"внучек поможет", "внучек поможет"},
	} {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// The parsers read the diminutives through Normalize: sums, weekdays and
// hours said in them are found as the plain words are.
func TestParsersReadDiminutives(t *testing.T) {
	t.Parallel()
	msk := time.FixedZone("MSK", 3*3600)
	now := time.Date(2026, 12, 16, 11, 40, 0, 0, msk) // a Wednesday
	p := NewTimeParser()
	for in, want := range map[string]time.Time{
		"в пятничку внесу":                       time.Date(2026, 12, 18, 11, 40, 0, 0, msk),
		"в понедельничек, часиков в десять утра": time.Date(2026, 12, 21, 10, 0, 0, 0, msk),
		"завтречка переведу":                     time.Date(2026, 12, 17, 11, 40, 0, 0, msk),
		"через недельку":                         time.Date(2026, 12, 23, 11, 40, 0, 0, msk),
		"часика через два":                       time.Date(2026, 12, 16, 13, 40, 0, 0, msk),
	} {
		got, ok := p.Parse(in, now)
		if !ok || !got.Time.Equal(want) {
			t.Errorf("Parse(%q) = %v, %v; want %v", in, got.Time, ok, want)
		}
	}
	for in, want := range map[string]int64{
		"тысячки три внесу":     300000,
		"тысячку переведу":      100000,
		"пять тысячек":          500000,
		"триста рубликов":       30000,
		"всё до копеечки отдам": 1240000,
		"половинку долга отдам": 620000,
	} {
		if got, ok := ParseMoney(in, 1240000); !ok || got != want {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
}
