# The two commands of the README:
#   make demo   set up .venv, then run the main job on the embedded default (synthetic) data (minutes; make demo-full: every recipe)
#   make test   set up .venv, then test every notebook and check the package is in sync with them
# Other targets: make setup | make lab (JupyterLab on nbs/) | make readme (README.md from nbs/index.ipynb, no Quarto needed) | make clean-demo
#   make notebooks (execute the notebooks in place, with outputs) | make figures (copy make demo's figures and results table into the repo)
#   make docs (the docs site in _docs/ from the notebooks, no Quarto needed) | make docs-test (it, checked in Chromium)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: setup demo demo-full test notebooks figures lab readme clean-demo docs docs-test chromium

# Reinstall when the dependencies or their pins change. The pins reproduce our results on Linux x86_64
# with CPython 3.11; elsewhere `pip install -e '.[dev]'` uses the broad ranges of pyproject.toml.
$(INSTALLED): pyproject.toml requirements/constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements/constraints.txt -e '.[dev]'
	touch $@

setup: $(INSTALLED)

demo: setup
	$(BIN)/python tools/demo.py

# Every notebook of the pipeline and every recipe, the 5-fold ensemble included
demo-full: setup
	HPAIC_DEMO=full $(BIN)/python tools/demo.py

test: setup
	$(BIN)/python tools/run_tests.py

# The notebooks executed in place, committed with their outputs (slow cells keep theirs, or take make demo's)
notebooks: setup
	$(BIN)/python tools/notebooks.py
	$(BIN)/nbdev-clean

# The figures and results tables of the last make demo, copied into figures/ and the results report (nbs/explanations/06_results.ipynb)
figures: setup
	$(BIN)/python tools/figures.py

# JupyterLab on the notebooks, with this environment's Python as the kernel (LAB_ARGS: e.g. --no-browser --port 8890)
lab: setup
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name 'Python 3 (hpaic_nb)' > /dev/null
	cd nbs && ../$(BIN)/jupyter lab $(LAB_ARGS)

readme: setup
	$(BIN)/python tools/readme.py

docs: setup
	$(BIN)/python tools/docs.py

# The browser test runs Debian's Chromium: `make chromium` installs it (as root; CI does). Without it, `make test` skips that check.
CHROMIUM ?= /usr/bin/chromium
chromium:
	test -x $(CHROMIUM) || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

docs-test: docs chromium
	CHROMIUM=$(CHROMIUM) $(BIN)/python tools/docs_test.py

clean-demo:
	rm -rf data/synthetic runs/demo
