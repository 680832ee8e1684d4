.PHONY: up test check lint schemas kafka-start kafka-stop bench

# Everything from nothing, then the whole stack with the demo dataset (Ctrl-C stops it).
up:
	bash deploy/up.sh

# Everything from nothing, then linters, type checks and every test tier.
test:
	bash deploy/test.sh $(ARGS)

# The fast loop, under 90 s on 2 cores, no server to install or start (after `uv sync`):
# linters, mypy (incremental: its cache makes a second run ~1 s), the import contracts, then
# the unit and component tiers on two workers with a tenth of each property's examples
# (--hypothesis-profile=fast, tests/hypothesis_profiles.py). `make test` (CI) runs them all.
# Bytecode is written even where PYTHONDONTWRITEBYTECODE is set: it saves seconds a run.
check: export PYTHONDONTWRITEBYTECODE :=
check: lint
	.venv/bin/lint-imports --no-logo
	.venv/bin/pytest -q -n 2 --hypothesis-profile=fast tests/unit tests/component

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy .

schemas:
	.venv/bin/python -m shared.schemas write

kafka-start:
	bash deploy/kafka/kafka.sh start

kafka-stop:
	bash deploy/kafka/kafka.sh stop

# Every benchmark of bench/ on a broker of its own, then bench/REPORT.md (see bench/README.md).
# DATABASE_URL: the PostgreSQL server to create the run's databases on (else deploy/postgres.sh).
# ARGS: options of bench.report, e.g. `make bench ARGS=--quick`.
bench:
	bash deploy/setup.sh
	if [ -z "$${DATABASE_URL:-}" ]; then bash deploy/postgres.sh start; \
	  DATABASE_URL="$$(bash deploy/postgres.sh url)"; export DATABASE_URL; fi; \
	.venv/bin/python -m bench.report $(ARGS)
