package messages

import (
	"errors"
	"strings"
	"testing"
)

func TestPhoneIn(t *testing.T) {
	for _, tc := range []struct {
		text string
		want string // "" = none
	}{
		{"Номер +7 916 000-00-21, перезвонить", "+79160000021"},
		{"номер 89160000021 2026-12-06", "+79160000021"},
		{"2026 8 (916) 000 00 21 14:00", "+79160000021"},
		{"Номер +7 916 *** ** 21, карточка d1", ""},
		{"Должник 100500, долг 15 000 рублей, в 14:00 12.06.2026", ""},
		{"https://dozvon.example/app/debtors/d-77", ""},
	} {
		got, _ := phoneIn(tc.text)
		if got != tc.want {
			t.Errorf("%q: found %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestNotifySendsStaffNoticeWithoutPermit(t *testing.T) {
	t.Parallel()
	srv := startSMTP(t, "robot", "s3cret")
	s := mailerFor(t, srv, "dozvon <robot@agency.example>")
	text := "Иванов И. И. просил перезвонить в 14:00.\nНомер: +7 916 *** ** 21."
	if err := s.Notify(t.Context(), Notice{To: "erin@agency.example", Subject: "Обратный звонок", Text: text}); err != nil {
		t.Fatal(err)
	}
	got := awaitMail(t, srv)
	if got.To != "erin@agency.example" || got.Subject != "Обратный звонок" || !strings.Contains(got.Body, "+7 916 *** ** 21") {
		t.Fatalf("got %+v", got)
	}
	// a full number is refused before anything connects
	err := s.Notify(t.Context(), Notice{To: "erin@agency.example", Subject: "x", Text: "Номер +7 916 000-00-21"})
	if !errors.Is(err, ErrNoticeHasNumber) || !errors.Is(err, ErrNotSent) || strings.Contains(err.Error(), "0000021") {
		t.Fatalf("a notice with a full number: %v, want ErrNoticeHasNumber with the number masked", err)
	}
	noMail(t, srv)
}
