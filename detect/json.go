package detect

// VerdictJSON is one decision as `dozvon detect file --json` prints it:
// times in milliseconds, the first guess only when the class settled later.
type VerdictJSON struct {
	Class       string   `json:"class"`
	Confidence  float64  `json:"confidence"`
	AtMs        int64    `json:"at_ms"`
	SettledMs   int64    `json:"settled_ms"`
	Provisional string   `json:"provisional,omitempty"`
	Evidence    []string `json:"evidence"`
}

// JSON is the decision in its printed JSON shape.
func (d Decision) JSON() VerdictJSON {
	return VerdictJSON{string(d.Class), d.Confidence, d.At.Milliseconds(), d.SettledAt.Milliseconds(), string(d.Provisional), d.Evidence}
}
