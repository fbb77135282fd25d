#!/usr/bin/env bash
# Sets up CytoTriage on a broker that runs TLS, SASL (SCRAM-SHA-512) and StandardAuthorizer: the
# topics, a SCRAM principal per line owner of access.tsv, and exactly the ACLs access.tsv lists (a
# copy of the project's one table, identity/kafka/access.tsv). Run by the topics job of deploy/ and
# by docker-compose's kafka-setup, as the broker's super user; safe to run again after a change.
#
#   KAFKA_BOOTSTRAP_SERVERS       the broker's SASL_SSL listener
#   KAFKA_ADMIN_PASSWORD          the super user's SCRAM password (KAFKA_ADMIN_USER, admin unless set)
#   KAFKA_TRUSTSTORE              the broker's certificate authority (PEM)
#   KAFKA_PASSWORD_<PRINCIPAL>    each principal's SCRAM password (KAFKA_PASSWORD_INGEST_SERVICE, ...)
#   KAFKA_REPLICATION_FACTOR      3 unless set (1 for a single broker)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${KAFKA_BIN:-/opt/kafka/bin}"
table="${KAFKA_ACCESS_TABLE:-$here/access.tsv}"
admin_config="$(mktemp)"
cat > "$admin_config" <<PROPERTIES
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${KAFKA_ADMIN_USER:-admin}" password="${KAFKA_ADMIN_PASSWORD:?}";
ssl.truststore.type=PEM
ssl.truststore.location=${KAFKA_TRUSTSTORE:?}
PROPERTIES
admin=(--bootstrap-server "$KAFKA_BOOTSTRAP_SERVERS" --command-config "$admin_config")

# Partitions bound how far inference and explain scale out (one consumer per partition), so the
# image and prediction topics have 12.
for topic in fnab.images:12 fnab.predictions:12 fnab.explanations:6 fnab.diagnoses:3 fnab.models:1 fnab.retraining:1 fnab.model-changes:1 fnab.model-decisions:1 fnab.predictions.shadow:12 fnab.deadletter:3; do
  "$bin/kafka-topics.sh" "${admin[@]}" --create --if-not-exists --topic "${topic%%:*}" --partitions "${topic##*:}" \
    --replication-factor "${KAFKA_REPLICATION_FACTOR:-3}"
done

lines() { grep -v '^[[:space:]]*#' "$table" | awk 'NF'; }

for principal in $(lines | awk '{print $1}' | sort -u); do
  variable="KAFKA_PASSWORD_$(echo "$principal" | tr 'a-z-' 'A-Z_')"
  password="${!variable:?set $variable, the SCRAM password of $principal}"
  "$bin/kafka-configs.sh" "${admin[@]}" --alter --entity-type users --entity-name "$principal" \
    --add-config "SCRAM-SHA-512=[password=$password]"
done

lines | while read -r principal operation resource pattern name; do
  "$bin/kafka-acls.sh" "${admin[@]}" --add --allow-principal "User:$principal" --operation "$operation" \
    --"$resource" "$name" --resource-pattern-type "$pattern"
done
