package robot

import (
	"time"

	"github.com/dozvon/dozvon/scripts"
)

// Result is how one dialogue ended, with its transcript. It is what the store
// keeps for a call.
type Result struct {
	Outcome       scripts.Outcome
	Slots         map[string]string // outcome slots: callback_at (RFC 3339), amount (rubles, "5000.00"), …
	Turns         []Turn
	Path          []string // node ids in the order visited
	ScriptName    string
	ScriptVersion string // version field + content hash: which script the call ran
	Reason        string // why the dialogue ended, for logs ("max_turns reached", "caller hung up")
}

// Turn is one entry of the transcript.
type Turn struct {
	Seq    int
	Node   string
	Who    string // "robot" or "caller"
	Kind   string // robot: "say"; caller: "speech", "dtmf", "no_input", "hangup"
	Text   string // what was said, recognised text or DTMF digits
	Intent string // the caller's classified intent, if any
	Slots  map[string]string
	Start  time.Time
	End    time.Time
	// BargedIn: for a robot turn, the caller spoke over the prompt and it stopped.
	BargedIn bool
}

// Who values.
const (
	WhoRobot  = "robot"
	WhoCaller = "caller"
)

// TurnKindSay is the Kind of robot turns.
const TurnKindSay = "say"
