package detect

// VerdictJSON is one decision as `dozvon detect file --json` prints it:
// times in milliseconds, the first guess only when the class settled later.
type VerdictJSON struct {
	Class      string  `json:"class"`
	Confidence float64 `json:"confidence"`
	VerdictTimes
	Provisional string   `json:"provisional,omitempty"` // the first guess of a class settled later
	Evidence    []string `json:"evidence"`
}

// VerdictTimes are a verdict's times since answer, in milliseconds.
type VerdictTimes struct {
	AtMs      int64 `json:"at_ms"`      // the robot knew whether a person answered
	SettledMs int64 `json:"settled_ms"` // the class became final
}

// JSON is the decision in its printed JSON shape.
func (d Decision) JSON() VerdictJSON {
	return VerdictJSON{string(d.Class), d.Confidence, VerdictTimes{d.At.Milliseconds(), d.SettledAt.Milliseconds()}, string(d.Provisional), d.Evidence}
}
