// Package intentstat is a small statistical intent classifier that stands
// beside the phrase rules of package scripts: a multinomial naive Bayes model
// over features that survive Russian morphology and recogniser errors (word
// stems, negation-scoped stems, stem bigrams, character trigrams).
//
// It is its own package because it is no rule: it is trained at build time
// (`go generate ./intentstat/`) from the labelled utterance corpus in
// corpus/ and the product embeds the generated model.txt. Every prediction
// names the features that decided it, so a routed call can be explained.
// The rules stay first; the robot asks the model when they find nothing, and
// lets it overrule a weak (tolerant) rule match when it is very sure
// (Model.Overrule, chosen by cross-validation by source in round 26).
package intentstat

//go:generate go run ./internal/train -corpus corpus -out model.txt
