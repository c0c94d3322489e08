#!/bin/sh
# One-shot schema setup for Temporal's two PostgreSQL databases (temporalio/admin-tools image), run before the
# server starts. Both steps are idempotent: setup-schema skips a database that is already versioned and
# update-schema applies only the versions that are missing, which is also how a Temporal upgrade is migrated.
set -eu

for db in temporal temporal_visibility; do
  case "$db" in
    temporal) dir=/etc/temporal/schema/postgresql/v12/temporal/versioned ;;
    *) dir=/etc/temporal/schema/postgresql/v12/visibility/versioned ;;
  esac
  temporal-sql-tool --plugin postgres12 --ep postgres -p 5432 -u temporal --db "$db" setup-schema -v 0.0
  temporal-sql-tool --plugin postgres12 --ep postgres -p 5432 -u temporal --db "$db" update-schema -d "$dir"
done
echo "Temporal schema is up to date"
