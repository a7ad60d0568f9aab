package api

import (
	_ "embed"
	"net/http"

	"github.com/dozvon/dozvon/auth"
)

// openAPI is the API's OpenAPI 3 document, written by hand beside the
// route table; TestOpenAPIMatchesRoutes keeps the two the same.
//
//go:embed openapi.json
var openAPI []byte

func serveOpenAPI(w http.ResponseWriter, _ *http.Request, _ auth.Principal) error {
	writeRaw(w, http.StatusOK, openAPI)
	return nil
}
