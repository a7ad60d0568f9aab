// Package vosk is the asr.Recognizer on Vosk (Kaldi): one model loaded per process and shared,
// one libvosk recognizer per stream (per call), free speech or a per-stream grammar, partial and
// final results with word times and confidences parsed from libvosk's JSON. A listen step's
// hints (asr.GrammarSetter) add a grammar recognizer beside the stream's own for the step's
// utterances; its result is taken when the whole utterance is in the grammar.
//
// libvosk.so (0.3.39, from `npm pack vosk@0.3.39`, installed by tools/install-libvosk.sh) is
// loaded with dlopen when LoadModel or OpenLibrary is called, not linked: `go build ./...` and
// every other package's tests work on a machine without it, and the binary fails with a clear
// error only when Vosk is selected. For the same reason the dozen C prototypes used are declared
// in lib_cgo.go's cgo preamble (from vosk_api.h of vosk-api v0.3.45, whose signatures match the 0.3.39
// library) instead of including the header, which would make every build depend on an install
// step. There is no Go binding module to use instead: the module proxy does not serve
// github.com/alphacep/vosk-api/go, and that binding links libvosk at build time.
//
// A missing or broken model is reported before any call starts: CheckModelDir verifies the
// directory layout and file headers, and LoadModel checks libvosk's NULL model pointer.
// Kaldi's stderr log is silenced (log level -1) unless Options.Debug is set.
package vosk
