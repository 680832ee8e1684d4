.PHONY: up test lint schemas kafka-start kafka-stop bench

# Everything from nothing, then the whole stack with the demo dataset (Ctrl-C stops it).
up:
	bash deploy/up.sh

# Everything from nothing, then linters, type checks and every test tier.
test:
	bash deploy/test.sh $(ARGS)

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
