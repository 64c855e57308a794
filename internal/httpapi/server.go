// Package httpapi translates HTTP to service calls: the route table, the
// middleware, authentication, and the one mapping of errors to responses.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"path"
	"reflect"
	"sort"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/salescrm/crm/internal/activities"
	"github.com/salescrm/crm/internal/analytics"
	"github.com/salescrm/crm/internal/audit"
	"github.com/salescrm/crm/internal/auth"
	"github.com/salescrm/crm/internal/calls"
	"github.com/salescrm/crm/internal/contacts"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/deals"
	"github.com/salescrm/crm/internal/imports"
	"github.com/salescrm/crm/internal/pipelines"
	"github.com/salescrm/crm/internal/sms"
	"github.com/salescrm/crm/internal/storage"
	"github.com/salescrm/crm/internal/telephony"
	"github.com/salescrm/crm/internal/tenancy"
	"github.com/salescrm/crm/internal/trash"
)

// MaxBodyBytes bounds every request body; larger bodies get 413 before they
// are read whole.
const MaxBodyBytes = 1 << 20

// Deps are the services the API calls.
type Deps struct {
	Log           *slog.Logger
	DB            *db.DB
	Auditor       *tenancy.Auditor // nil when no platform database is configured
	Auth          *auth.Service
	Contacts      *contacts.Service
	Pipelines     *pipelines.Service
	Deals         *deals.Service
	Activities    *activities.Service
	Imports       *imports.Service
	Storage       *storage.Service
	Analytics     *analytics.Service
	Telephony     *telephony.Service
	SMS           *sms.Service
	Calls         *calls.Service
	Trash         *trash.Service
	Audit         *audit.Service
	SecureCookies bool
	Web           http.Handler // the embedded web app; nil serves a notice
	Registry      *prometheus.Registry
	Version       string
	// TrustedProxies are the peers whose X-Forwarded-For names the client.
	TrustedProxies []netip.Prefix
	// MetricsElsewhere: /metrics is served on CRM_METRICS_ADDR, not here.
	MetricsElsewhere bool
}

// Server is the HTTP API.
type Server struct {
	deps Deps
	api  huma.API
	mux  *http.ServeMux
	log  *slog.Logger
	// routes records each operation's access level, for the isolation matrix.
	routes []Route
	m      *metrics
}

// Access is who may call an operation.
type Access string

// Access levels.
const (
	Public   Access = "public"   // anyone
	Member   Access = "member"   // any member of the company
	Admin    Access = "admin"    // admins and owners
	Platform Access = "platform" // platform administrators
)

// Route describes a registered operation.
type Route struct {
	OperationID string
	Method      string
	Path        string
	Access      Access
	// Tenant marks operations that read or change one company's data; each
	// must be covered by the isolation matrix test.
	Tenant bool
}

// NewAPIConfig is the OpenAPI configuration shared by the server and `crm openapi`.
func NewAPIConfig(version string) huma.Config {
	cfg := huma.DefaultConfig("Sales CRM API", version)
	cfg.Components.Schemas = huma.NewMapRegistry("#/components/schemas/", schemaNamer)
	cfg.OpenAPIPath = "/api/openapi"
	cfg.DocsPath = "" // served from the binary by registerDocs, not from a CDN
	cfg.SchemasPath = "/api/schemas"
	cfg.CreateHooks = nil // no $schema links in bodies
	cfg.Info.Description = "The JSON API of Sales CRM. Browser sessions use the crm_session cookie; " +
		"integrations send Authorization: Bearer <API token>. Errors are RFC 9457 problem documents."
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"session": {Type: "apiKey", In: "cookie", Name: auth.SessionCookie},
		"bearer":  {Type: "http", Scheme: "bearer"},
	}
	return cfg
}

// genericNames are type names that several domain packages use; their
// schemas are prefixed with the domain (contacts.Input is ContactInput).
var genericNames = map[string]bool{"Input": true, "Patch": true, "Page": true, "MoveInput": true, "StageInput": true,
	"StagePatch": true, "TagCount": true, "Filter": true, "Preview": true, "PreviewRow": true, "Field": true, "Problem": true,
	"Settings": true, "SimulateInput": true, "Check": true, "Message": true, "Thread": true, "Consent": true, "SendInput": true,
	"ThreadPage": true, "MessagePage": true, "ConsentInput": true, "SettingsInput": true, "Item": true, "Restored": true, "Entry": true, "Usage": true}

