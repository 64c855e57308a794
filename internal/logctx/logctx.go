// Package logctx puts request facts (request id, company id, user id, route)
// on every log line written with a request's context.
package logctx

import (
	"context"
	"log/slog"
	"sync"
)

// Info is filled in as a request is handled: the request id by the first
// middleware, the company and user by authentication, the route by the router.
type Info struct {
	mu        sync.Mutex
	RequestID string
	CompanyID string
	UserID    string
	Route     string
}

// Set updates fields under the lock.
func (i *Info) Set(fn func(i *Info)) {
	i.mu.Lock()
	defer i.mu.Unlock()
	fn(i)
}

func (i *Info) attrs() []slog.Attr {
	i.mu.Lock()
	defer i.mu.Unlock()
	out := []slog.Attr{slog.String("request_id", i.RequestID)}
	if i.CompanyID != "" {
		out = append(out, slog.String("company_id", i.CompanyID))
	}
	if i.UserID != "" {
		out = append(out, slog.String("user_id", i.UserID))
	}
	return out
}

type key struct{}

// With returns ctx carrying info.
func With(ctx context.Context, info *Info) context.Context {
	return context.WithValue(ctx, key{}, info)
}

// From returns the request info, or nil outside a request.
func From(ctx context.Context) *Info {
	i, _ := ctx.Value(key{}).(*Info)
	return i
}

// Handler adds the request info of the record's context to each record.
type Handler struct{ slog.Handler }

// Handle implements slog.Handler.
func (h Handler) Handle(ctx context.Context, r slog.Record) error {
	if i := From(ctx); i != nil {
		r.AddAttrs(i.attrs()...)
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs implements slog.Handler.
func (h Handler) WithAttrs(as []slog.Attr) slog.Handler { return Handler{h.Handler.WithAttrs(as)} }

// WithGroup implements slog.Handler.
func (h Handler) WithGroup(name string) slog.Handler { return Handler{h.Handler.WithGroup(name)} }
