# Two commands do everything on a fresh machine (see README.md):
#   make lab   set up the virtual environment if needed, then open the notebooks in JupyterLab
#   make test  set up the virtual environment if needed, then run every test
VENV ?= .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# JupyterLab refuses to start as root unless told it may.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: setup lab test lint execute navigation

$(INSTALLED): requirements.txt pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -r requirements.txt -e .
	touch $(INSTALLED)

setup: $(INSTALLED)

lab: setup
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) notebooks/

lint: setup
	$(VENV)/bin/ruff check rnn_helpers tests notebooks scripts benchmarks

test: lint
	$(PYTHON) -m pytest

# For authors: re-run every notebook top to bottom in a fresh kernel and store the outputs.
execute: setup navigation
	$(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace notebooks/[0-9][0-9]-*.ipynb

navigation: setup
	$(PYTHON) scripts/update_navigation.py
