-- Run once by the postgres image on an empty data volume, as POSTGRES_USER.
-- One database per service that keeps state; indicators keeps none (it rebuilds from Kafka).
CREATE DATABASE ingest;
CREATE DATABASE clauses;
