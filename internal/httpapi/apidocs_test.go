package httpapi_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/salescrm/crm/internal/apitest"
)

// /api/docs is served from the binary: no third-party host in the page, its
// scripts or its Content-Security-Policy, so it works without internet.
func TestAPIDocsNeedNoInternet(t *testing.T) {
	env := apitest.New(t)
	anon := env.Anonymous()
	page := anon.Do("GET", "/api/docs", nil).Want(200)
	csp := page.Header.Get("Content-Security-Policy")
	if !strings.HasPrefix(page.Header.Get("Content-Type"), "text/html") || strings.Contains(csp, "http") || !strings.Contains(csp, "default-src 'self'") {
		t.Fatalf("docs page: %s, CSP %q", page.Header.Get("Content-Type"), csp)
	}
	external := regexp.MustCompile(`(src|href)="(https?:)?//`)
	for _, path := range []string{"/api/docs", "/api/docs/docs.js", "/api/docs/docs.css"} {
		body := string(anon.Do("GET", path, nil).Want(200).Body)
		if external.MatchString(body) || strings.Contains(body, "unpkg") || strings.Contains(body, "cdn") {
			t.Errorf("%s loads something from another host", path)
		}
	}
	if !strings.Contains(string(anon.Do("GET", "/api/docs/docs.js", nil).Body), "/api/openapi.json") {
		t.Error("the docs script does not read the OpenAPI document")
	}
}
