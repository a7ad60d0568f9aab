// Package robot runs one conversation on one call: turn-taking, barge-in,
// timeouts, first-phrase classification, running a dialogue script node by node
// over a Conversation, and producing the outcome with its transcript.
package robot
