# Two commands do everything on a fresh machine (see README.md):
#   make lab   set up the virtual environment if needed, then open the notebooks in JupyterLab
#   make test  set up the virtual environment (and Chromium, where it can) if needed, then run every test
# and extras for the classroom (docs/teaching.md), all of which work without internet:
#   make app      serve the hidden-state explorer alone, as a web app (Voila)
#   make student     write the self-study edition to student/: stubs, outputs cleared, package and set-up, standalone
#   make assignment  write the graded edition, an nbgrader course, to build/course/ and release it there
#   make answer-key  write the answer key of every exercise to build/answer-key.md
#   make hub-image   write build/hub-image/, what a graded course's JupyterHub image is built from
#   make slides   one reveal.js deck per notebook in build/slides/
#   make site     the whole collection as a static website in build/site/_build/html/ (the teacher's)
#   make student-site  the students' website (no solutions) in build/student-site/_build/html/
#   make pdfs     a PDF of every deck and a one-page handout per lesson in build/print/
VENV ?= .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# The torch comparison tests need torch (CPU build, ~200 MB); TORCH=0 skips installing it and those
# tests skip themselves.
TORCH ?= 1
# Where `make lab` and `make app` listen (on 127.0.0.1 only): `make lab LAB_PORT=9999` to change.
LAB_PORT ?= 8888
APP_PORT ?= 8866
# JupyterLab refuses to start as root unless told it may.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# JupyterLab settings for this collection (binder/lab-settings/overrides.json): no "news" prompt, no
# update check, the same as on Binder.
LAB_SETTINGS := --LabApp.app_settings_dir=$(CURDIR)/binder/lab-settings
# reveal.js, require.js, jQuery and MathJax for the offline slides and site, from package-lock.json.
NODE_ASSETS := node_modules/.installed

.PHONY: setup setup-test lab app student assignment answer-key hub-image test test-other-cpus lint chromium execute navigation benchmark benchmark-lm \
	classroom-assets slides site student-site pdfs

# --no-compile: Python compiles each module the first time it is imported, instead of pip compiling every
# file of every package at install time, most of them never imported (torch alone: 19 s with, 8 s without).
PIP_INSTALL := $(PYTHON) -m pip install --quiet --no-compile

$(INSTALLED): requirements.txt pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PIP_INSTALL) -r requirements.txt -e .
	touch $(INSTALLED)

setup: $(INSTALLED)

$(VENV)/.installed-torch: requirements-bench.txt | $(INSTALLED)
	$(PIP_INSTALL) -r requirements-bench.txt
	touch $@

setup-test: setup $(if $(filter 1,$(TORCH)),$(VENV)/.installed-torch,)

# JupyterLab listens on localhost only and asks for its token (printed in the address), by default.
lab: setup
	$(VENV)/bin/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) $(ROOT_FLAG) $(LAB_SETTINGS) notebooks/

# Loopback only, behind a fresh token (printed in the address to open); kernel connection files go to the
# user's Jupyter runtime folder, not /tmp. The "offline" template (apps/share/voila/templates/) is Voila's
# lab template without the Font Awesome style sheets it would fetch from a CDN.
VOILA_OFFLINE := JUPYTER_PATH=$(CURDIR)/apps/share $(VENV)/bin/voila --template=offline
app: setup
	runtime="$$($(VENV)/bin/jupyter --runtime-dir)" && mkdir -p "$$runtime" && \
	$(VOILA_OFFLINE) --Voila.ip=127.0.0.1 --Voila.port=$(APP_PORT) --token --no-browser \
		--Voila.connection_dir_root="$$runtime" apps/explorer.ipynb

# notebooks/ is the teacher's edition; student/ is generated from it (never edit it by hand).
student: setup
	$(PYTHON) scripts/make_student_edition.py

