package detect

// LoopGuard notices a bot-to-bot loop: the other side repeating the same
// prompt (an assistant asking "представьтесь" again and again). Feed it each
// final recognizer result of the callee; when it returns true, end the call.
// Texts of fewer than minLoopWords words are ignored: people repeat "алло".
type LoopGuard struct {
	limit   int
	prompts [][]token
	counts  []int
}

const (
	minLoopWords  = 3
	loopSimilarTo = 0.8 // word-set overlap that makes two prompts "the same"
)

// NewLoopGuard returns a guard that trips when one prompt has been heard
// limit times (limit < 2 means 2).
func NewLoopGuard(limit int) *LoopGuard {
	return &LoopGuard{limit: max(limit, 2)}
}

// Observe records one utterance and reports whether its prompt has now been
// heard limit times. Recognizer slips between repetitions are tolerated.
func (g *LoopGuard) Observe(text string) bool {
	toks := tokenize(text)
	if len(toks) < minLoopWords {
		return false
	}
	for i, p := range g.prompts {
		if overlap(p, toks) >= loopSimilarTo {
			g.counts[i]++
			return g.counts[i] >= g.limit
		}
	}
	g.prompts = append(g.prompts, toks)
	g.counts = append(g.counts, 1)
	return g.limit <= 1
}

// overlap is the share of words of the longer text that have a similar word
// in the other text.
func overlap(a, b []token) float64 {
	if len(a) < len(b) {
		a, b = b, a
	}
	hit := 0
	for _, x := range a {
		for _, y := range b {
			if similar(x, y) {
				hit++
				break
			}
		}
	}
	return float64(hit) / float64(len(a))
}
