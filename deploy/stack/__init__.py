"""`make up`'s helpers: development secrets, waiting for the pipeline, the indicators table."""