# The graded edition: the course directory (scripts/make_assignment.py), then nbgrader's release of it in
# build/course/release/rnn/ (nbgrader runs alembic by name, so the venv's bin goes on PATH).
assignment: setup
	$(PYTHON) scripts/make_assignment.py
	cd build/course && PATH="$(abspath $(VENV))/bin:$$PATH" nbgrader generate_assignment rnn --force

answer-key: setup
	$(PYTHON) scripts/make_answer_key.py

# What a graded course's hub image is built from (repo2docker): no notebooks, no reference, no self-checks.
hub-image: setup
	$(PYTHON) scripts/make_hub_image.py

lint: setup-test
	$(VENV)/bin/ruff check conftest.py rnn_helpers tests notebooks scripts benchmarks apps

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

# npm installs the exact versions of package-lock.json into node_modules/ (npm comes with Node.js;
# installed with apt when we run as root and it is missing).
$(NODE_ASSETS): package.json package-lock.json
	@command -v npm >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

classroom-assets: $(NODE_ASSETS)

slides: setup classroom-assets
	$(PYTHON) scripts/build_slides.py
	@echo "Open the decks through a local server (no internet needed):"
	@echo "  $(PYTHON) -m http.server --bind 127.0.0.1 --directory build/slides 8000   then http://127.0.0.1:8000/"

site: setup classroom-assets
	$(PYTHON) scripts/build_site.py
	@echo "Open build/site/_build/html/index.html, or serve it: $(PYTHON) -m http.server --directory build/site/_build/html"

# The students' website: the student edition (no solutions, no model answers, no lesson plans).
student-site: setup classroom-assets
	$(PYTHON) scripts/build_site.py --edition student
	@echo "The site to hand out: build/student-site/_build/html/ (open index.html)"

# A PDF of every deck (one 1280x720 page per slide) and a one-page handout per lesson, in build/print/,
# printed by Chromium from the local decks (no internet).
pdfs: slides chromium
	$(PYTHON) scripts/print_decks.py

# The tests build the decks and the site themselves (tests/test_slides_and_site.py). They run in
# TEST_WORKERS processes at once (pytest-xdist), each test file or notebook in one of them, slowest first
# (conftest.py), with one BLAS thread each (OpenBLAS's default of a thread per core would put two busy
# threads per worker on two cores; the outputs nbval compares hold for any number of threads). Three
# workers on two cores: with two, half a core sat idle on average (907 s of CPU in 612 s: workers wait on
# browsers, servers and subprocesses), and a fresh clone's make test took 10 min 12 s with the Haswell
# kernel; with three, 9 min 45 s.
TEST_WORKERS ?= 3
PYTEST_PARALLEL := OPENBLAS_NUM_THREADS=1 $(PYTHON) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder \
	--durations=15
test: lint chromium classroom-assets
	$(PYTEST_PARALLEL)

# nbval again under two simulated other CPUs (part of `make test`; tests/other_cpus.py says how).
test-other-cpus: setup
	$(PYTEST_PARALLEL) tests/test_other_cpu_avx2.py tests/test_other_cpu_baseline.py

# For authors: re-run every notebook top to bottom in a fresh kernel and store the outputs.
execute: setup navigation
	$(PYTHON) scripts/execute_notebooks.py
	$(PYTHON) scripts/slide_metadata.py

# Navigation links and slide types (the slide rules look at outputs too, so execute reruns them).
navigation: setup
	$(PYTHON) scripts/update_navigation.py
	$(PYTHON) scripts/slide_metadata.py

# Time forward + backward against PyTorch autograd (prints the table of issue 4).
benchmark: setup $(VENV)/.installed-torch
	$(PYTHON) benchmarks/bptt_vs_torch.py

# Notebook 10's language models, ours against PyTorch, 60 s of training each on 2 BLAS threads (about 4
# minutes; not part of make test). Prints the two lines of issue 14; details and the load go to stderr.
benchmark-lm: setup $(VENV)/.installed-torch
	$(PYTHON) benchmarks/language_model.py --seconds 60 --threads 2
