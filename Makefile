# Two commands set everything up: `make up` starts Berth, `make test` passes the tests.
.PHONY: install build up test bench clean

install: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

build: install
	npx tsc -p tsconfig.build.json

up: build
	bash scripts/docker-setup.sh || echo "note: no Docker engine; Berth serves the API, but tasks cannot run" >&2
	./bin/berth up

test: build
	bash scripts/test-deps.sh
	bash scripts/docker-setup.sh || echo "note: no Docker engine here; the real-Docker tests are skipped" >&2
	npx tsc -p tsconfig.json
	bash scripts/test.sh

bench: build
	bash scripts/bench.sh

clean:
	rm -rf dist node_modules
