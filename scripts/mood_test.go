package scripts

import (
	"strings"
	"testing"
)

func TestRequestMoodReadsTheImperative(t *testing.T) {
	known := map[string]bool{"звоните": true, "прекратите": true, "беспокойте": true, "перезвоните": true}
	for _, tc := range []struct{ in, want string }{
		{"вроде я но наверное не надо мне больше звонить я против", "вроде я но наверное не звоните мне больше я против"},
		{"требую прекратить звонки на данный номер", "прекратите звонить на данный номер"},
		{"прошу больше не беспокоить меня", "не беспокойте больше меня"},
		{"лучше перезвонить вечером", "перезвоните вечером"},
		// an imperative the phrases do not hold, or no infinitive: unchanged
		{"надо платить", "надо платить"},
		{"мне надо подумать", "мне надо подумать"},
		{"прошу", "прошу"},
		// the infinitive before the denied modal (round 16, "inverted")
		{"звонить мне не надо отказываюсь", "не звоните мне отказываюсь"},
		{"беспокоить больше не нужно", "не беспокойте больше"},
		{"да я звонить вам не стоит", "да я не звоните вам"},
		// not denied, or no infinitive before it: a need stated, unchanged
		{"это отцу моему звонить надо", "это отцу моему звонить надо"},
		{"мне не надо", "мне не надо"},
		{"платить не надо", "платить не надо"},
		// a double negation is no request to stop
		{"не надо не звонить", "не надо не звонить"},
	} {
		got := strings.Join(requestMood(strings.Fields(tc.in), func(w string) bool { return known[w] }), " ")
		if got != tc.want {
			t.Errorf("requestMood(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestImperative(t *testing.T) {
	for in, want := range map[string]string{"звонить": "звоните", "беспокоить": "беспокойте",
		"названивать": "названивайте", "смотреть": "смотрите", "отдохнуть": "отдохните", "перевести": ""} {
		if got := imperative(in); got != want {
			t.Errorf("imperative(%q) = %q, want %q", in, got, want)
		}
	}
}
