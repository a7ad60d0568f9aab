// Package messages sends the SMS and e-mail of debt collection: templates
// with variables checked at load for what they may disclose to whom, a
// Sender per channel (an SMTP server, an HTTP SMS gateway) that sends
// nothing without the 230-FZ guard's permit, and the Service that takes one
// message through the guard (reserve → send → commit, or release) and
// stores what became of it.
//
// It is a package of its own because a message is not a call: it has no
// dialogue, no media and no telephony, yet it answers to the same guard.
package messages
