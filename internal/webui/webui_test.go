package webui

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"
)

func TestServesAppWithFallbackAndCaching(t *testing.T) {
	h, ok := Handler(fstest.MapFS{
		"index.html":        {Data: []byte("<html>app</html>")},
		"assets/app-123.js": {Data: []byte("js")},
		"favicon.svg":       {Data: []byte("<svg/>")},
	})
	if !ok {
		t.Fatal("no app")
	}
	cases := []struct {
		path, body, cache string
		status            int
	}{
		{"/", "<html>app</html>", "no-cache", 200},
		{"/contacts/123", "<html>app</html>", "no-cache", 200},
		{"/assets/app-123.js", "js", "public, max-age=31536000, immutable", 200},
		{"/assets/missing.js", "", "", 404},
		{"/api/nope", "", "", 404},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", c.path, nil))
		if rec.Code != c.status || (c.body != "" && rec.Body.String() != c.body) || rec.Header().Get("Cache-Control") != c.cache {
			t.Errorf("%s: %d %q cache %q", c.path, rec.Code, rec.Body.String(), rec.Header().Get("Cache-Control"))
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", rec.Code)
	}
}

func TestNoAppBuilt(t *testing.T) {
	if _, ok := Handler(fstest.MapFS{".gitkeep": {}}); ok {
		t.Fatal("an empty dist counted as an app")
	}
}
