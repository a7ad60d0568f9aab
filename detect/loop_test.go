package detect

import "testing"

func TestLoopGuard(t *testing.T) {
	tests := []struct {
		name  string
		limit int
		texts []string
		want  []bool
	}{
		{"same prompt twice trips", 2,
			[]string{"представьтесь пожалуйста и скажите цель звонка", "представьтесь пожалуйста и скажите цель звонка"},
			[]bool{false, true}},
		{"asr slips still the same prompt", 2,
			[]string{"представьтесь пожалуйста и скажите цель звонка", "представтесь пожалуйста скажите цель звонка"},
			[]bool{false, true}},
		{"different prompts do not trip", 2,
			[]string{"представьтесь пожалуйста", "что мне передать хозяину", "по какому вы вопросу звоните"},
			[]bool{false, false, false}},
		{"people repeating алло are ignored", 2,
			[]string{"алло", "алло", "алло алло"},
			[]bool{false, false, false}},
		{"limit three", 3,
			[]string{"что передать хозяину телефона", "что передать хозяину телефона", "что передать хозяину телефона"},
			[]bool{false, false, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewLoopGuard(tt.limit)
			for i, s := range tt.texts {
				if got := g.Observe(s); got != tt.want[i] {
					t.Errorf("Observe(%q) #%d = %v, want %v", s, i, got, tt.want[i])
				}
			}
		})
	}
}
