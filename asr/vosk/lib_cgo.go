//go:build cgo

package vosk

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdlib.h>

// Prototypes of the libvosk C API we use, declared here instead of including vosk_api.h so that
// building needs no header on disk. Copied in meaning (not text) from vosk_api.h of
// github.com/alphacep/vosk-api v0.3.45; the same functions, with the same signatures, are
// exported by libvosk.so 0.3.39 from npm (checked with nm -D).
typedef struct VoskModel VoskModel;
typedef struct VoskRecognizer VoskRecognizer;

typedef struct {
	VoskModel *(*model_new)(const char *model_path);
	void (*model_free)(VoskModel *model);
	int (*model_find_word)(VoskModel *model, const char *word);
	VoskRecognizer *(*recognizer_new)(VoskModel *model, float sample_rate);
	VoskRecognizer *(*recognizer_new_grm)(VoskModel *model, float sample_rate, const char *grammar);
	void (*recognizer_set_words)(VoskRecognizer *recognizer, int words);
	int (*recognizer_accept_waveform_s)(VoskRecognizer *recognizer, const short *data, int length);
	const char *(*recognizer_result)(VoskRecognizer *recognizer);
	const char *(*recognizer_partial_result)(VoskRecognizer *recognizer);
	const char *(*recognizer_final_result)(VoskRecognizer *recognizer);
	void (*recognizer_reset)(VoskRecognizer *recognizer);
	void (*recognizer_free)(VoskRecognizer *recognizer);
	void (*set_log_level)(int log_level);
} dz_vosk_api;

static void *dz_dlopen(const char *path, char **err) {
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		*err = dlerror();
	}
	return h;
}

static void dz_dlclose(void *h) { dlclose(h); }

// dz_vosk_load resolves every symbol; on failure it returns the name of the first missing one.
static const char *dz_vosk_load(void *h, dz_vosk_api *a) {
#define DZ_SYM(field, name) \
	if ((*(void **)(&a->field) = dlsym(h, name)) == NULL) return name;
	DZ_SYM(model_new, "vosk_model_new")
	DZ_SYM(model_free, "vosk_model_free")
	DZ_SYM(model_find_word, "vosk_model_find_word")
	DZ_SYM(recognizer_new, "vosk_recognizer_new")
	DZ_SYM(recognizer_new_grm, "vosk_recognizer_new_grm")
	DZ_SYM(recognizer_set_words, "vosk_recognizer_set_words")
	DZ_SYM(recognizer_accept_waveform_s, "vosk_recognizer_accept_waveform_s")
	DZ_SYM(recognizer_result, "vosk_recognizer_result")
	DZ_SYM(recognizer_partial_result, "vosk_recognizer_partial_result")
	DZ_SYM(recognizer_final_result, "vosk_recognizer_final_result")
	DZ_SYM(recognizer_reset, "vosk_recognizer_reset")
	DZ_SYM(recognizer_free, "vosk_recognizer_free")
	DZ_SYM(set_log_level, "vosk_set_log_level")
#undef DZ_SYM
	return NULL;
}

// Trampolines: cgo cannot call C function pointers directly.
static VoskModel *dz_model_new(dz_vosk_api *a, const char *p) { return a->model_new(p); }
static void dz_model_free(dz_vosk_api *a, VoskModel *m) { a->model_free(m); }
static int dz_model_find_word(dz_vosk_api *a, VoskModel *m, const char *w) { return a->model_find_word(m, w); }
static VoskRecognizer *dz_recognizer_new(dz_vosk_api *a, VoskModel *m, float rate) { return a->recognizer_new(m, rate); }
static VoskRecognizer *dz_recognizer_new_grm(dz_vosk_api *a, VoskModel *m, float rate, const char *g) { return a->recognizer_new_grm(m, rate, g); }
static void dz_recognizer_set_words(dz_vosk_api *a, VoskRecognizer *r, int on) { a->recognizer_set_words(r, on); }
static int dz_recognizer_accept_s(dz_vosk_api *a, VoskRecognizer *r, const short *d, int n) { return a->recognizer_accept_waveform_s(r, d, n); }
static const char *dz_recognizer_result(dz_vosk_api *a, VoskRecognizer *r) { return a->recognizer_result(r); }
static const char *dz_recognizer_partial_result(dz_vosk_api *a, VoskRecognizer *r) { return a->recognizer_partial_result(r); }
static const char *dz_recognizer_final_result(dz_vosk_api *a, VoskRecognizer *r) { return a->recognizer_final_result(r); }
static void dz_recognizer_reset(dz_vosk_api *a, VoskRecognizer *r) { a->recognizer_reset(r); }
static void dz_recognizer_free(dz_vosk_api *a, VoskRecognizer *r) { a->recognizer_free(r); }
static void dz_set_log_level(dz_vosk_api *a, int level) { a->set_log_level(level); }
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// Library is libvosk.so loaded with dlopen. It is never unloaded: models and recognizers may
// outlive any one user, and dlopen of the same path returns the same handle anyway.
type Library struct {
	path string
	api  *C.dz_vosk_api // C memory, lives as long as the process
}

