package detect

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestZZTrace(t *testing.T) {
	for _, p := range strings.Fields(os.Getenv("TRACE_WAV")) {
		samples, _ := readWAV(p)
		text, _ := sidecarText(p)
		fmt.Println("==", p, text)
		evs := simulateRecognizer(samples, text)
		for _, e := range evs {
			fmt.Printf("  text %5dms final=%v %q\n", e.at.Milliseconds(), e.final, e.text)
		}
		an := newAnalyzer()
		var b strings.Builder
		for i := 0; i+evalFrame <= len(samples); i += evalFrame {
			fi := an.analyze(samples[i : i+evalFrame])
			switch {
			case fi.tonal:
				b.WriteString("T")
			case fi.voiced:
				b.WriteString("#")
			default:
				b.WriteString(".")
			}
			if (i/evalFrame+1)%50 == 0 {
				b.WriteString("|")
			}
		}
		fmt.Println("  " + b.String())
	}
}
