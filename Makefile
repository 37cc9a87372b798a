# Two commands: `make demo` and `make test` (which also builds the docs). Both create .venv on first use.
# `make docs` builds the API reference and the Markdown pages alone (warnings are errors).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MPIEXEC := $(VENV)/bin/mpiexec
STAMP := $(VENV)/.installed
DEMO_OUT ?= out/demo
DOCS_OUT := docs/_build/html

.PHONY: demo test docs venv clean

# Find a Python >= 3.12: first on PATH, then under pyenv; say what was searched if none.
$(PY):
	@set -e; found=""; searched=""; \
	for c in python3.14 python3.13 python3.12 python3 python; do \
	  searched="$$searched PATH:$$c"; p=$$(command -v $$c 2>/dev/null || true); \
	  if [ -n "$$p" ] && "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then found=$$p; break; fi; \
	done; \
	if [ -z "$$found" ]; then \
	  for root in "$${PYENV_ROOT:-$$HOME/.pyenv}" /root/.pyenv /opt/pyenv; do \
	    for p in $$(ls -d $$root/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -V -r); do \
	      searched="$$searched $$p"; \
	      if "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then found=$$p; break 2; fi; \
	    done; \
	    searched="$$searched $$root/versions/3.1[2-9]*"; \
	  done; \
	fi; \
	if [ -z "$$found" ]; then echo "error: no Python >= 3.12 found; searched:$$searched" >&2; exit 1; fi; \
	echo "Creating $(VENV) with $$found"; "$$found" -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,docs]'
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	NUMBA_NUM_THREADS=1 $(MPIEXEC) -n 2 $(VENV)/bin/hydrobridge run demos/configs/permittivity.toml --out $(DEMO_OUT) --overwrite

test: $(STAMP)
	$(PY) -m pytest -q tests
	NUMBA_NUM_THREADS=1 $(MPIEXEC) -n 2 $(PY) -m pytest -q -m "mpi and not slow" -p no:cacheprovider tests
	@$(MAKE) --no-print-directory docs

# -E: read every page again, so that every warning is seen (and fails the build) on every run.
docs: $(STAMP)
	NUMBA_NUM_THREADS=1 $(VENV)/bin/sphinx-build -q -E -W --keep-going -b html docs $(DOCS_OUT)
	@echo "API reference: $(DOCS_OUT)/index.html"

clean:
	rm -rf $(VENV) out docs/_build
