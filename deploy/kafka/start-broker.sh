#!/usr/bin/env bash
# docker-compose's broker (apache/kafka, KRaft, one node), locked down as the services expect it:
# clients over TLS with SCRAM-SHA-512, the controller listener on mutual TLS, StandardAuthorizer
# with the super user 'admin' (its SCRAM credentials set when the storage is first formatted; every
# other principal and its ACLs come from kafka-setup, deploy/kubernetes/base/kafka/setup.sh).
#
# /etc/kafka/tls holds ca.crt (PEM) and kafka.p12 (the broker's key and certificate for the host name
# kafka, signed by that CA; docs/runbook.md, "Kafka certificates"); KAFKA_KEYSTORE_PASSWORD opens it.
set -euo pipefail
: "${KAFKA_ADMIN_PASSWORD:?}" "${KAFKA_KEYSTORE_PASSWORD:?}" "${KAFKA_CLUSTER_ID:?}"
config=/tmp/server.properties
cat > "$config" <<PROPERTIES
process.roles=broker,controller
node.id=1
listeners=SASL_SSL://:9092,CONTROLLER://:9093
advertised.listeners=SASL_SSL://kafka:9092
controller.listener.names=CONTROLLER
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SSL
controller.quorum.bootstrap.servers=kafka:9093
inter.broker.listener.name=SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD}";
listener.name.controller.ssl.client.auth=required
ssl.keystore.type=PKCS12
ssl.keystore.location=/etc/kafka/tls/kafka.p12
ssl.keystore.password=${KAFKA_KEYSTORE_PASSWORD}
ssl.truststore.type=PEM
ssl.truststore.location=/etc/kafka/tls/ca.crt
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin;User:CN=kafka
log.dirs=/var/lib/kafka/data
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
num.partitions=4
auto.create.topics.enable=false
PROPERTIES
# The client settings of the super user: the health check and kafka-setup use them.
cat > /tmp/admin.properties <<PROPERTIES
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD}";
ssl.truststore.type=PEM
ssl.truststore.location=/etc/kafka/tls/ca.crt
PROPERTIES
/opt/kafka/bin/kafka-storage.sh format --ignore-formatted --standalone -t "$KAFKA_CLUSTER_ID" -c "$config" \
  --add-scram "SCRAM-SHA-512=[name=admin,password=${KAFKA_ADMIN_PASSWORD}]"
exec /opt/kafka/bin/kafka-server-start.sh "$config"
