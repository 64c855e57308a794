package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/logctx"
)

var statusOf = map[errs.Code]int{
	errs.Invalid:      http.StatusUnprocessableEntity,
	errs.Malformed:    http.StatusBadRequest,
	errs.NotFound:     http.StatusNotFound,
	errs.Conflict:     http.StatusConflict,
	errs.Unauthorized: http.StatusUnauthorized,
	errs.Forbidden:    http.StatusForbidden,
	errs.Throttled:    http.StatusTooManyRequests,
	errs.TooLarge:     http.StatusRequestEntityTooLarge,
	errs.Unavailable:  http.StatusServiceUnavailable,
	errs.Upstream:     http.StatusBadGateway,
}

// problem is the RFC 9457 body, with a Retry-After header for 429s.
type problem struct {
	huma.ErrorModel
	retryAfter string
}

// GetHeaders implements huma.HeadersError.
func (p *problem) GetHeaders() http.Header {
	if p.retryAfter == "" {
		return nil
	}
	return http.Header{"Retry-After": {p.retryAfter}}
}

// toProblem maps any error from a service to the HTTP error, in this one
// place. Domain errors keep their message; anything else is logged and
// answered with "internal error" and the request id.
func toProblem(ctx context.Context, log *slog.Logger, err error) error {
	var se huma.StatusError
	if errors.As(err, &se) {
		return err
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && ctx.Err() == nil && (pgErr.Code == "57014" || pgErr.Code == "25P03") {
		// The statement ran into statement_timeout (or the transaction into
		// idle_in_transaction_session_timeout): the database gave the
		// connection back rather than let one request hold it. The caller
		// may try again; it is not the caller's fault, nor a bug to hide.
		log.WarnContext(ctx, "statement time limit", "err", err)
		err = errs.Busy(5*time.Second, "the request took too long and was stopped; try again in a moment")
	}
	if errors.As(err, &pgErr) && strings.HasPrefix(pgErr.Code, "22") {
		// A data exception (a NUL byte, invalid UTF-8, a number out of range)
		// that validation did not catch is still the caller's bad input.
		log.WarnContext(ctx, "data exception from input", "err", err)
		return &problem{ErrorModel: huma.ErrorModel{Status: 422, Title: "Unprocessable Entity",
			Detail: "a value in the request is not valid text or is out of range"}}
	}
	var de *errs.Error
	if !errors.As(err, &de) {
		if errors.Is(err, context.Canceled) {
			return huma.NewError(499, "request canceled")
		}
		log.ErrorContext(ctx, "internal error", "err", err)
		id := ""
		if i := logctx.From(ctx); i != nil {
			id = i.RequestID
		}
		return &problem{ErrorModel: huma.ErrorModel{Status: 500, Title: "Internal Server Error",
			Detail: "internal error (request id " + id + ")", Instance: "urn:request:" + id}}
	}
	status := statusOf[de.Code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	p := &problem{ErrorModel: huma.ErrorModel{Status: status, Title: http.StatusText(status), Detail: de.Message}}
	for _, f := range de.Fields {
		p.Errors = append(p.Errors, &huma.ErrorDetail{Location: f.Field, Message: f.Message, Value: f.Value})
	}
	if de.RetryAfter > 0 {
		p.retryAfter = strconv.Itoa(int(de.RetryAfter.Seconds() + 0.999))
	}
	return p
}
