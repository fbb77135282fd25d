-- The transactional outbox (audit.outbox): every event audit produces is written here in the same
-- transaction as the fact it announces, and published by the relay once that transaction has
-- committed. The table follows Debezium's outbox pattern (id = event id, aggregate type and id,
-- topic, key, payload, tracing context); the relay is in audit-service itself, since no Kafka
-- Connect runs here to read the write-ahead log.
create table outbox (
    id              varchar(36) primary key,          -- the event's own eventId: fixed when the fact is written
    seq             bigint generated always as identity unique,
    aggregate_type  varchar(100) not null,            -- what the event is about: 'diagnosis', 'retraining-request', ...
    aggregate_id    varchar(200) not null,
    topic           varchar(249) not null,
    message_key     varchar(200),
    event_type      varchar(200) not null,            -- the Avro record's full name (the generated class)
    payload         bytea not null,                   -- Avro single-object encoding: its header names the writer schema
    traceparent     varchar(55),                      -- W3C trace context of the transaction that wrote it
    created_at      timestamptz not null default now(),
    available_at    timestamptz not null default now(), -- a failed publication is tried again from then on
    attempts        integer not null default 0,
    last_error      varchar(1000),
    sent_at         timestamptz                       -- set only after the broker acknowledged the event
);
-- What the relay reads: the pending rows in order, and per topic and key, whether an earlier one is still pending.
create index outbox_pending on outbox (seq) where sent_at is null;
create index outbox_pending_by_key on outbox (topic, message_key, seq) where sent_at is null;
create index outbox_sent on outbox (sent_at) where sent_at is not null;

-- The writer schemas of the payloads, by the fingerprint in their single-object header (CRC-64-AVRO
-- of the parsing canonical form): a relay of a later release still reads what an earlier one wrote.
create table outbox_schemas (
    fingerprint  bigint primary key,
    schema       text not null,
    recorded_at  timestamptz not null default now()
);

-- A retraining request's manifest travels by claim check: the file's image store key and sha256.
alter table retraining_requests add column manifest_key varchar(200);
alter table retraining_requests add column manifest_sha256 varchar(64);
