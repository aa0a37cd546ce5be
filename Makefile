# The two commands of the README:
#   make demo   set up .venv, then run the main job on the embedded default (synthetic) data
#   make test   set up .venv, then test every notebook and check the package is in sync with them
# Other targets: make setup | make readme (README.md from nbs/index.ipynb, no Quarto needed) | make clean-demo
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: setup demo test readme clean-demo

# Reinstall when the dependencies or their pins change. The pins reproduce our results on Linux x86_64
# with CPython 3.11; elsewhere `pip install -e '.[dev]'` uses the broad ranges of pyproject.toml.
$(INSTALLED): pyproject.toml requirements/constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements/constraints.txt -e '.[dev]'
	touch $@

setup: $(INSTALLED)

demo: setup
	$(BIN)/python tools/demo.py

test: setup
	$(BIN)/python tools/run_tests.py

readme: setup
	$(BIN)/python tools/readme.py

clean-demo:
	rm -rf data/synthetic runs/demo
