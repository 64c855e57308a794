# The two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
GO ?= go
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/salescrm/crm/internal/app.Version=$(VERSION)
# web/node_modules may hold Go files of npm packages; they are not ours.
GO_PKGS = ./cmd/... ./internal/... ./web

.PHONY: dist-placeholder preflight run build build-go web web-deps system-deps test test-go test-web test-e2e lint generate check-generated clean

## run: build everything, start PostgreSQL (private cluster under ./data/pg) and serve on :8080
run: system-deps preflight build
	./bin/crm serve

# What could fail is checked before the minutes of building.
preflight:
	@scripts/preflight.sh

## build: the web app, then the binary with it embedded
build: web build-go

build-go: dist-placeholder
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/crm ./cmd/crm

system-deps:
	@scripts/ensure-system-deps.sh

web-deps:
	@cd web && if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then npm ci --no-audit --no-fund; fi

web: web-deps
	cd web && npm run build
	@touch web/dist/.gitkeep

## test: every test — Go (with a real PostgreSQL), web units, and the browser tests
test: system-deps lint test-go test-web test-e2e
	@echo "make test: all passed"

# The binary embeds web/dist; a placeholder keeps Go builds working before
# the web app is built (the server then says it was built without it).
dist-placeholder:
	@mkdir -p web/dist && touch web/dist/.gitkeep

lint: dist-placeholder
	@unformatted=$$(gofmt -l cmd internal web/embed.go); if [[ -n "$$unformatted" ]]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet $(GO_PKGS)
	$(GO) run $(STATICCHECK) $(GO_PKGS)

test-go: dist-placeholder
	$(GO) test -count=1 $(GO_PKGS)

test-web: web-deps
	cd web && npm run typecheck && npm run lint && npm run format:check && npm test

test-e2e: build
	@scripts/ensure-system-deps.sh --browser
	cd web && npm run e2e

## generate: sqlc code, the OpenAPI document and the typed web client
generate:
	sqlc generate
	$(GO) run ./cmd/crm openapi > web/openapi.json
	cd web && npm run gen:api

clean:
	rm -rf bin web/dist/assets web/dist/index.html