// SetLogLevel sets Kaldi/Vosk's log level (stderr) for the whole process: 0 logs info,
// -1 (what LoadModel sets unless Options.Debug) drops info messages, -2 keeps only errors.
func (l *Library) SetLogLevel(level int) { C.dz_set_log_level(l.api, C.int(level)) }

func openLibraryAt(path string) (*Library, error) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var cerr *C.char
	h := C.dz_dlopen(cpath, &cerr)
	if h == nil {
		msg := "unknown dlopen error"
		if cerr != nil {
			msg = C.GoString(cerr)
		}
		return nil, fmt.Errorf("dlopen %s: %s", path, msg)
	}
	api := (*C.dz_vosk_api)(C.calloc(1, C.size_t(unsafe.Sizeof(C.dz_vosk_api{}))))
	if api == nil {
		return nil, fmt.Errorf("dlopen %s: out of memory", path)
	}
	if missing := C.dz_vosk_load(h, api); missing != nil {
		name := C.GoString(missing)
		C.free(unsafe.Pointer(api))
		C.dz_dlclose(h)
		return nil, fmt.Errorf("%s is not libvosk (or too old): symbol %s missing", path, name)
	}
	return &Library{path: path, api: api}, nil
}

// Thin Go wrappers over the C trampolines, so that only this file uses cgo. Handles are
// opaque unsafe.Pointers to C memory owned by libvosk.

func (l *Library) modelNew(dir string) unsafe.Pointer {
	cdir := C.CString(dir)
	defer C.free(unsafe.Pointer(cdir))
	return unsafe.Pointer(C.dz_model_new(l.api, cdir))
}

func (l *Library) modelFree(m unsafe.Pointer) { C.dz_model_free(l.api, (*C.VoskModel)(m)) }

func (l *Library) modelFindWord(m unsafe.Pointer, word string) int {
	cw := C.CString(word)
	defer C.free(unsafe.Pointer(cw))
	return int(C.dz_model_find_word(l.api, (*C.VoskModel)(m), cw))
}

func (l *Library) recognizerNew(m unsafe.Pointer, rate int, grammar string) unsafe.Pointer {
	if grammar == "" {
		return unsafe.Pointer(C.dz_recognizer_new(l.api, (*C.VoskModel)(m), C.float(rate)))
	}
	cg := C.CString(grammar)
	defer C.free(unsafe.Pointer(cg))
	return unsafe.Pointer(C.dz_recognizer_new_grm(l.api, (*C.VoskModel)(m), C.float(rate), cg))
}

func (l *Library) recognizerSetWords(r unsafe.Pointer, on bool) {
	v := C.int(0)
	if on {
		v = 1
	}
	C.dz_recognizer_set_words(l.api, (*C.VoskRecognizer)(r), v)
}

// recognizerAccept feeds samples; it returns 1 when Vosk's own endpointer closed a segment,
// 0 otherwise, -1 when libvosk caught an exception.
func (l *Library) recognizerAccept(r unsafe.Pointer, pcm []int16) int {
	if len(pcm) == 0 {
		return 0
	}
	return int(C.dz_recognizer_accept_s(l.api, (*C.VoskRecognizer)(r), (*C.short)(unsafe.Pointer(&pcm[0])), C.int(len(pcm))))
}

// The result strings are owned by the recognizer and valid until its next call: copy at once.
func (l *Library) recognizerResult(r unsafe.Pointer) string {
	return C.GoString(C.dz_recognizer_result(l.api, (*C.VoskRecognizer)(r)))
}

func (l *Library) recognizerPartial(r unsafe.Pointer) string {
	return C.GoString(C.dz_recognizer_partial_result(l.api, (*C.VoskRecognizer)(r)))
}

func (l *Library) recognizerFinal(r unsafe.Pointer) string {
	return C.GoString(C.dz_recognizer_final_result(l.api, (*C.VoskRecognizer)(r)))
}

func (l *Library) recognizerReset(r unsafe.Pointer) {
	C.dz_recognizer_reset(l.api, (*C.VoskRecognizer)(r))
}

func (l *Library) recognizerFree(r unsafe.Pointer) {
	C.dz_recognizer_free(l.api, (*C.VoskRecognizer)(r))
}
