package vosk

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"unsafe"
)

// ErrBadModel is wrapped by every error about a missing, incomplete or unreadable model.
var ErrBadModel = errors.New("not a usable Vosk model")

// ErrGrammarUnsupported is wrapped when a grammar is asked of a model with a static graph.
var ErrGrammarUnsupported = errors.New("model does not support grammars")

// Options configures LoadModel.
type Options struct {
	// LibraryPath is an explicit libvosk.so; empty means OpenLibrary's search order.
	LibraryPath string
	// Debug keeps Kaldi/Vosk's info log on stderr (log level 0) instead of silencing it (-1).
	Debug bool
}

// Layout describes a model directory as found by CheckModelDir.
type Layout struct {
	// Dir is the absolute model directory.
	Dir string
	// Grammar is true for models with a runtime-composed graph (graph/HCLr.fst + graph/Gr.fst,
	// the "small" models), which accept per-stream grammars; false for a static graph/HCLG.fst.
	Grammar bool
}

// Kaldi binary objects start with "\0B"; a nnet3 acoustic model's first object is the
// transition model. OpenFst files start with the little-endian magic number 0x7eb2fdd6.
var (
	kaldiModelMagic = []byte("\x00B<TransitionModel>")
	fstMagic        = []byte{0xd6, 0xfd, 0xb2, 0x7e}
)

// CheckModelDir verifies, without loading anything, that dir has the files libvosk reads for a
// model (the "v2" layout of am/, conf/, graph/, or the old flat "v1" layout) and that the
// acoustic model and graph files start with the right magic bytes. It mirrors the checks in
// Vosk's Model::Model and Model::ReadDataFiles (vosk-api v0.3.45, src/model.cc), so that a
// wrong path gives a precise error instead of libvosk's bare NULL.
func CheckModelDir(dir string) (Layout, error) {
	bad := func(format string, args ...any) (Layout, error) {
		return Layout{}, fmt.Errorf("vosk: model %s: %s: %w", dir, fmt.Sprintf(format, args...), ErrBadModel)
	}
	if dir == "" {
		return Layout{}, fmt.Errorf("vosk: model: empty path (set VOSK_MODEL or run tools/fetch-model.sh): %w", ErrBadModel)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return bad("%v", err)
	}
	st, err := os.Stat(abs)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return bad("directory does not exist (set VOSK_MODEL or run tools/fetch-model.sh)")
	case err != nil:
		return bad("%v", err)
	case !st.IsDir():
		return bad("not a directory")
	}
	has := func(rel string) bool {
		fi, err := os.Stat(filepath.Join(abs, rel))
		return err == nil && fi.Mode().IsRegular() && fi.Size() > 0
	}
	// File names per layout: v2 (all current models) or v1 (flat, pre-2020 models).
	am, conf, mfcc, fbank, graph := "am/final.mdl", "conf/model.conf", "conf/mfcc.conf", "conf/fbank.conf", "graph/"
	switch {
	case has(am) && has(conf):
	case has("final.mdl") && has("mfcc.conf"):
		am, mfcc, fbank, graph = "final.mdl", "mfcc.conf", "fbank.conf", ""
	case has(am):
		return bad("missing or empty %s", conf)
	default:
		return bad("missing or empty %s (is this the unzipped model directory, e.g. vosk-model-small-ru-0.22/?)", am)
	}
	if !has(mfcc) && !has(fbank) {
		return bad("missing or empty %s (or %s)", mfcc, fbank)
	}
	if err := checkMagic(filepath.Join(abs, am), kaldiModelMagic); err != nil {
		return bad("%s: %v", am, err)
	}
	lay := Layout{Dir: abs}
	if has(graph + "HCLG.fst") {
		if err := checkMagic(filepath.Join(abs, graph+"HCLG.fst"), fstMagic); err != nil {
			return bad("%sHCLG.fst: %v", graph, err)
		}
		return lay, nil
	}
	for _, f := range []string{"HCLr.fst", "Gr.fst", "disambig_tid.int"} {
		if !has(graph + f) {
			return bad("missing %sHCLG.fst, and missing or empty %s%s", graph, graph, f)
		}
	}
	for _, f := range []string{"HCLr.fst", "Gr.fst"} {
		if err := checkMagic(filepath.Join(abs, graph+f), fstMagic); err != nil {
			return bad("%s%s: %v", graph, f, err)
		}
	}
	lay.Grammar = true
	return lay, nil
}