var domainPrefix = map[string]string{"contacts": "Contact", "deals": "Deal", "pipelines": "Pipeline",
	"activities": "Activity", "imports": "Import", "analytics": "Analytics", "sms": "SMS", "calls": "Call", "telephony": "Twilio", "trash": "Trash", "audit": "Audit", "storage": "Storage"}

func schemaNamer(t reflect.Type, hint string) string {
	name := huma.DefaultSchemaNamer(t, hint)
	base := t
	for base.Kind() == reflect.Pointer || base.Kind() == reflect.Slice {
		base = base.Elem()
	}
	if genericNames[base.Name()] {
		if prefix := domainPrefix[path.Base(base.PkgPath())]; prefix != "" {
			return prefix + name
		}
	}
	return name
}

// New builds the handler with every route.
func New(d Deps) *Server {
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	s := &Server{deps: d, mux: http.NewServeMux(), log: d.Log, m: newMetrics(d.Registry)}
	s.api = humago.New(s.mux, NewAPIConfig(d.Version))
	s.api.UseMiddleware(s.authenticate)
	s.registerAuth()
	s.registerAccount()
	s.registerCompany()
	s.registerContacts()
	s.registerPipelines()
	s.registerDeals()
	s.registerActivities()
	s.registerImports()
	s.registerStorage()
	s.registerAnalytics()
	s.registerPhone()
	s.registerSMS()
	s.registerCalls()
	s.registerTrash()
	s.registerWebhooks()
	s.registerAdmin()
	s.registerOps()
	s.registerDocs()
	web := d.Web
	if web == nil {
		web = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(noWebPage))
		})
	}
	s.mux.Handle("/", web)
	sort.Slice(s.routes, func(i, j int) bool { return s.routes[i].Path+s.routes[i].Method < s.routes[j].Path+s.routes[j].Method })
	return s
}

// API exposes the huma API (for the OpenAPI document).
func (s *Server) API() huma.API { return s.api }

// Routes lists every registered operation.
func (s *Server) Routes() []Route { return s.routes }

// Handler returns the whole HTTP handler with its middleware.
func (s *Server) Handler() http.Handler {
	var h http.Handler = s.mux
	h = trimTrailingSlash(h)
	// Twilio's webhooks carry no cookie; their signature is their authentication.
	cop := http.NewCrossOriginProtection()
	cop.AddInsecureBypassPattern("POST /webhooks/")
	h = cop.Handler(h)
	h = secureHeaders(h)
	h = s.observe(h)
	// Outermost, so http.MaxBytesReader sees the server's own
	// ResponseWriter and closes the connection after an oversized body.
	h = limitBody(h)
	return h
}

// register adds an operation with its access level. The handler's errors go
// through toProblem, the one mapping of errors to HTTP.
func register[I, O any](s *Server, op huma.Operation, access Access, tenant bool, h func(context.Context, *I) (*O, error)) {
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata["access"] = access
	if op.MaxBodyBytes == 0 {
		op.MaxBodyBytes = MaxBodyBytes
	}
	if access != Public {
		op.Security = []map[string][]string{{"session": {}}, {"bearer": {}}}
		op.Errors = append(op.Errors, http.StatusUnauthorized)
	}
	if access == Admin || access == Platform {
		op.Errors = append(op.Errors, http.StatusForbidden)
	}
	if access == Admin {
		op.Description = strings.TrimSpace(op.Description + " Admins and owners only.")
	}
	s.routes = append(s.routes, Route{OperationID: op.OperationID, Method: op.Method, Path: op.Path, Access: access, Tenant: tenant})
	huma.Register(s.api, op, func(ctx context.Context, in *I) (*O, error) {
		out, err := h(ctx, in)
		if err != nil {
			return nil, toProblem(ctx, s.log, err)
		}
		return out, nil
	})
}

// principal returns the authenticated caller; the auth middleware guarantees
// one for every non-public operation.
func principal(ctx context.Context) *tenancy.Principal { return tenancy.FromContext(ctx) }

const noWebPage = `<!doctype html><meta charset="utf-8"><title>Sales CRM</title>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>Sales CRM</h1><p>This binary was built without the web app. Build it with <code>make build</code>
(which runs <code>npm run build</code> in <code>web/</code> before <code>go build</code>).</p>
<p>The API is served at <a href="/api/docs">/api/docs</a>.</p></body>`
