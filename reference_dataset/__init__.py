"""The 2020-2023 reference dataset: a seeded region whose aggregates are the assessment's figures.

- `records`: what happened (frozen records, beneficiaries by their RAW identifier) and its
  wire form both ways;
- `targets`: what each year adds up to;
- `generator`: seed -> Dataset (pure);
- `oracle`: an independent count of the reference figures of a Dataset;
- `stream`: the same facts as an ordered stream of submissions with real life's mess;
- `export`: the JSON lines files and the figures table;
- `python -m reference_dataset --seed 2023 --out DIR` writes it all as JSON lines;
- `loader`: `python -m reference_dataset.loader --ingest URL --token T` feeds it to ingest
  and checks it.
"""