func checkMagic(path string, magic []byte) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, len(magic))
	if _, err := io.ReadFull(f, head); err != nil {
		return fmt.Errorf("too short to be a model file: %w", err)
	}
	if !bytes.Equal(head, magic) {
		return fmt.Errorf("unexpected file header %q (corrupt or not a Kaldi/OpenFst file)", head)
	}
	return nil
}

// Model is one loaded Vosk model, shared by every stream in the process. It implements
// asr.Recognizer. Close it once, when the process no longer needs it; streams already open
// keep working (libvosk reference-counts the model) until they are closed.
type Model struct {
	lib    *Library
	api    recognizerAPI // lib in production; a recording double in the package's tests
	layout Layout

	mu  sync.RWMutex
	ptr unsafe.Pointer // C VoskModel*, nil once closed
}

// LoadModel checks the model directory, loads libvosk (see OpenLibrary) and the model. It fails
// with an error wrapping ErrBadModel when the directory is not a usable model, and with one
// wrapping ErrLibraryNotFound when libvosk is not installed. Loading takes seconds and hundreds
// of MB for large models: do it once at start-up, before any call.
func LoadModel(dir string, opts Options) (*Model, error) {
	lay, err := CheckModelDir(dir)
	if err != nil {
		return nil, err
	}
	lib, err := OpenLibrary(opts.LibraryPath)
	if err != nil {
		return nil, fmt.Errorf("vosk: load model %s: %w", lay.Dir, err)
	}
	if opts.Debug {
		lib.SetLogLevel(0)
	} else {
		lib.SetLogLevel(-1)
	}
	ptr := lib.modelNew(lay.Dir)
	if ptr == nil {
		return nil, fmt.Errorf("vosk: load model %s: libvosk failed to read it (files present but corrupt or incompatible; "+
			"load with Options.Debug for Kaldi's log): %w", lay.Dir, ErrBadModel)
	}
	return &Model{lib: lib, api: lib, layout: lay, ptr: ptr}, nil
}

// Layout returns what CheckModelDir found for this model.
func (m *Model) Layout() Layout { return m.layout }

// HasWord reports whether word is in the model's vocabulary (grammar words must be).
func (m *Model) HasWord(word string) (bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.ptr == nil {
		return false, errors.New("vosk: has word: model is closed")
	}
	return m.api.modelFindWord(m.ptr, word) >= 0, nil
}

// recognizerAPI is the part of libvosk a stream uses. It is an interface so that the package's
// tests can see what reaches the recognizer factory (the grammar JSON of a listen step's hints)
// without libvosk or a model; *Library is the one product implementation.
type recognizerAPI interface {
	modelFindWord(m unsafe.Pointer, word string) int
	recognizerNew(m unsafe.Pointer, rate int, grammar string) unsafe.Pointer
	recognizerSetWords(r unsafe.Pointer, on bool)
	recognizerAccept(r unsafe.Pointer, pcm []int16) int
	recognizerResult(r unsafe.Pointer) string
	recognizerPartial(r unsafe.Pointer) string
	recognizerFinal(r unsafe.Pointer) string
	recognizerFree(r unsafe.Pointer)
}

// Close releases the model. It is safe to call more than once.
func (m *Model) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ptr != nil {
		m.lib.modelFree(m.ptr)
		m.ptr = nil
	}
	return nil
}
