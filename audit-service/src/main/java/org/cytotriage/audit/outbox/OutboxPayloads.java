package org.cytotriage.audit.outbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * An outbox row's payload: the event in Avro's single-object encoding, whose header carries the
 * writer schema's fingerprint, with that schema kept in {@code outbox_schemas}. A row written by
 * one release and relayed by the next is read with the schema it was written with, then resolved
 * to today's class, as a consumer resolves a record through the registry. The registry itself is
 * asked only when the relay publishes, so enqueueing needs nothing but the database.
 */
@ApplicationScoped
class OutboxPayloads {

    private final EntityManager entityManager;
    private final Map<Class<?>, BinaryMessageEncoder<SpecificRecord>> encoders = new ConcurrentHashMap<>();
    private final Map<Class<?>, BinaryMessageDecoder<SpecificRecord>> decoders = new ConcurrentHashMap<>();
    private final Map<Long, Schema> writerSchemas = new ConcurrentHashMap<>();

    OutboxPayloads(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** The event's bytes; its schema is recorded in the caller's transaction (once per schema, on conflict nothing). */
    byte[] encode(SpecificRecord event) {
        Schema schema = event.getSchema();
        entityManager.createNativeQuery("insert into outbox_schemas (fingerprint, schema) values (?1, ?2) on conflict do nothing")
                .setParameter(1, SchemaNormalization.parsingFingerprint64(schema)).setParameter(2, schema.toString())
                .executeUpdate();
        BinaryMessageEncoder<SpecificRecord> encoder = encoders.computeIfAbsent(event.getClass(),
                type -> new BinaryMessageEncoder<>(SpecificData.getForClass(type), schema));
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            encoder.encode(event, bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + schema.getFullName(), e);
        }
    }

    /** The event a row holds, as today's generated class of {@code eventType}; in a transaction (an older writer schema is read from the table). */
    SpecificRecord decode(String eventType, byte[] payload) {
        try {
            return decoders.computeIfAbsent(eventClass(eventType), this::decoder).decode(payload);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode an outbox payload of " + eventType, e);
        }
    }

    private BinaryMessageDecoder<SpecificRecord> decoder(Class<?> type) {
        SpecificData model = SpecificData.getForClass(type);
        return new BinaryMessageDecoder<>(model, model.getSchema(type), new WriterSchemas());
    }

    private static Class<?> eventClass(String eventType) {
        try {
            Class<?> type = Class.forName(eventType, true, OutboxPayloads.class.getClassLoader());
            if (!SpecificRecord.class.isAssignableFrom(type)) {
                throw new IllegalStateException(eventType + " is not an Avro event class");
            }
            return type;
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("no event class " + eventType + " in this release", e);
        }
    }

    /** Writer schemas other than today's, from outbox_schemas. */
    private final class WriterSchemas implements SchemaStore {
        @Override
        public Schema findByFingerprint(long fingerprint) {
            return writerSchemas.computeIfAbsent(fingerprint, f -> {
                @SuppressWarnings("unchecked")
                List<String> found = entityManager.createNativeQuery("select schema from outbox_schemas where fingerprint = ?1", String.class)
                        .setParameter(1, f).getResultList();
                return found.isEmpty() ? null : new Schema.Parser().parse(found.get(0));
            });
        }
    }
}
