package api

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/dozvon/dozvon/report/reporttest"
)

// TestCampaignReportRoute: the report comes as a self-contained page (no
// script may run: CSP), a workbook and a CSV, each with the campaign's
// figures and no full phone number; a collector is refused, an unknown
// format or campaign is the error envelope.
func TestCampaignReportRoute(t *testing.T) {
	t.Parallel()
	rg := newRig(t)
	if err := reporttest.Seed(t.Context(), rg.db); err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/campaigns/" + reporttest.Campaign + "/report"
	get := func(who as, query string) (int, http.Header, []byte) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), "GET", rg.ts.URL+path+query, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Test-Role", string(who.role))
		req.Header.Set("X-Test-Login", who.login)
		resp, err := rg.ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		if _, err := b.ReadFrom(resp.Body); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, resp.Header, b.Bytes()
	}
	bodies := map[string][]byte{}

	status, h, page := get(supervisor, "")
	if status != http.StatusOK || h.Get("Content-Type") != "text/html; charset=utf-8" || !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Fatalf("html: %d %v", status, h)
	}
	if n := bytes.Count(page, []byte("<svg ")); n != 6 || !bytes.Contains(page, []byte(`href="/api/v1/calls/call-02/recording"`)) {
		t.Errorf("html: %d charts, recording links: %v", n, bytes.Contains(page, []byte("/recording")))
	}
	bodies["html"] = page

	status, h, book := get(integration, "?format=xlsx")
	if status != http.StatusOK || h.Get("Content-Disposition") != `attachment; filename="campaign-c-report.xlsx"` {
		t.Fatalf("xlsx: %d %v", status, h)
	}
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatalf("xlsx does not open: %v", err)
	}
	defer f.Close()
	var sheets strings.Builder
	for _, s := range f.GetSheetList() {
		rows, _ := f.GetRows(s)
		for _, r := range rows {
			sheets.WriteString(strings.Join(r, "\t") + "\n")
		}
	}
	if v, _ := f.GetCellValue("Сводка", "B6"); v != "6" {
		t.Errorf("xlsx: Сводка!B6 (debtors) = %q, want 6", v)
	}
	bodies["xlsx"] = []byte(sheets.String())

	status, h, lines := get(admin, "?format=csv")
	recs, err := csv.NewReader(bytes.NewReader(lines)).ReadAll()
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || err != nil || len(recs) != 1+reporttest.Want.Calls {
		t.Fatalf("csv: %d %v, %d records, %v", status, h, len(recs), err)
	}
	bodies["csv"] = lines

	for name, b := range bodies {
		for _, full := range append(reporttest.Phones(), reporttest.SpokenNumber) {
			if bytes.Contains(b, []byte(full)) || bytes.Contains(b, []byte(strings.TrimPrefix(full, "+"))) {
				t.Errorf("%s shows the full number %s", name, full)
			}
		}
	}

	for _, tc := range []struct {
		who    as
		query  string
		status int
		code   string
	}{
		{ivanova, "", http.StatusForbidden, "forbidden"},
		{supervisor, "?format=pdf", http.StatusBadRequest, "bad_format"},
	} {
		status, _, body := get(tc.who, tc.query)
		if e := envelopeOf(t, status, body); status != tc.status || e.Code != tc.code {
			t.Errorf("%s %s: %d %+v, want %d %s", tc.who.role, tc.query, status, e, tc.status, tc.code)
		}
	}
	status, body := rg.do(supervisor, "GET", "/api/v1/campaigns/no-such/report", "", nil)
	if e := envelopeOf(t, status, body); status != http.StatusNotFound || e.Code != "not_found" {
		t.Errorf("unknown campaign: %d %+v", status, e)
	}
}
