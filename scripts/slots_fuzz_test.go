package scripts

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzParseMoney reads any utterance as an amount: a found amount is positive
// (never an overflow), "всю сумму" gives the debt, and an amount said in
// digits and "рублей" comes back as said.
func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"пять тысяч", "заплачу 5000", "5 000 рублей", "полторы тысячи", "двенадцать тысяч рублей пятьдесят копеек",
		"два миллиона", "всю сумму", "нет денег", "десять к", "99999999999999999999", "девятьсот миллионов миллионов"} {
		f.Add(s, int64(1234550), uint32(3500))
	}
	f.Fuzz(func(t *testing.T, text string, full int64, rub uint32) {
		got, ok := ParseMoney(text, full)
		if !ok && got != 0 {
			t.Fatalf("%q: not found but %d", text, got)
		}
		if ok && got <= 0 {
			t.Fatalf("%q: found %d kopecks", text, got)
		}
		r := int64(rub % 100_000_000)
		if r == 0 {
			return
		}
		said := strconv.FormatInt(r, 10) + " рублей"
		if got, ok := ParseMoney(said, full); !ok || got != r*100 {
			t.Fatalf("%q = %d, %v; want %d", said, got, ok, r*100)
		}
	})
}

// FuzzTimeParse reads any utterance as a callback time at any moment: a found
// time is in now's zone, not in the past, within a year, and its
// Text is a part of the normalized utterance.
func FuzzTimeParse(f *testing.F) {
	for _, s := range []string{"завтра в десять утра", "в пятницу в три часа дня", "через два часа", "полшестого", "первого декабря в 10",
		"1 декабря в 10", "в 14:30", "без четверти пять", "сегодня в 10", "31.12.2026 23:59", "через 100 лет", "в 99", "тридцать первого февраля"} {
		f.Add(s, int64(1795503600), int16(180))
	}
	p := NewTimeParser()
	f.Fuzz(func(t *testing.T, text string, unix int64, offsetMin int16) {
		zone := time.FixedZone("z", int(offsetMin%(14*60))*60)
		now := time.Unix(1_600_000_000+unix%(20*365*86400), 0).In(zone) // 2020…2040
		got, ok := p.Parse(text, now)
		if !ok {
			return
		}
		if got.Time.Location() != zone {
			t.Fatalf("%q at %s: time %s is not in now's zone", text, now, got.Time)
		}
		if got.Time.Before(now.Add(-time.Minute)) {
			t.Fatalf("%q at %s: %s is in the past", text, now, got.Time)
		}
		if got.Time.After(now.AddDate(1, 0, 1)) {
			t.Fatalf("%q at %s: %s is more than a year away", text, now, got.Time)
		}
		if !strings.Contains(Normalize(text), got.Text) {
			t.Fatalf("%q: understood part %q is not in it", text, got.Text)
		}
	})
}
