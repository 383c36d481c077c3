# Two commands for a fresh machine with Python 3.11+:  make demo  |  make test
# Both install exactly the versions in uv.lock (uv, pinned below, is fetched into .tools/ first).
# Refresh the lock after changing dependencies in pyproject.toml:  make lock
PYTHON     ?= python3
UV_VERSION := 0.13.9
VENV       := .venv
BIN        := $(VENV)/bin
UV         := .tools/bin/uv
STAMP      := $(VENV)/.kbworkbook-installed
# never download a Python interpreter; use the one that runs make
export UV_PYTHON_DOWNLOADS := never
# compile the installed packages' bytecode once at install: every report kernel imports pandas,
# matplotlib and scipy, and without .pyc files (read-only site-packages, PYTHONDONTWRITEBYTECODE)
# each kernel compiles them from source again (about 2 s per chapter)
export UV_COMPILE_BYTECODE := 1

.PHONY: demo test lint bench lock clean

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "kbworkbook braucht Python 3.11 oder neuer (gefunden: %s)" % sys.version.split()[0])'
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --target .tools uv==$(UV_VERSION)

$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --extra test --python $(PYTHON)
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/kbworkbook demo --out build/demo

test: $(STAMP)
	@sh scripts/ensure-test-tools
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

lint: $(STAMP)
	$(BIN)/ruff check kbworkbook tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(UV) sync --locked --extra test --extra bench --python $(PYTHON)
	$(BIN)/python bench/run_all.py

lock: | $(UV)
	$(UV) lock --upgrade

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
