package detect

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/dozvon/dozvon/detectstat"
)

// bundledModel is detectstat's model embedded in the binary, parsed once:
// it is immutable and safe for concurrent use. A model that does not parse
// (a test of model.txt fails first) leaves the rules alone.
var bundledModel = sync.OnceValue(func() TextModel {
	m, err := detectstat.Bundled()
	if err != nil {
		return nil
	}
	return m
})

// TextModel is a learned model of the recognised text (package
// detectstat's naive Bayes, trained on the tuning sources' texts): each
// class's posterior, keyed by the Class's string (nil when it knows none of
// the words), and the features that favour one class over another, for the
// Decision's evidence.
type TextModel interface {
	Posterior(text string) (map[string]float64, []string)
	Explain(text, a, b string) []string
}

// The text model stands beside the rules in two places only, both chosen by
// leave-one-pool-out (detectstat/internal/lopo; figures in
// testdata/sources/README.md, round 20):
//   - which non-person it is, when the rules know no person answered but
//     took the class from words (no beep, no SIT tones): the model's class
//     among assistant, machine and announcement when it holds
//     modelClassShare of their posterior. Whether a person answered does
//     not change.
//   - a late correction of a person verdict when the model's non-person
//     posterior reaches modelCorrection in a monologue: the nearest voice
//     talked for modelMonologue without a pause of latePause (a person
//     pauses for the robot that started talking at the verdict) and said
//     no word of answering the phone, and the rules running behind a
//     tentative person have not found a person. The rules' hard person
//     evidence is untouched: a callee who paused is no longer watched.
const (
	modelClassShare = 0.9
	modelCorrection = 0.9999
	modelMonologue  = 4500 * time.Millisecond
)

// modelMemo keeps the model's answer for the text it was asked about: the
// text changes a few times a call, frames come every 20 ms.
type modelMemo struct {
	text string
	p    map[string]float64
	why  []string
}

// modelPosterior asks the model about the text so far; nil without a
// model, without text, or on a line whose text is the robot's echo.
func (c *Classifier) modelPosterior() (string, map[string]float64) {
	if c.cfg.Model == nil || c.echoed {
		return "", nil
	}
	text := strings.TrimSpace(c.committedText + " " + c.partialText)
	if text == "" {
		return "", nil
	}
	if text != c.model.text {
		p, why := c.cfg.Model.Posterior(text)
		c.model = modelMemo{text: text, p: p, why: why}
	}
	return text, c.model.p
}

var nonPersonText = []Class{VoiceAssistant, Machine, Announcement}

// bestNonPerson is the model's most probable class among the non-persons
// that speak and its share of their posterior.
func bestNonPerson(p map[string]float64) (Class, float64) {
	best, bp, sum := Class(""), -1.0, 0.0
	for _, cl := range nonPersonText {
		v := p[string(cl)]
		sum += v
		if v > bp {
			best, bp = cl, v
		}
	}
	if sum <= 0 {
		return "", 0
	}
	return best, bp / sum
}

// modelClass is the class among non-persons for a verdict of cls taken
// from words: the model's when it holds ModelClassShare, with why.
func (c *Classifier) modelClass(cls Class) (Class, string) {
	if cls != VoiceAssistant && cls != Machine && cls != Announcement || c.sit != nil || c.beep != nil ||
		c.scores.score[cls] >= decisiveWeight {
		return cls, "" // the class rests on a tone or a decisive cue of its own
	}
	text, p := c.modelPosterior()
	if p == nil {
		return cls, ""
	}
	best, share := bestNonPerson(p)
	if best == "" || best == cls || share < c.cfg.ModelClassShare {
		return cls, ""
	}
	return best, fmt.Sprintf("the text model (detectstat) takes it for %s, not %s (%.3f of the non-person posterior; %s)",
		best, cls, share, strings.Join(c.cfg.Model.Explain(text, string(best), string(cls)), " "))
}

// modelCorrects reports that the text model finds no person in a watched
// person verdict's first phrase: a monologue (see modelMonologue) whose text
// the model takes for no person's with ModelCorrection; why names it.
func (c *Classifier) modelCorrects() (string, bool) {
	if c.cfg.Model == nil || c.rulesPerson || c.near.longest < c.cfg.ModelMonologue || c.near.gap >= latePause || c.scores.score[Human] > 0 {
		return "", false
	}
	text, p := c.modelPosterior()
	if p == nil {
		return "", false
	}
	np := 1 - p[string(Human)]
	if np < c.cfg.ModelCorrection {
		return "", false
	}
	return fmt.Sprintf("late correction: the nearest voice talked %.1fs without a pause and no word of answering, and the text model (detectstat) gives %q no person at %.5f (%s)",
		c.near.longest.Seconds(), text, np, strings.Join(c.cfg.Model.Explain(text, string(bestOr(p)), string(Human)), " ")), true
}

// modelWaitClass is the class of a text-model correction at the voice's
// pause: the rules' cue class if their words name one, else the model's
// best non-person (modelClass may still replace a weak cue's class).
func (c *Classifier) modelWaitClass() Class {
	if cls, top, margin := c.scoresWithoutRobot().best(); top > 0 && margin > 0 && cls != Human {
		return c.speakerClass(cls)
	}
	_, p := c.modelPosterior()
	return bestOr(p)
}

// bestOr is the model's best non-person class, a machine when it has none.
func bestOr(p map[string]float64) Class {
	if cls, _ := bestNonPerson(p); cls != "" {
		return cls
	}
	return Machine
}
