#!/bin/sh
# Runs once, when the postgres volume is first initialised (docker-entrypoint-initdb.d). Strata and Temporal
# share the server but get their own roles and databases, so neither can read or break the other's data.
# Temporal's databases are created here rather than by temporal-sql-tool so that its role needs no CREATEDB
# and the schema step stays safe to re-run on every `docker compose up`.
set -eu

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v strata_password="$STRATA_DB_PASSWORD" \
  -v temporal_password="$TEMPORAL_DB_PASSWORD" <<'SQL'
CREATE ROLE strata LOGIN PASSWORD :'strata_password';
CREATE DATABASE strata OWNER strata;

CREATE ROLE temporal LOGIN PASSWORD :'temporal_password';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;
SQL
