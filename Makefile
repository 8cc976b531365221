# The two commands a new user needs: `make demo` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NPM_STAMP := node_modules/.package-lock.json

.PHONY: help deps install build up down status services-up services-down demo demo-watch test test-unit test-e2e test-faults typecheck lint format bench soak clean rules-test

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

deps: ## Install the apt packages the local stack needs (only those missing)
	@bash infra/scripts/install-deps.sh

# npm ci, exactly as locked. Where the registry cannot serve other platforms' optional packages
# (rollup's native builds), npm 11 writes a lock that its own `npm ci` rejects (npm/cli#9846);
# then `npm install --no-save` installs the same locked versions without rewriting the lock.
$(NPM_STAMP): package.json package-lock.json services/*/package.json
	npm ci --no-audit --no-fund || npm install --no-save --no-audit --no-fund
	@touch $(NPM_STAMP)

install: deps $(NPM_STAMP) ## apt packages and npm dependencies

build: install ## Compile every service (tsc -b) and the mock broker launcher
	npm run -s build
	@bash infra/broker/build.sh

up: build ## Start the local stack: broker, schema registry, ClickHouse (+migrations), Prometheus
	@bash infra/scripts/up.sh

down: ## Stop everything started by up, services-up or demo
	@bash infra/scripts/down.sh

status: ## What is running
	@bash infra/scripts/status.sh

services-up: up ## Start detector and alert-sink in the background
	@bash infra/scripts/services.sh start detector alert-sink

services-down: ## Stop the pipeline's services
	@bash infra/scripts/services.sh stop soc generator blocker detector alert-sink

demo: up ## Everything, plus a generator with an iSpoof-style campaign and a live alert tally
	@bash infra/scripts/demo.sh

test: build typecheck lint rules-test ## Type check, alerting checks, unit tests, then integration and end-to-end tests on the real local stack
	@bash infra/scripts/up.sh
	npx vitest run --project unit --project e2e

lint: install ## Lint (typescript-eslint): no floating or misused promises, no import cycles; and the format (@stylistic)
	npm run -s lint

format: install ## Rewrite what the format rules can fix (eslint --fix); long lines are left to you
	npm run -s format

typecheck: install ## Type-check everything, tests included (the build compiles only the services)
	npx tsc --noEmit -p tsconfig.json

test-unit: install ## Fast unit tests only (no services)
	npx vitest run --project unit

test-e2e: build ## End-to-end and integration tests only
	@bash infra/scripts/up.sh
	npx vitest run --project e2e

bench: up ## Benchmarks on the local stack (not part of test; about 6 min): prints a table, writes BENCHMARKS.md
	node --import ./bench/ts-hooks.mjs bench/run.ts

test-faults: build ## Fault tests on the local stack (CI runs them too): detector crash and SIGTERM, broker faults, registry outage, bad input, keyed scale-out, a service up but not ready (about 5 min)
	@bash infra/scripts/up.sh
	npx vitest run --project faults

soak: build ## Bounded soak: SOAK_SECONDS (180) of traffic while detector and alert-sink are killed and restarted; prints what was lost
	@bash infra/scripts/up.sh
	npx vite-node --config vitest.config.ts test/soak/soak.ts

rules-test: ## Alerting checks: promtool check config and unit tests of every rule, amtool check-config and routing
	promtool check config infra/prometheus/prometheus.yml
	promtool test rules infra/prometheus/rules/*.test.yml
	@bash infra/alertmanager/check.sh

clean: down ## Stop everything and delete build output and local data
	rm -rf .data services/*/dist
