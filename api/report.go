package api

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/report"
)

// reportSource is what campaign reports are read from: the API's Store when
// it is one (*store.DB is), else nil (the route answers 404).
func (s *Server) reportSource() report.CampaignSource {
	rs, _ := s.c.Store.(report.CampaignSource)
	return rs
}

// reportFormats are the report's formats: how each is written and served.
var reportFormats = map[string]struct {
	write      func(io.Writer, *report.Campaign) error
	ctype, ext string
	attachment bool
}{
	"html": {report.WriteHTML, "text/html; charset=utf-8", "html", false},
	"xlsx": {report.WriteXLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", true},
	"csv":  {report.WriteCampaignCSV, "text/csv; charset=utf-8", "csv", true},
}

// getCampaignReport serves a campaign's unified report as a page (default),
// a workbook or a CSV. The route is for managers and integrations only
// (api/policy.go): the report is the whole campaign, with no collector
// scope, and its phone numbers are masked whoever asks.
func (s *Server) getCampaignReport(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	src := s.reportSource()
	if src == nil {
		return errNotFound
	}
	name := r.URL.Query().Get("format")
	if name == "" {
		name = "html"
	}
	f, ok := reportFormats[name]
	if !ok {
		return badRequest("bad_format", "format is html, xlsx or csv", "format")
	}
	rep, err := report.BuildCampaign(r.Context(), src, r.PathValue("id"), report.CampaignOptions{Now: s.clk.Now(),
		RecordingLink: func(callID, _ string) string { return "/api/v1/calls/" + url.PathEscape(callID) + "/recording" }})
	if err != nil {
		return notFound(err)
	}
	// written whole before the first byte goes out: an error is still the envelope
	var b bytes.Buffer
	if err := f.write(&b, rep); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("Cache-Control", "no-store")
	if name == "html" {
		// the page is self-contained: nothing may load, nothing may run
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
	}
	if f.attachment {
		h.Set("Content-Disposition", `attachment; filename="campaign-`+fileSafe(rep.ID)+"."+f.ext+`"`)
	}
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b.Bytes()) // the client may have gone; nothing to do then
	return nil
}

// fileSafe keeps the characters a file name may carry in any OS and header.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, s)
}
