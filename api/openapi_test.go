package api

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"
)

// TestOpenAPIMatchesRoutes: every route of the table is an operation of
// the OpenAPI document and every operation a route; the document served is
// the embedded one and is OpenAPI 3.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	var inDoc, inTable []string
	for path, ops := range doc.Paths {
		for method := range ops {
			inDoc = append(inDoc, strings.ToUpper(method)+" "+path)
		}
	}
	for _, rt := range (&Server{}).routes() {
		inTable = append(inTable, rt.pattern)
	}
	sort.Strings(inDoc)
	sort.Strings(inTable)
	if strings.Join(inDoc, "\n") != strings.Join(inTable, "\n") {
		t.Fatalf("the document's operations:\n%s\nthe routes:\n%s", strings.Join(inDoc, "\n"), strings.Join(inTable, "\n"))
	}
	rg := newRig(t)
	if status, body := rg.do(nobody, "GET", "/api/v1/openapi.json", "", nil); status != http.StatusOK || string(body) != string(openAPI) {
		t.Fatalf("served: %d", status)
	}
}
