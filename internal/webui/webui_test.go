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

// Precompressed copies go to clients that accept them, with the original's
// type; everyone else (and q=0) gets the plain file.
func TestServesPrecompressedCopies(t *testing.T) {
	h, _ := Handler(fstest.MapFS{
		"index.html":            {Data: []byte("<html>app</html>")},
		"index.html.br":         {Data: []byte("BR-INDEX")},
		"assets/app-123.js":     {Data: []byte("plain js")},
		"assets/app-123.js.br":  {Data: []byte("BR")},
		"assets/app-123.js.gz":  {Data: []byte("GZ")},
		"assets/only-gz.css":    {Data: []byte("plain css")},
		"assets/only-gz.css.gz": {Data: []byte("GZ")},
	})
	cases := []struct {
		path, accept, body, encoding, ctype string
	}{
		{"/assets/app-123.js", "gzip, deflate, br", "BR", "br", "text/javascript; charset=utf-8"},
		{"/assets/app-123.js", "gzip", "GZ", "gzip", "text/javascript; charset=utf-8"},
		{"/assets/app-123.js", "br;q=0, gzip;q=0.5", "GZ", "gzip", "text/javascript; charset=utf-8"},
		{"/assets/app-123.js", "", "plain js", "", "text/javascript; charset=utf-8"},
		{"/assets/app-123.js", "identity", "plain js", "", "text/javascript; charset=utf-8"},
		{"/assets/only-gz.css", "br, gzip", "GZ", "gzip", "text/css; charset=utf-8"},
		{"/contacts/42", "br", "BR-INDEX", "br", "text/html; charset=utf-8"},
		{"/contacts/42", "gzip", "<html>app</html>", "", "text/html; charset=utf-8"},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", c.path, nil)
		if c.accept != "" {
			req.Header.Set("Accept-Encoding", c.accept)
		}
		h.ServeHTTP(rec, req)
		if rec.Code != 200 || rec.Body.String() != c.body || rec.Header().Get("Content-Encoding") != c.encoding ||
			rec.Header().Get("Content-Type") != c.ctype || rec.Header().Get("Vary") != "Accept-Encoding" {
			t.Errorf("%s (Accept-Encoding %q): %d %q encoding %q type %q vary %q", c.path, c.accept, rec.Code, rec.Body.String(),
				rec.Header().Get("Content-Encoding"), rec.Header().Get("Content-Type"), rec.Header().Get("Vary"))
		}
	}
	// The compressed copies are not pages of their own.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/assets/app-123.js.br", nil))
	if rec.Code != 404 {
		t.Errorf("direct .br: %d", rec.Code)
	}
}
