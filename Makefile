# The set-up commands of the README: `make run`, `make test` and `make test-fast`. All work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
WAREHOUSE_PATH ?= warehouse/warehouse.duckdb
DATA_DIR ?= data
export WAREHOUSE_PATH DATA_DIR
## Bytecode caches (and pytest's rewritten test modules) are written even where the environment asks Python not
## to (PYTHONDONTWRITEBYTECODE=1): without them every test process compiles every module again (1.5 s a worker).
export PYTHONDONTWRITEBYTECODE :=

.PHONY: run test test-fast install install-dev system-deps briefing-deps demo-warehouse bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Debian packages. Briefings need CJK fonts (charts, PDF; a 楷书 face for the （一） headings) and Pango
## (WeasyPrint's PDF); the tests read PDFs back with poppler (pdftotext, pdftoppm) and the end-to-end test
## needs a real Chromium. $(call apt,CHECK,PACKAGES) installs PACKAGES unless CHECK succeeds.
BRIEFING_PACKAGES := fonts-noto-cjk fonts-arphic-ukai fontconfig libpango-1.0-0 libpangoft2-1.0-0
TEST_PACKAGES := poppler-utils
have_briefing_deps := fc-list :lang=zh 2>/dev/null | grep -q . && fc-list 2>/dev/null | grep -q "AR PL UKai" && \
	ldconfig -p | grep -q libpangoft2-1.0
define apt
	@if ! { $(1); }; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
	  else echo "install $(2) (as root: make system-deps)"; exit 1; fi; fi
endef

briefing-deps:
	$(call apt,$(have_briefing_deps),$(BRIEFING_PACKAGES))

system-deps:
	$(call apt,$(have_briefing_deps) && command -v chromium >/dev/null && command -v pdftoppm >/dev/null,\
	  $(BRIEFING_PACKAGES) $(TEST_PACKAGES) chromium)

## The demo warehouse: synthetic extracts for 2021 to mid-2025 into $(DATA_DIR)/landing, then loaded. A warehouse
## already there is rebuilt if an earlier version of the program computed its marts.
demo-warehouse: install
	@if [ ! -f "$(WAREHOUSE_PATH)" ]; then \
	  $(BIN)/python -m pipelines demo && $(BIN)/python -m pipelines run || [ $$? = 1 ]; \
	else $(BIN)/python -m pipelines rebuild --if-outdated; fi

run: demo-warehouse
	-@$(MAKE) --no-print-directory briefing-deps   # the app runs without them; its briefings need them
	$(BIN)/streamlit run app.py --server.port 8501 --server.headless true

test: install-dev system-deps
	$(BIN)/python -m pytest -q

## The quick tier for the working loop: everything but the browser and national-scale tests, on two
## workers (pytest-xdist); a test file stays on one worker, so its module fixtures are built once. Its
## scratch files (a warehouse copy or two a test, some 4 GB a run) go to memory (/dev/shm) when it has 8 GB
## free: no disk flush at every commit of a test warehouse. Those of a passed test are removed after it. Its
## two workers keep both cores busy, so a load in a test builds its marts one at a time on one DuckDB thread
## (settings `mart_build_workers`, `load_threads`; a test that sets them still does): no threads fighting
## over the cores.
FAST_SCRATCH = /dev/shm/test-fast-$(shell printf '%s' "$(CURDIR)" | sha1sum | cut -c1-8)
FAST_ROOM = $(shell df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 && $$4 > 8000000 {print "yes"}')
test-fast: install-dev
	MART_BUILD_WORKERS=1 LOAD_THREADS=1 \
		$(BIN)/python -m pytest -q -m "not slow" -n 2 --dist loadfile -o tmp_path_retention_policy=failed \
		$(if $(FAST_ROOM),--basetemp=$(FAST_SCRATCH))

bench: install-dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache
