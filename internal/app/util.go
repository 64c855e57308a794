package app

import (
	"io"
	"io/fs"
	"log/slog"

	"github.com/salescrm/crm/internal/logctx"
)

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

func logHandler(w io.Writer, level slog.Level) slog.Handler {
	return logctx.Handler{Handler: slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})}
}
