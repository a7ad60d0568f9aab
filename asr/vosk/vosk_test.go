package vosk

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr"
)

// openTestLibrary loads libvosk by the default search or skips the test with what to run.
func openTestLibrary(t *testing.T) *Library {
	t.Helper()
	lib, err := OpenLibrary("")
	if errors.Is(err, ErrLibraryNotFound) {
		t.Skipf("libvosk not installed: run tools/install-libvosk.sh (%v)", err)
	}
	if err != nil {
		t.Fatalf("OpenLibrary: %v", err)
	}
	return lib
}

func TestOpenLibraryDefaultSearch(t *testing.T) {
	lib := openTestLibrary(t)
	if !strings.HasSuffix(lib.Path(), "libvosk.so") {
		t.Errorf("Path() = %q, want a libvosk.so", lib.Path())
	}
	lib.SetLogLevel(-1) // a real call into libvosk through the resolved symbol
}

func TestLibraryCandidatesOrder(t *testing.T) {
	c := LibraryCandidates()
	if len(c) < 2 || c[len(c)-1] != "libvosk.so" {
		t.Fatalf("candidates %q: want bundled paths then the bare system name last", c)
	}
	wd, _ := os.Getwd()
	if want := filepath.Join(wd, "third_party", "vosk", "lib", "libvosk.so"); c[0] != want {
		t.Errorf("first candidate %q, want %q (working directory first)", c[0], want)
	}
}

// modelFiles describes a fake model directory: relative path → content.
type modelFiles map[string]string

var (
	goodMdl = string(kaldiModelMagic) + " truncated acoustic model"
	goodFst = string(fstMagic) + " truncated fst"
)

// smallModel has the layout of vosk-model-small-ru-0.22 with valid headers but no real content.
func smallModel() modelFiles {
	return modelFiles{
		"am/final.mdl":                   goodMdl,
		"conf/model.conf":                "--min-active=200\n",
		"conf/mfcc.conf":                 "--sample-frequency=16000\n",
		"graph/HCLr.fst":                 goodFst,
		"graph/Gr.fst":                   goodFst,
		"graph/disambig_tid.int":         "1\n",
		"graph/phones/word_boundary.int": "1 nonword\n",
	}
}

func (m modelFiles) with(rel, content string) modelFiles {
	out := modelFiles{}
	for k, v := range m {
		out[k] = v
	}
	if content == "" {
		delete(out, rel)
	} else {
		out[rel] = content
	}
	return out
}

func writeModel(t *testing.T, files modelFiles) string {
	t.Helper()
	dir := t.TempDir()
	for rel, content := range files {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCheckModelDir(t *testing.T) {
	big := smallModel().with("graph/HCLr.fst", "").with("graph/Gr.fst", "").with("graph/HCLG.fst", goodFst)
	tests := []struct {
		name        string
		files       modelFiles // nil: the directory does not exist
		wantErr     string     // "" means valid
		wantGrammar bool
	}{
		{name: "small model layout", files: smallModel(), wantGrammar: true},
		{name: "static graph model", files: big, wantGrammar: false},
		{name: "fbank features", files: smallModel().with("conf/mfcc.conf", "").with("conf/fbank.conf", "x"), wantGrammar: true},
		{name: "old flat layout", files: modelFiles{"final.mdl": goodMdl, "mfcc.conf": "x", "HCLG.fst": goodFst}},
		{name: "missing directory", files: nil, wantErr: "does not exist"},
		{name: "empty directory", files: modelFiles{}, wantErr: "missing or empty am/final.mdl"},
		{name: "parent of the model dir", files: modelFiles{"vosk-model-small-ru-0.22/am/final.mdl": goodMdl}, wantErr: "missing or empty am/final.mdl"},
		{name: "no model.conf", files: smallModel().with("conf/model.conf", ""), wantErr: "missing or empty conf/model.conf"},
		{name: "no feature config", files: smallModel().with("conf/mfcc.conf", ""), wantErr: "conf/mfcc.conf"},
		{name: "empty acoustic model", files: smallModel().with("am/final.mdl", ""), wantErr: "am/final.mdl"},
		{name: "acoustic model is HTML", files: smallModel().with("am/final.mdl", "<html>404 Not Found</html>"), wantErr: "am/final.mdl: unexpected file header"},
		{name: "acoustic model too short", files: smallModel().with("am/final.mdl", "\x00B"), wantErr: "too short"},
		{name: "no graph", files: smallModel().with("graph/HCLr.fst", "").with("graph/Gr.fst", ""), wantErr: "missing graph/HCLG.fst"},
		{name: "no disambig", files: smallModel().with("graph/disambig_tid.int", ""), wantErr: "graph/disambig_tid.int"},
		{name: "corrupt Gr.fst", files: smallModel().with("graph/Gr.fst", "garbage!"), wantErr: "graph/Gr.fst: unexpected file header"},
		{name: "corrupt HCLG.fst", files: big.with("graph/HCLG.fst", "garbage!"), wantErr: "graph/HCLG.fst: unexpected file header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "absent")
			if tt.files != nil {
				dir = writeModel(t, tt.files)
			}
			lay, err := CheckModelDir(dir)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("CheckModelDir: %v", err)
				}
				if lay.Grammar != tt.wantGrammar {
					t.Errorf("Grammar = %v, want %v", lay.Grammar, tt.wantGrammar)
				}
				return
			}
			if err == nil {
				t.Fatalf("CheckModelDir succeeded, want error containing %q", tt.wantErr)
			}
			if !errors.Is(err, ErrBadModel) || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), dir) {
				t.Errorf("error %q: want ErrBadModel naming %q and the directory", err, tt.wantErr)
			}
		})
	}
	t.Run("a file, not a directory", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "model.zip")
		if err := os.WriteFile(f, []byte("PK"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := CheckModelDir(f); err == nil || !strings.Contains(err.Error(), "not a directory") {
			t.Errorf("error %v, want 'not a directory'", err)
		}
	})
}

