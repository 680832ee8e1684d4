"""Every benchmark of bench/ in sequence, then one Markdown report (default bench/REPORT.md).

Usage (from the repository root; `make bench` runs the full size):

    .venv/bin/python -m bench.report [--quick] [--output bench/REPORT.md]
        [--postgres postgresql+psycopg://insertion:insertion@127.0.0.1:5432/postgres]
        [--json PATH] [--kafka-port 0] [--rounds 1]
        [--clauses-events 100000] [--rebuild-events 1000000]

What runs: a broker of its own (deploy/kafka/kafka.sh on a free port, or --kafka-port;
stopped and its data deleted at the end) and fresh PostgreSQL databases created on the
server of --postgres (default DATABASE_URL) and dropped at the end. In order, on that broker:
the pipeline freshness (first, while the production topics are still empty), ingest
throughput, clauses throughput, the indicators' own rebuild and freshness, and the rebuild
of both services from N events. Each benchmark still prints its lines as it goes. A
benchmark that fails is reported as failed and the others still run (exit status 1).

The report gives the machine (cores, RAM, load average at start and end, versions, git
commit), each figure with the baseline measured in the same run and their ratio, the goals
of issues 3, 4 and 5 (met / not met, computed from the figures), and each benchmark's time.
--quick runs everything small (a smoke test: figures not comparable with the goals).
"""

import argparse
import asyncio
import dataclasses
import json
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import (
    clauses_throughput,
    indicators_freshness,
    ingest_throughput,
    machine,
    pipeline_freshness,
    rebuild,
)
from bench.figures import Figure, goals
from bench.pipeline_stack import own_broker
from bench.report_markdown import Machine, Section, render
from harness.databases import fresh_database
from harness.ports import free_port_pair
from harness.processes import REPO


@dataclass(frozen=True)
class Scale:
    """How big each benchmark runs."""

    pipeline: list[str]  # bench.pipeline_freshness options
    people: int  # ingest: hour-lines per month of a JSON/CSV report
    raw: int  # ingest: raw-topic messages
    clauses_events: int
    aggregates: int  # indicators: aggregate changes to rebuild from
    keys: int
    indicator_rate: int
    indicator_seconds: float
    rebuild_events: int


FULL = Scale([], 1000, 20_000, 100_000, 1_000_000, 200_000, 200, 30, 1_000_000)
QUICK = Scale(
    ["--rate", "20", "--seconds", "3", "--hop-seconds", "2"],
    20,
    2000,
    3000,
    5000,
    1000,
    50,
    3,
    3000,
)


def timed(title: str, parameters: str, measure: Callable[[], list[Figure]]) -> Section:
    """Run one benchmark; its figures and seconds, or its error (the others still run)."""
    print(f"\n== {title} ({parameters})", flush=True)
    started = time.perf_counter()
    try:
        figures, error = measure(), ""
    except Exception as failure:  # reported, and the exit status says so
        traceback.print_exc()
        figures, error = [], f"{type(failure).__name__}: {failure}"[:500]
    return Section(title, time.perf_counter() - started, parameters, figures, error)


@contextmanager
def databases(server: str, *stems: str) -> Iterator[list[str]]:
    """Fresh databases on the server, dropped at the end."""
    with ExitStack() as stack:
        yield [stack.enter_context(fresh_database(server, stem=stem)) for stem in stems]


