"""The 2020-2023 reference dataset: a seeded region whose aggregates are the assessment's figures.

- `model`: what happened (frozen records, beneficiaries by their RAW identifier);
- `generate`: seed -> Dataset (pure);
- `figures`: an independent oracle that counts the reference figures from a Dataset;
- `mess`: the same facts as an ordered stream of submissions with real life's mess;
- `python -m deploy.dataset --seed 2023 --out DIR` writes it all as JSON lines;
- `python -m deploy.dataset.load --ingest URL --token T` feeds it to ingest and checks it.
"""
