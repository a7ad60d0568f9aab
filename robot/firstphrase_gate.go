package robot

import (
	"context"
	"fmt"
	"time"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/scripts"
)

// gatedConversation is the Conversation the session sees while detection
// runs: prompts that would tell a third party something (the creditor, the
// debt, the debtor's name) wait for the first-phrase verdict when the callee
// is still speaking its first phrase; once detection stopped the call,
// nothing more is said and the session's hang-up is left to RunCall (which
// may say the neutral message first).
type gatedConversation struct {
	Conversation
	fp        *firstPhrase
	sensitive func(Prompt) bool
	hungUp    <-chan struct{}
	limit     time.Duration
}

func (g *gatedConversation) Say(ctx context.Context, p Prompt) (SayResult, error) {
	if g.sensitive(p) {
		if err := g.fp.awaitVerdict(ctx, g.hungUp, g.limit); err != nil {
			return SayResult{}, fmt.Errorf("say %s: %w", p.ID, err)
		}
		g.fp.disclose() // no late correction after this; one made before it stopped ctx
	}
	if err := ctx.Err(); err != nil {
		return SayResult{}, fmt.Errorf("say %s: %w", p.ID, err)
	}
	g.fp.robotSays(p.Text)
	r, err := g.Conversation.Say(ctx, p)
	if err != nil && g.fp.stopped() {
		g.fp.noteCut(p, r)
	}
	return r, err
}

func (g *gatedConversation) Hangup(ctx context.Context) error {
	if g.fp.stopped() {
		return nil // RunCall hangs up after the non-human action
	}
	return g.Conversation.Hangup(ctx)
}

// sensitivePrompts reports whether a prompt of s tells the listener anything
// a third party must not hear: a phrase tagged creditor or about the debt,
// one using debtor/creditor/debt variables, or text that compliance finds
// sensitive (the debt, its amount, the creditor's name).
func sensitivePrompts(s *scripts.Script, vars map[string]any) func(Prompt) bool {
	conf := compliance.ConfidentialFromVars(vars)
	return func(p Prompt) bool {
		if ph, ok := s.Phrases[p.ID]; ok {
			if ph.HasTag(scripts.TagCreditor) || ph.MentionsDebt() {
				return true
			}
			for _, r := range scripts.Refs(ph.Text) {
				if compliance.DisclosingVar(r.Path) {
					return true
				}
			}
		}
		what, _ := conf.Sensitive(p.Text)
		return what != ""
	}
}
