package detect_test

import (
	"fmt"

	"github.com/dozvon/dozvon/detect"
)

// The robot's media loop drives one Classifier per call: every 20 ms frame
// after answer, every recognizer result of the callee's first phrase, and a
// look at Decision after each.
func Example() {
	c := detect.New(detect.Config{})
	silence := make([]int16, 160) // 20 ms at 8 kHz
	for range 10 {
		c.Frame(silence, false)
	}
	c.Text("здравствуйте я голосовой помощник", false) // a partial result
	if d, ok := c.Decision(); ok {
		fmt.Println(d.Class, d.At)
	}
	// Output: voice_assistant 200ms
}
