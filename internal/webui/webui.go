// Package webui serves the embedded web app: hashed assets with a long cache,
// index.html (never cached) for every client route, and the precompressed
// copies the build makes (file.br, file.gz) to clients that accept them.
package webui

import (
	"bytes"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// Handler serves dist; ok is false when dist holds no built app.
func Handler(dist fs.FS) (h http.Handler, ok bool) {
	if _, err := fs.Stat(dist, "index.html"); err != nil {
		return nil, false
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		p := strings.TrimPrefix(r.URL.Path, "/")
		if strings.HasPrefix(p, "api/") {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"status":404,"title":"Not Found","detail":"no such API route"}`))
			return
		}
		if p != "" && p != "index.html" {
			// The compressed copies are not files of their own.
			copyOnly := strings.HasSuffix(p, ".br") || strings.HasSuffix(p, ".gz")
			if st, err := fs.Stat(dist, p); err == nil && !st.IsDir() && !copyOnly {
				if strings.HasPrefix(p, "assets/") {
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				} else {
					w.Header().Set("Cache-Control", "public, max-age=3600")
				}
				serve(w, r, dist, p)
				return
			}
			if strings.HasPrefix(p, "assets/") {
				http.NotFound(w, r)
				return
			}
		}
		w.Header().Set("Cache-Control", "no-cache")
		serve(w, r, dist, "index.html")
	}), true
}

// serve writes name, or its .br or .gz copy when the client accepts that
// encoding, with the original's content type.
func serve(w http.ResponseWriter, r *http.Request, dist fs.FS, name string) {
	h := w.Header()
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	h.Set("Content-Type", ctype)
	h.Add("Vary", "Accept-Encoding")
	file := name
	for _, enc := range []struct{ token, suffix string }{{"br", ".br"}, {"gzip", ".gz"}} {
		if !accepts(r.Header.Get("Accept-Encoding"), enc.token) {
			continue
		}
		if _, err := fs.Stat(dist, name+enc.suffix); err == nil {
			file = name + enc.suffix
			h.Set("Content-Encoding", enc.token)
			break
		}
	}
	b, err := fs.ReadFile(dist, file)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(b)))
	// Embedded files have no modification time; ServeContent adds ranges
	// and conditional requests without one.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
}

// accepts reports whether an Accept-Encoding value allows token (q > 0).
func accepts(header, token string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), token) {
			continue
		}
		params = strings.ReplaceAll(params, " ", "")
		if q, ok := strings.CutPrefix(params, "q="); ok {
			v, err := strconv.ParseFloat(q, 64)
			return err == nil && v > 0
		}
		return true
	}
	return false
}
