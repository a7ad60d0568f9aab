package api

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"os"
	"testing"

	"github.com/dozvon/dozvon/portfolio"
)

// TestPortfolioUploadIsImportJSONAndIdempotent: a CP1251 portfolio posted
// as text/csv answers 201 with exactly what `dozvon import --json` prints
// (its golden file), stores the debtors, and the same bytes again (here as
// a multipart file) answer 200 with the first report, importing nothing.
func TestPortfolioUploadIsImportJSONAndIdempotent(t *testing.T) {
	t.Parallel()
	rg := newRig(t)
	raw, err := os.ReadFile("../portfolio/testdata/messy_cp1251.csv")
	if err != nil {
		t.Fatal(err)
	}
	golden, err := os.ReadFile("../portfolio/testdata/messy_cp1251.json")
	if err != nil {
		t.Fatal(err)
	}
	res, err := portfolio.ReadFile("../portfolio/testdata/messy_cp1251.csv")
	if err != nil {
		t.Fatal(err)
	}
	var cli bytes.Buffer // what cmd_import's emit writes for --json
	if err := json.NewEncoder(&cli).Encode(res.Summary()); err != nil {
		t.Fatal(err)
	}
	status, body := rg.do(integration, "POST", "/api/v1/portfolios", "text/csv; charset=windows-1251", raw)
	if status != http.StatusCreated || !bytes.Equal(body, cli.Bytes()) || !bytes.Equal(bytes.TrimSpace(body), bytes.TrimSpace(golden)) {
		t.Fatalf("first upload: %d\n%s\nwant\n%s", status, body, cli.Bytes())
	}
	_, list := rg.do(admin, "GET", "/api/v1/debtors?limit=500", "", nil)
	var page struct{ Debtors []Debtor }
	if err := json.Unmarshal(list, &page); err != nil || len(page.Debtors) != 3+res.Summary().Debtors {
		t.Fatalf("after the upload %d debtors (%v), want %d", len(page.Debtors), err, 3+res.Summary().Debtors)
	}

	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, err := mw.CreateFormFile("file", "../../etc/portfolio.csv")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(raw)
	mw.Close()
	status, again := rg.do(supervisor, "POST", "/api/v1/portfolios", mw.FormDataContentType(), form.Bytes())
	if status != http.StatusOK || !bytes.Equal(again, body) {
		t.Fatalf("second upload: %d %s", status, again)
	}
}
