// Package detectstat is a small learned text model for first-phrase
// detection that stands beside the rules of package detect: a multinomial
// naive Bayes model over the recognised text's word stems and character
// trigrams (features that survive Russian morphology and recogniser slips
// better than cue lists written for one generator's wordings), for the
// classes person, voice assistant, machine, announcement and silence.
//
// It is its own package because it is no rule: it is trained at build time
// (`go generate ./detectstat/`) from corpus/texts.tsv — the sidecar texts of
// the tuning sources only (detect/testdata/sources, never a held-out pair),
// extracted by internal/mkcorpus — and the product embeds the generated
// model.txt. Every prediction names the features that decided it.
//
// internal/lopo judges it the way the corpus allows: leave one pool out
// (the sources come in pools written by different authors; a fold trains on
// every pool but one and classifies the left-out pool's files), for the
// model alone, the rules alone and the two combined.
package detectstat

//go:generate go run ./internal/train -corpus corpus/texts.tsv -out model.txt
