package scripts

import (
	"testing"
	"time"
)

// A recogniser's digit forms are read as the same words spoken.
func TestDigitFormsReadAsSpoken(t *testing.T) {
	p := NewTimeParser()
	now := time.Date(2026, 12, 14, 16, 20, 0, 0, time.FixedZone("", 5*3600))
	for _, c := range []struct {
		in   string
		want string // time as "01-02 15:04"
	}{
		{"25-го заплачу", "12-25 16:20"},
		{"1-го числа всю сумму", "01-01 16:20"},
		{"могу 15000 до 30-го", "12-30 16:20"},
		{"к 20-му", "12-20 16:20"},
		{"5-го января", "01-05 16:20"},
		{"25.12", "12-25 16:20"},
		{"до 15.01", "01-15 16:20"},
		{"завтра в 9.00", "12-15 09:00"},
		{"в 19.30", "12-14 19:30"},
		{"в 15-30", "12-15 15:30"}, // already past today
		{"через 40 мин наберите", "12-14 17:00"},
		{"через 2-3 дня", "12-16 16:20"},
		{"наберите 16-го после 12", "12-16 12:00"},
	} {
		r, ok := p.Parse(c.in, now)
		if got := r.Time.Format("01-02 15:04"); !ok || got != c.want {
			t.Errorf("Parse(%q) = %s %v, want %s", c.in, got, ok, c.want)
		}
	}
}

func TestDigitSumsAndDatesApart(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64 // rubles; 0: no amount
	}{
		{"25-го заплачу 10000", 10000},
		{"могу 15000 до 30-го", 15000},
		{"5к", 5000},
		{"2,5 тыс", 2500},
		{"1.5к", 1500},
		{"3 т.р.", 3000},
		{"5000р", 5000},
		{"7-8 тысяч", 7000},
		{"в 7 вечера", 0},
		{"через 40 мин", 0},
		{"25.12", 0},
		{"в 2 тысячи уложусь", 2000},
	} {
		k, ok := ParseMoney(c.in, 0)
		if got := k / 100; (c.want == 0 && ok) || (c.want > 0 && (!ok || got != c.want)) {
			t.Errorf("ParseMoney(%q) = %d %v, want %d", c.in, got, ok, c.want)
		}
	}
}
