//go:build !cgo

package vosk

import (
	"errors"
	"unsafe"
)

// Library is libvosk.so loaded with dlopen; without cgo it cannot be loaded at all.
type Library struct{ path string }

var errNoCgo = errors.New("dozvon was built without cgo (CGO_ENABLED=0), so libvosk cannot be loaded; rebuild with cgo or use --asr dtmf")

// SetLogLevel does nothing without cgo.
func (l *Library) SetLogLevel(int) {}

func openLibraryAt(string) (*Library, error) { return nil, errNoCgo }

// The wrappers are unreachable without cgo (no Library can be created); they exist to compile.
func (l *Library) modelNew(string) unsafe.Pointer                           { return nil }
func (l *Library) modelFree(unsafe.Pointer)                                 {}
func (l *Library) modelFindWord(unsafe.Pointer, string) int                 { return -1 }
func (l *Library) recognizerNew(unsafe.Pointer, int, string) unsafe.Pointer { return nil }
func (l *Library) recognizerSetWords(unsafe.Pointer, bool)                  {}
func (l *Library) recognizerAccept(unsafe.Pointer, []int16) int             { return -1 }
func (l *Library) recognizerResult(unsafe.Pointer) string                   { return "" }
func (l *Library) recognizerPartial(unsafe.Pointer) string                  { return "" }
func (l *Library) recognizerFinal(unsafe.Pointer) string                    { return "" }
func (l *Library) recognizerReset(unsafe.Pointer)                           {}
func (l *Library) recognizerFree(unsafe.Pointer)                            {}
