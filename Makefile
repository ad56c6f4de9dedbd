# carecast — the two commands that matter: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HTMX_VERSION := 2.0.4
# axe-core runs inside chromium in the browser tests (accessibility); never served to users.
AXE_VERSION := 4.10.2
AXE := var/vendor/axe.min.js
VENDOR := carecast/web/static/vendor

.PHONY: demo test test-services bench lint lint-check typecheck migrations-check install vendor pds compiled-messages system-packages

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) vendor compiled-messages

# Translations are compiled at install time; only the .po sources are committed.
compiled-messages: $(STAMP)
	@if ls carecast/locale/*/LC_MESSAGES/django.po >/dev/null 2>&1; then cd carecast && ../$(BIN)/django-admin compilemessages --settings=carecast.settings -v 0; fi

# Front-end libraries come from the npm registry at build time; none is committed.
vendor: $(VENDOR)/htmx.min.js $(AXE)
$(VENDOR)/htmx.min.js:
	mkdir -p var/npm $(VENDOR)
	cd var/npm && npm pack --silent htmx.org@$(HTMX_VERSION) >/dev/null && tar -xzf htmx.org-$(HTMX_VERSION).tgz
	cp var/npm/package/dist/htmx.min.js $(VENDOR)/htmx.min.js
$(AXE):
	mkdir -p var/npm-axe var/vendor
	cd var/npm-axe && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && tar -xzf axe-core-$(AXE_VERSION).tgz
	cp var/npm-axe/package/axe.min.js $(AXE)

demo: install
	$(BIN)/carecast demo

# chromium, ffmpeg and gettext: installed when missing (as root), else the one command to run.
system-packages:
	@scripts/ensure-system-packages

test: system-packages install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The same suite on PostgreSQL + Redis (both run on these machines).
test-services: system-packages install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/carecast} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	$(BIN)/python -m pytest -m "not training" $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench

# mutmut over the modules "exactly once" rests on, each module's score (at most 15 minutes;
# equivalent survivors are explained in mutation/README.md).
.PHONY: mutation
mutation: install
	$(BIN)/python mutation/run.py

# Precision/recall of comment triage and draft checks on the project's own sets (eval/).
.PHONY: eval
eval: install
	$(BIN)/python -m eval.score

# Retrain the triage model from the labelled sets (eval/README.md); commit the JSON it writes.
.PHONY: train-triage
train-triage: install
	$(BIN)/python -m eval.train --report

lint: install
	$(BIN)/ruff check carecast tests bench eval
	$(BIN)/ruff format --check carecast tests bench

typecheck: $(STAMP)
	$(BIN)/mypy carecast/core carecast/networks carecast/publishing

migrations-check: $(STAMP)
	$(BIN)/python -m django makemigrations --check --dry-run --settings=carecast.settings

lint-check: $(STAMP)
	$(BIN)/ruff check carecast tests bench eval
	$(BIN)/ruff format --check carecast tests bench

pds:
	bash tests/pds/setup.sh
