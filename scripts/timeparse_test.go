package scripts

import (
	"testing"
	"time"
)

func TestTimeParser(t *testing.T) {
	msk := time.FixedZone("MSK", 3*3600)
	now := time.Date(2026, 11, 24, 11, 0, 0, 0, msk) // a Tuesday
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, msk) }
	tests := []struct {
		in   string
		want time.Time
	}{
		{"завтра в десять утра", at(25, 10, 0)},
		{"перезвоните завтра в десять утра", at(25, 10, 0)},
		{"в пятницу в три часа дня", at(27, 15, 0)},
		{"через два часа", at(24, 13, 0)},
		{"через полчаса", at(24, 11, 30)},
		{"сегодня вечером в семь", at(24, 19, 0)},
		{"в понедельник", at(30, 11, 0)},
		{"первого декабря в 10", time.Date(2026, 12, 1, 10, 0, 0, 0, msk)},
		{"1 декабря в 10", time.Date(2026, 12, 1, 10, 0, 0, 0, msk)},
		{"в 14:30", at(24, 14, 30)},
		{"полшестого", at(24, 17, 30)},
		{"давай в полшестого", at(24, 17, 30)},
		{"завтра в 10", at(25, 10, 0)},
		{"в семь вечера", at(24, 19, 0)},
		{"в 10", at(25, 10, 0)},
		{"без четверти пять", at(24, 16, 45)},
		{"завтра после обеда", at(25, 15, 0)},
		{"в среду утром", at(25, 9, 0)},
		{"позвоните в четверг в 9", at(26, 9, 0)},
		{"в пятнадцать тридцать", at(24, 15, 30)},
		{"через час", at(24, 12, 0)},
		{"двадцать восьмого ноября в два", at(28, 14, 0)},
		{"послезавтра в 12", at(26, 12, 0)},
		{"вечером", at(24, 19, 0)},
		{"сегодня в 10", at(24, 22, 0)},
		{"сегодня в 9 вечера", at(24, 21, 0)},
	}
	p := NewTimeParser()
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := p.Parse(tc.in, now)
			if !ok {
				t.Fatalf("no time found")
			}
			if !got.Time.Equal(tc.want) {
				t.Errorf("got %s, want %s", got.Time, tc.want)
			}
		})
	}
	for _, in := range []string{"я сейчас занят", "да это я", "нет", "", "вчера", "сегодня в 9 утра"} {
		if got, ok := p.Parse(in, now); ok {
			t.Errorf("%q: found a time %s, want none", in, got.Time)
		}
	}
}

func BenchmarkTimeParse(b *testing.B) {
	p := NewTimeParser()
	now := time.Date(2026, 11, 24, 11, 0, 0, 0, time.UTC)
	for b.Loop() {
		p.Parse("перезвоните в пятницу в три часа дня", now)
	}
}

func BenchmarkNewTimeParser(b *testing.B) {
	for b.Loop() {
		NewTimeParser()
	}
}
