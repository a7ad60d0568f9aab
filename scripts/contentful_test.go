package scripts

import "testing"

func TestContentful(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"гм", false},
		{"хм, брр", false},
		{"эээ ну", false},
		{"да", false},
		{"", false},
		{"у меня дома", true},
		{"Тверская", true},
		{"в офисе на Ленина", true},
		{"ну в кафе", true},
		{"дом 5", true},
	} {
		if got := Contentful(tc.s); got != tc.want {
			t.Errorf("Contentful(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}
