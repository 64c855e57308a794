// Package web holds the built web app (web/dist), embedded in the binary.
// `make build` fills dist with `npm run build`; without it only the
// placeholder is embedded and the server says so.
package web

import "embed"

// Dist is the built web app.
//
//go:embed all:dist
var Dist embed.FS
