package scripts

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// yesNoWords is a test double for the robot's reading of a stretch as a
// stance: it finds "да"/"нет" and "удобно"/"неудобно" only.
func yesNoWords(s string) (string, bool) {
	for _, w := range slices.Backward(Tokens(s)) {
		switch w {
		case "да", "удобно":
			return "yes", true
		case "нет", "неудобно":
			return "no", true
		}
	}
	return "", false
}

func repairKindsForTest(now time.Time) []RepairKind {
	tp := NewTimeParser()
	return []RepairKind{
		{Name: "time", Find: func(s string) (string, bool) {
			tr, ok := tp.Parse(s, now)
			return tr.Text, ok && tr.Text != ""
		}},
		{Name: "amount", Find: MoneySpan},
		{Name: "yesno", Whole: true, Find: yesNoWords},
	}
}

// TestRepairMarkerByKind: every marker between two expressions of every
// kind leaves the later one only.
func TestRepairMarkerByKind(t *testing.T) {
	now := time.Date(2026, 12, 9, 12, 0, 0, 0, time.UTC) // a Wednesday
	kinds := repairKindsForTest(now)
	tp := NewTimeParser()
	markers := []string{"нет", "то есть", "ой", "вернее", "точнее", "хотя нет", "в смысле", "а нет", "или нет", "извините", "ой, нет", "ну то есть"}
	for _, m := range markers {
		t.Run("time/"+m, func(t *testing.T) {
			in := "Перезвоните в пятницу... " + m + ", в субботу"
			got := Repair(in, kinds)
			tr, ok := tp.Parse(got, now)
			if !ok || tr.Time.Weekday() != time.Saturday || strings.Contains(got, "пятниц") {
				t.Errorf("Repair(%q) = %q, want Saturday only", in, got)
			}
		})
		t.Run("clock/"+m, func(t *testing.T) {
			in := "Давайте в шесть, " + m + ", в семь вечера"
			got := Repair(in, kinds)
			tr, ok := tp.Parse(got, now)
			if !ok || tr.Time.Hour() != 19 {
				t.Errorf("Repair(%q) = %q, want 19:00", in, got)
			}
		})
		t.Run("amount/"+m, func(t *testing.T) {
			in := "Внесу десять тысяч... " + m + ", восемь тысяч"
			got := Repair(in, kinds)
			if k, ok := ParseMoney(got, 0); !ok || k != 800000 {
				t.Errorf("Repair(%q) = %q, ParseMoney %d, want 8000 rub", in, got, k)
			}
		})
		t.Run("bare-number/"+m, func(t *testing.T) {
			in := "Пять... " + m + ", шесть тысяч завтра"
			got := Repair(in, kinds)
			if k, ok := ParseMoney(got, 0); !ok || k != 600000 {
				t.Errorf("Repair(%q) = %q, ParseMoney %d, want 6000 rub", in, got, k)
			}
		})
		t.Run("yesno/"+m, func(t *testing.T) {
			in := "Нет... " + m + ", да"
			got := Repair(in, kinds)
			if toks := Tokens(got); !slices.Equal(toks, []string{"да"}) {
				t.Errorf("Repair(%q) = %q, want only да", in, got)
			}
		})
		t.Run("yesno-reverse/"+m, func(t *testing.T) {
			in := "Удобно... " + m + ", неудобно, я за рулём"
			got := Repair(in, kinds)
			if toks := Tokens(got); !slices.Equal(toks, []string{"неудобно", "я", "за", "рулем"}) {
				t.Errorf("Repair(%q) = %q, want the later answer only", in, got)
			}
		})
	}
}

// TestRepairLeavesNonCorrections: a marker word with no expression of the
// same kind on both sides, a predicate "нет", or a "нет" answering a
// question corrects nothing.
func TestRepairLeavesNonCorrections(t *testing.T) {
	now := time.Date(2026, 12, 9, 12, 0, 0, 0, time.UTC)
	kinds := repairKindsForTest(now)
	for _, in := range []string{
		"Михаила тут нет, вы номером ошиблись",
		"Денег нет, ну то есть есть, но мало",
		"Удобно ли? Нет, неудобно",
		"Нет, в субботу",
		"Извините, я за рулём",
		"Заплачу в пятницу, извините, что так долго",
		"В пятницу, то есть пять тысяч",
		"денег нет заплачу в пятницу",
	} {
		if got := Repair(in, kinds); got != in {
			t.Errorf("Repair(%q) = %q, want it unchanged", in, got)
		}
	}
}

// TestRepairSeveral: each correction in a turn is applied, and only the
// phrase corrected goes, not the words around it.
func TestRepairSeveral(t *testing.T) {
	now := time.Date(2026, 12, 9, 12, 0, 0, 0, time.UTC)
	kinds := repairKindsForTest(now)
	in := "Удобно... ой, нет, неудобно, я на работе, перезвоните в шесть, нет, в семь вечера"
	want := "неудобно, я на работе, перезвоните в семь вечера"
	if got := Repair(in, kinds); got != want {
		t.Errorf("Repair(%q) = %q, want %q", in, got, want)
	}
	in = "Заплачу в среду... нет, в пятницу десять тысяч, вернее двенадцать тысяч"
	got := Repair(in, kinds)
	if k, _ := ParseMoney(got, 0); k != 1200000 || strings.Contains(got, "сред") || !strings.HasPrefix(got, "Заплачу") {
		t.Errorf("Repair(%q) = %q, want Friday and 12000 with the verb kept", in, got)
	}
}

func TestWithoutNow(t *testing.T) {
	if got := WithoutNow("Не могу сейчас платить"); got != "не могу платить" {
		t.Errorf("WithoutNow = %q", got)
	}
}
