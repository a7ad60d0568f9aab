package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/portfolio"
)

// uploadPortfolio imports a portfolio CSV sent as the body (text/csv) or
// as the "file" part of a multipart form, UTF-8 or CP1251 as `dozvon
// import` reads it, and answers the same JSON as `dozvon import --json`.
// The same bytes sent again are not imported again: the first report comes
// back with 200 instead of 201.
func (s *Server) uploadPortfolio(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	if err := wantContentType(r, "text/csv", "multipart/form-data"); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.c.MaxUpload)
	raw, name, err := uploadedFile(r)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(raw)
	sha := hex.EncodeToString(sum[:])
	ctx := r.Context()
	if prev, ok, err := s.c.Store.Upload(ctx, sha); err != nil {
		return err
	} else if ok {
		writeRaw(w, http.StatusOK, prev)
		return nil
	}
	res, err := portfolio.Parse(bytes.NewReader(raw), name)
	if err != nil {
		return invalid(err.Error(), "file")
	}
	if err := portfolio.Save(ctx, s.c.Store, res, name); err != nil {
		return err
	}
	report, err := json.Marshal(res.Summary())
	if err != nil {
		return fmt.Errorf("upload portfolio: %w", err)
	}
	report = append(report, '\n') // as json.Encoder writes it for `dozvon import --json`
	kept, created, err := s.c.Store.SaveUpload(ctx, sha, report, name, s.clk.Now())
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK // the same file raced in from another request
	}
	writeRaw(w, status, kept)
	return nil
}
