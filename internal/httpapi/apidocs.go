package httpapi

import (
	"embed"
	"net/http"
)

// apiDocs is the reference page for the OpenAPI document: a small renderer
// served from the binary, so /api/docs works without internet and under
// the same Content-Security-Policy as the rest (no CDN).
//
//go:embed apidocs
var apiDocs embed.FS

func (s *Server) registerDocs() {
	page := func(name, ctype string) http.HandlerFunc {
		b, err := apiDocs.ReadFile("apidocs/" + name)
		if err != nil {
			panic(err) // embedded at build time
		}
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			w.Header().Set("Cache-Control", "no-cache")
			_, _ = w.Write(b)
		}
	}
	s.mux.Handle("GET /api/docs", page("index.html", "text/html; charset=utf-8"))
	s.mux.Handle("GET /api/docs/docs.js", page("docs.js", "text/javascript; charset=utf-8"))
	s.mux.Handle("GET /api/docs/docs.css", page("docs.css", "text/css; charset=utf-8"))
}
