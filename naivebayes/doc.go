// Package naivebayes is the counting core that dozvon's two learned text
// models share (intentstat for the dialogue's intents, detectstat for the
// first phrase's class): a multinomial naive Bayes model over string
// features, additive smoothing, a lighter weight for one kind of feature
// (character trigrams), the features that decided a comparison, and a
// sorted text form that `go generate` writes and the binary embeds.
//
// What a feature is, which classes compete and what a prediction means stay
// with each model: this package only counts and scores.
package naivebayes
