package org.cytotriage.infra;

/** The three servers a CytoTriage service needs, however they were started, and how to end them. */
record Servers(KafkaBroker kafka, SchemaRegistry registry, PostgresServer postgres, Runnable shutdown) {
}
