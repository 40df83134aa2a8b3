# Two commands do everything on a fresh machine (see README.md):
#   make lab   set up the virtual environment if needed, then open the notebooks in JupyterLab
#   make test  set up the virtual environment (and Chromium, where it can) if needed, then run every test
# and two more for the classroom:
#   make app      serve the hidden-state explorer alone, as a web app (Voila)
#   make student  write the student edition to student/: solutions replaced by stubs, outputs cleared
VENV ?= .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# The torch comparison tests need torch (CPU build, ~200 MB); TORCH=0 skips installing it and those
# tests skip themselves.
TORCH ?= 1
# JupyterLab refuses to start as root unless told it may.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: setup setup-test lab app student test lint chromium execute navigation benchmark

$(INSTALLED): requirements.txt pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -r requirements.txt -e .
	touch $(INSTALLED)

setup: $(INSTALLED)

$(VENV)/.installed-torch: requirements-bench.txt | $(INSTALLED)
	$(PYTHON) -m pip install --quiet -r requirements-bench.txt
	touch $@

setup-test: setup $(if $(filter 1,$(TORCH)),$(VENV)/.installed-torch,)

lab: setup
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) notebooks/

app: setup
	$(VENV)/bin/voila apps/explorer.ipynb

# notebooks/ is the teacher's edition; student/ is generated from it (never edit it by hand).
student: setup
	$(PYTHON) scripts/make_student_edition.py

lint: setup-test
	$(VENV)/bin/ruff check rnn_helpers tests notebooks scripts benchmarks apps

# The browser tests drive Debian's Chromium. Install it when we can (root with apt-get); otherwise
# say how, and those tests skip.
chromium:
	@if [ -x /usr/bin/chromium ]; then \
		:; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "No Chromium at /usr/bin/chromium: the browser tests will skip (sudo apt-get install chromium)"; \
	fi

test: lint chromium
	$(PYTHON) -m pytest

# For authors: re-run every notebook top to bottom in a fresh kernel and store the outputs.
execute: setup navigation
	$(PYTHON) scripts/execute_notebooks.py

navigation: setup
	$(PYTHON) scripts/update_navigation.py

# Time forward + backward against PyTorch autograd (prints the table of issue 4).
benchmark: setup $(VENV)/.installed-torch
	$(PYTHON) benchmarks/bptt_vs_torch.py
