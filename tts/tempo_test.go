package tts

import (
	"context"
	"os/exec"
	"testing"
)

// TestFestivalStretchChangesTheSpeed: festival's Russian voice ignores
// Duration_Stretch, so before sox's tempo every stretch sounded alike. Now a
// stretch of 1.5 lasts about half as long again and 0.7 about a third less,
// in both the per-phrase and the persistent engine.
func TestFestivalStretchChangesTheSpeed(t *testing.T) {
	for _, bin := range []string{"text2wave", "festival", "sox"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skipf("%s not installed (tools/setup-debian.sh): %v", bin, err)
		}
	}
	const text = "Здравствуйте, это компания Альфа, звоним по вопросу оплаты."
	for _, persistent := range []bool{false, true} {
		durs := map[float64]int{}
		for _, stretch := range []float64{1, 1.5, 0.7} {
			v, err := NewFestival(FestivalOptions{Stretch: stretch, Persistent: persistent})
			if err != nil {
				t.Fatal(err)
			}
			a, err := v.Synthesize(context.Background(), text)
			_ = v.Close()
			if err != nil {
				t.Fatalf("stretch %g: %v", stretch, err)
			}
			durs[stretch] = len(a.PCM)
		}
		for _, stretch := range []float64{1.5, 0.7} {
			r := float64(durs[stretch]) / float64(durs[1])
			if r < stretch*0.85 || r > stretch*1.15 {
				t.Errorf("persistent %v: stretch %g lasts %.2f of stretch 1's length (%d / %d samples)", persistent, stretch, r, durs[stretch], durs[1])
			}
		}
	}
}
