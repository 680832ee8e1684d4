.PHONY: up test lint schemas kafka-start kafka-stop

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
