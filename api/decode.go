package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"strings"
)

// maxJSONBody bounds a JSON request body: the API's documents are small.
const maxJSONBody = 1 << 20

// decodeJSON reads one JSON object from the request body into dst: the
// content type must be JSON, the body at most maxJSONBody, no field unknown
// to dst and nothing after the object. Each failure is an *Error naming the
// field or the byte offset where it can.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	if err := wantContentType(r, "application/json"); err != nil {
		return err
	}
	return decodeBody(http.MaxBytesReader(w, r.Body, maxJSONBody), dst)
}

// decodeBody is decodeJSON past the content type (the fuzz target).
func decodeBody(body io.Reader, dst any) error {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return jsonError(err)
		}
		return badRequest("bad_json", "the body holds more than one JSON value", "")
	}
	return nil
}

func jsonError(err error) error {
	var (
		syntax  *json.SyntaxError
		typ     *json.UnmarshalTypeError
		tooBig  *http.MaxBytesError
		invalid *json.InvalidUnmarshalError
	)
	switch {
	case errors.As(err, &tooBig):
		return tooLarge(tooBig)
	case errors.As(err, &syntax):
		return badRequest("bad_json", fmt.Sprintf("malformed JSON at byte %d: %v", syntax.Offset, syntax), "")
	case errors.As(err, &typ):
		return badRequest("bad_json", fmt.Sprintf("%s must be %s, not %s", typ.Field, typ.Type, typ.Value), typ.Field)
	case errors.Is(err, io.EOF):
		return badRequest("bad_json", "the body is empty: want a JSON object", "")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("bad_json", "the JSON ends early", "")
	case errors.As(err, &invalid):
		return err // a programming error: a 500
	}
	// encoding/json has no typed error for an unknown field; its text is
	// `json: unknown field "name"`.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return badRequest("unknown_field", fmt.Sprintf("unknown field %q", name), name)
	}
	return badRequest("bad_json", "malformed JSON: "+err.Error(), "")
}

// wantContentType is a 415 unless the request's media type is one of want.
func wantContentType(r *http.Request, want ...string) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err == nil {
		for _, w := range want {
			if mt == w {
				return nil
			}
		}
	}
	return &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
		Message: "Content-Type must be " + strings.Join(want, " or "), Field: "Content-Type"}
}

// uploadedFile reads the CSV bytes and the name to file them under.
func uploadedFile(r *http.Request) ([]byte, string, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "text/csv" {
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, "", bodyError(err)
		}
		return raw, "upload.csv", nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", badRequest("bad_multipart", "malformed multipart body: "+err.Error(), "")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, "", invalid(`the form has no "file" part`, "file")
		}
		if err != nil {
			return nil, "", bodyError(err)
		}
		if part.FormName() != "file" {
			continue
		}
		raw, err := io.ReadAll(part)
		if err != nil {
			return nil, "", bodyError(err)
		}
		name := filepath.Base(part.FileName())
		if name == "." || name == string(filepath.Separator) {
			name = "upload.csv"
		}
		return raw, name, nil
	}
}

func bodyError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return tooLarge(tooBig)
	}
	return badRequest("bad_body", "the body could not be read: "+err.Error(), "")
}
