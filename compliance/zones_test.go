package compliance

import (
	"reflect"
	"testing"
)

// A guard's index keeps resolve's answers (regionMemo): a kept answer must be
// the one resolving afresh gives, errors included, and a caller changing the
// Location it got must not change what the next caller gets.
func TestRegionMemoGivesFreshAnswers(t *testing.T) {
	cases := []struct{ region, district string }{
		{"г. Москва", ""},
		{"Корякский округ|Камчатский край", ""},
		{"г. Москва * Московская область", ""},
		{"Якутия", ""},
		{"Российская Федерация", ""},
		{"Нет такого края", ""},
	}
	ix := newRegionIndex()
	fresh := regionIndex{bySubjectKey: ix.bySubjectKey, byName: ix.byName, federal: ix.federal} // no memo
	for round := 0; round < 3; round++ {
		for _, c := range cases {
			want, wantErr := fresh.resolve(c.region, c.district)
			got, err := ix.resolve(c.region, c.district)
			if (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
				t.Fatalf("round %d, %q: error %v, want %v", round, c.region, err, wantErr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d, %q: %+v, want %+v", round, c.region, got, want)
			}
			// The caller owns its copy.
			for i := range got.Zones {
				got.Zones[i] = "Mars/Olympus"
			}
			for i := range got.Subjects {
				got.Subjects[i] = "nowhere"
			}
		}
	}
	if n := len(ix.memo.m); n != len(cases) {
		t.Fatalf("memo holds %d answers, want %d", n, len(cases))
	}
}