// TestLoadModelBroken: the layout passes CheckModelDir but the content is truncated, so it is
// libvosk itself that fails; LoadModel must turn its NULL into ErrBadModel (and not crash).
func TestLoadModelBroken(t *testing.T) {
	openTestLibrary(t)
	dir := writeModel(t, smallModel())
	m, err := LoadModel(dir, Options{})
	if err == nil {
		m.Close()
		t.Fatal("LoadModel of a truncated model succeeded")
	}
	if !errors.Is(err, ErrBadModel) || !strings.Contains(err.Error(), "libvosk failed to read it") {
		t.Errorf("error %q: want ErrBadModel from libvosk's NULL model", err)
	}
}

func TestLoadModelMissingBeforeLibrary(t *testing.T) {
	// The directory is checked first, so a wrong path is reported even without libvosk.
	_, err := LoadModel(filepath.Join(t.TempDir(), "vosk-model-small-ru-0.22"), Options{LibraryPath: "/nonexistent/libvosk.so"})
	if !errors.Is(err, ErrBadModel) {
		t.Fatalf("error %v, want ErrBadModel", err)
	}
}

func TestCombine(t *testing.T) {
	seg := func(js string) voskResult {
		r, err := parseResult(js)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	tests := []struct {
		name   string
		segs   []voskResult
		offset float64
		want   asr.Result
	}{
		{
			name: "empty",
			segs: []voskResult{seg(`{"text": ""}`)},
			want: asr.Result{},
		},
		{
			name:   "one segment, offset subtracted",
			segs:   []voskResult{seg(`{"result":[{"conf":1.0,"end":10.9,"start":10.5,"word":"да"},{"conf":0.5,"end":11.4,"start":11.0,"word":"конечно"}],"text":"да конечно"}`)},
			offset: 10.2,
			want: asr.Result{Text: "да конечно", Confidence: 0.75, Words: []asr.Word{
				{Text: "да", Start: 300 * time.Millisecond, End: 700 * time.Millisecond, Conf: 1},
				{Text: "конечно", Start: 800 * time.Millisecond, End: 1200 * time.Millisecond, Conf: 0.5},
			}},
		},
		{
			name: "two segments split by libvosk's endpointer",
			segs: []voskResult{
				seg(`{"result":[{"conf":0.9,"end":0.6,"start":0.3,"word":"алло"}],"text":"алло"}`),
				seg(`{"result":[{"conf":0.7,"end":2.1,"start":1.8,"word":"да"}],"text":"да"}`),
			},
			want: asr.Result{Text: "алло да", Confidence: 0.8, Words: []asr.Word{
				{Text: "алло", Start: 300 * time.Millisecond, End: 600 * time.Millisecond, Conf: 0.9},
				{Text: "да", Start: 1800 * time.Millisecond, End: 2100 * time.Millisecond, Conf: 0.7},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := combine(tt.segs, tt.offset)
			if got.Text != tt.want.Text || len(got.Words) != len(tt.want.Words) ||
				(got.Confidence-tt.want.Confidence) > 1e-9 || (tt.want.Confidence-got.Confidence) > 1e-9 {
				t.Fatalf("combine = %+v, want %+v", got, tt.want)
			}
			for i := range got.Words {
				if got.Words[i] != tt.want.Words[i] {
					t.Errorf("word %d = %+v, want %+v", i, got.Words[i], tt.want.Words[i])
				}
			}
		})
	}
	if _, err := parseResult(`{"text": "да"`); err == nil {
		t.Error("parseResult accepted truncated JSON")
	}
}

func TestFindModel(t *testing.T) {
	good := writeModel(t, smallModel())
	tests := []struct {
		name, env string
		wantDir   string
		wantErr   string
	}{
		{name: "env names a good model", env: good, wantDir: good},
		{name: "env names a missing dir", env: filepath.Join(good, "nope"), wantErr: EnvModel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(EnvModel, tt.env)
			dir, err := FindModel()
			if tt.wantErr != "" {
				if !errors.Is(err, ErrBadModel) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("FindModel error %v, want ErrBadModel naming %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || dir != tt.wantDir {
				t.Fatalf("FindModel = %q, %v; want %q", dir, err, tt.wantDir)
			}
		})
	}
	t.Run("unset, found under var/models of the working dir", func(t *testing.T) {
		t.Setenv(EnvModel, "")
		root := t.TempDir()
		dir := filepath.Join(root, "var", "models", DefaultModelName)
		for rel, content := range smallModel() {
			p := filepath.Join(dir, rel)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		sub := filepath.Join(root, "cmd", "dozvon")
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		t.Chdir(sub)
		got, err := FindModel()
		if err != nil || got != dir {
			t.Fatalf("FindModel = %q, %v; want %q", got, err, dir)
		}
	})
}