def run_all(scale: Scale, kafka: str, server: str, rounds: int) -> list[Section]:
    """Every benchmark in sequence on the broker and the server."""
    os.environ["KAFKA_BOOTSTRAP_SERVERS"] = kafka  # the benchmarks' children inherit it
    sections = []
    work = Path(tempfile.mkdtemp(prefix="bench-report-"))
    try:
        args = pipeline_freshness.parse(scale.pipeline)
        with databases(server, "bench_fresh_ingest", "bench_fresh_clauses") as dbs:
            sections.append(
                timed(pipeline_freshness.SECTION,
                      f"{args.rate:g} reports/s for {args.seconds:g} s, batches of {args.batch}, "
                      "ingest and clauses on PostgreSQL",
                      lambda: pipeline_freshness.run_pipeline(args, kafka, (dbs[0], dbs[1]), work))
            )  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)
    with databases(server, "bench_ingest") as (ingest_db,):
        sections.append(
            timed(ingest_throughput.SECTION,
                  f"{scale.people} people x 32 months (JSON), x 12 (CSV), {scale.raw} raw messages",
                  lambda: asyncio.run(
                      ingest_throughput.run(kafka, ingest_db, scale.people, scale.raw)))
        )  # fmt: skip
    sections.append(
        timed(clauses_throughput.SECTION,
              f"about {scale.clauses_events} events, best of {rounds} round(s)",
              lambda: clauses_throughput.run(kafka, server, scale.clauses_events, rounds))
    )  # fmt: skip
    options = argparse.Namespace(
        messages=scale.aggregates,
        keys=scale.keys,
        rate=scale.indicator_rate,
        seconds=scale.indicator_seconds,
    )
    sections.append(
        timed(indicators_freshness.SECTION,
              f"{scale.aggregates} aggregate changes over {scale.keys} keys, then "
              f"{scale.indicator_rate} changes/s for {scale.indicator_seconds:g} s",
              lambda: asyncio.run(indicators_freshness.main(options)))
    )  # fmt: skip
    sections.append(
        timed(rebuild.SECTION, f"about {scale.rebuild_events} events",
              lambda: rebuild.run(kafka, server, scale.rebuild_events))
    )  # fmt: skip
    return sections


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="everything small: a smoke test")
    parser.add_argument("--output", type=Path, default=REPO / "bench" / "REPORT.md")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("DATABASE_URL", ""),
        help="a PostgreSQL URL on the server to use (default DATABASE_URL)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures and goals as JSON")
    parser.add_argument("--kafka-port", type=int, default=0, help="0: a free port")
    parser.add_argument("--clauses-events", type=int, help="override the clauses stream size")
    parser.add_argument("--rebuild-events", type=int, help="override the rebuild stream size")
    parser.add_argument("--rounds", type=int, default=1, help="clauses: best of N rounds")
    args = parser.parse_args(argv)
    if not args.postgres:
        parser.error("give --postgres or set DATABASE_URL")
    return args


def stop_cleanly(*_: object) -> None:
    """SIGTERM or SIGINT: unwind, so that the broker is stopped and the databases dropped."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    # also when started in the background, where a shell leaves SIGINT ignored
    signal.signal(signal.SIGINT, stop_cleanly)
    signal.signal(signal.SIGTERM, stop_cleanly)
    scale = QUICK if args.quick else FULL
    scale = dataclasses.replace(
        scale,
        clauses_events=args.clauses_events or scale.clauses_events,
        rebuild_events=args.rebuild_events or scale.rebuild_events,
    )
    started, load_start = datetime.now(UTC), machine.load()
    clock = time.perf_counter()
    with own_broker(args.kafka_port or free_port_pair()) as kafka:
        sections = run_all(scale, kafka, args.postgres, args.rounds)
    facts = Machine(
        cores=os.cpu_count() or 0,
        ram_gb=machine.ram_gb(),
        load_start=load_start,
        load_end=machine.load(),
        python=machine.python_version(),
        kafka=machine.kafka_version(),
        postgresql=machine.postgresql_version(args.postgres),
        commit=machine.git_commit(),
        started=started.strftime("%Y-%m-%d %H:%M:%S"),
        minutes=(time.perf_counter() - clock) / 60,
        quick=args.quick,
        command="python -m bench.report " + " ".join(argv if argv is not None else sys.argv[1:]),
    )
    figures = [figure for section in sections for figure in section.figures]
    verdicts = goals(figures)
    args.output.write_text(render(facts, sections, verdicts), encoding="utf-8")
    if args.json:
        document = {
            "machine": dataclasses.asdict(facts),
            "sections": [
                {"title": s.title, "seconds": s.seconds, "parameters": s.parameters,
                 "error": s.error, "figures": [f.as_dict() for f in s.figures]}
                for s in sections
            ],
            "goals": [dataclasses.asdict(goal) for goal in verdicts],
        }  # fmt: skip
        args.json.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\nreport written to {args.output}")
    return 1 if any(section.error for section in sections) else 0


if __name__ == "__main__":
    sys.exit(main())
