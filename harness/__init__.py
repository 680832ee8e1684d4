"""What the tests and the benchmarks both need to run the project for real (never assertions).

- `processes`: where the repository is, Kafka's script, ingest served as a process on a
  free port, stopping a process started here;
- `ports`: free TCP ports (one, a pair, or outside the ephemeral range);
- `databases`: a fresh PostgreSQL database, dropped after;
- `broker`: producing events to a real Kafka, reading offsets and compacted topics;
- `large_streams`: large, realistic, reproducible event streams;
- `builders`: valid events, aggregates, submissions, CSV rows, DECP records and ingest's
  test tokens, a caller overriding only what it is about.
"""
