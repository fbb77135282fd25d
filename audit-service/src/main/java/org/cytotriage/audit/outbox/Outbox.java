package org.cytotriage.audit.outbox;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.Transactional;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.cytotriage.events.FieldLimits;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;

/**
 * The transactional outbox: an event is written to the {@code outbox} table in the caller's
 * transaction, beside the fact it announces, and published to Kafka by the {@link OutboxRelay}
 * once that transaction has committed. Either both the fact and its event are on record or
 * neither is; the event's id is fixed when the fact is written, so a crash anywhere publishes that
 * same event again at worst (consumers skip an event id they have recorded), never a new one.
 * <p>
 * The table is Debezium's outbox (id = event id, aggregate type and id, topic, key, payload,
 * tracing context). Debezium would read it from PostgreSQL's write-ahead log through Kafka Connect;
 * no Kafka Connect runs here, so the relay is part of the service and reads the table itself.
 * <p>
 * Events go out through the Avro serde and the schema registry, as an emitter's would: same topics,
 * keys and schemas. Rows of one topic and key are published in the order they were written.
 */
@ApplicationScoped
public class Outbox {

    /** What an event is about, for whoever reads the table: "diagnosis" and the diagnosis' row id, say. */
    public record Aggregate(String type, String id) {
    }

    private static final String EVENT_ID = "eventId";
    private static final int MAX_KEY_LENGTH = 200;
    private static final Object WAKE_RELAY = new Object();

    private final EntityManager entityManager;
    private final TransactionSynchronizationRegistry transactions;
    private final OutboxPayloads payloads;
    private final OutboxRelay relay;

    Outbox(EntityManager entityManager, TransactionSynchronizationRegistry transactions, OutboxPayloads payloads, OutboxRelay relay) {
        this.entityManager = entityManager;
        this.transactions = transactions;
        this.payloads = payloads;
        this.relay = relay;
    }

    /**
     * Adds {@code event} to the caller's transaction, to be published on {@code topic} with
     * {@code key} once it commits; the aggregate is the event's kind and the key. Returns the event id.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public String enqueue(String topic, String key, SpecificRecord event) {
        return enqueue(new Aggregate(event.getSchema().getName(), key == null ? "" : key), topic, key, event);
    }

    /**
     * Adds {@code event}, about {@code aggregate}, to the caller's transaction (there must be one),
     * to be published on {@code topic} with {@code key} (null: no key) once it commits. The event
     * must carry its own {@code eventId}, which is the row's id: enqueueing one id twice fails the
     * transaction. An event over its schema's field limits is refused here, where the caller can
     * still say no, rather than becoming a record every consumer dead-letters. Returns the event id.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public String enqueue(Aggregate aggregate, String topic, String key, SpecificRecord event) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("an outbox event names its topic");
        }
        if (key != null && key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("an outbox key has at most " + MAX_KEY_LENGTH + " characters, not " + key.length());
        }
        Schema.Field idField = event.getSchema().getField(EVENT_ID);
        if (idField == null || !(event.get(idField.pos()) instanceof CharSequence id) || id.isEmpty()) {
            throw new IllegalArgumentException(event.getSchema().getFullName() + " has no eventId to publish it under");
        }
        List<String> violations = FieldLimits.violations(event);
        if (!violations.isEmpty()) {
            throw new IllegalArgumentException(event.getSchema().getName() + " " + id + " exceeds its schema: " + String.join("; ", violations));
        }
        String eventId = id.toString();
        entityManager.createNativeQuery("""
                insert into outbox (id, aggregate_type, aggregate_id, topic, message_key, event_type, payload, traceparent)
                values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)""")
                .setParameter(1, eventId).setParameter(2, aggregate.type()).setParameter(3, aggregate.id())
                .setParameter(4, topic).setParameter(5, key).setParameter(6, event.getSchema().getFullName())
                .setParameter(7, payloads.encode(event)).setParameter(8, traceparent())
                .executeUpdate();
        wakeRelayAfterCommit();
        return eventId;
    }

    /** Whether the event with this id waits in the outbox, not yet acknowledged by the broker. */
    @Transactional
    public boolean isPending(String eventId) {
        return !entityManager.createNativeQuery("select 1 from outbox where id = ?1 and sent_at is null", Integer.class)
                .setParameter(1, eventId).getResultList().isEmpty();
    }

    /** The relay publishes right after the commit, not at its next sweep; once per transaction, however many events. */
    private void wakeRelayAfterCommit() {
        if (transactions.getResource(WAKE_RELAY) != null) {
            return;
        }
        transactions.putResource(WAKE_RELAY, Boolean.TRUE);
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    relay.wake();
                }
            }
        });
    }

    /** The trace this transaction runs in (an API call's, say), carried to the published record's headers. */
    private static String traceparent() {
        Map<String, String> carrier = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(Context.current(), carrier, Map::put);
        return carrier.get("traceparent");
    }
}
