#!/bin/sh
# Runs once, when docker compose's PostgreSQL creates its database (docker-entrypoint-initdb.d): the
# role audit-service works as, which its migrations grant only reading and appending the audit record
# (audit-service V9__append_only.sql), and the schema Keycloak keeps its data in.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v service_password="$CYTOTRIAGE_DB_SERVICE_PASSWORD" <<'SQL'
create role cytotriage_service login password :'service_password';
create schema keycloak authorization current_user;
SQL
