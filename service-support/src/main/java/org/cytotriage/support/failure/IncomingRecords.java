package org.cytotriage.support.failure;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.cytotriage.events.FieldLimits;

import io.smallrye.reactive.messaging.kafka.DeserializationFailureHandler;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;

/**
 * The payload of a consumed record, or the reason it cannot be processed. Every consumer takes its
 * payloads through here, so each gets the same three checks before it touches a store: the record
 * could be read at all (the connector hands on a record whose bytes are not Avro, or name an
 * unknown or unresolvable schema, with a null value and the reason in its headers:
 * {@code fail-on-deserialization-failure=false}), it is the event the topic carries, and every
 * string fits its schema's bound ({@link FieldLimits}), so it fits the columns that keep it.
 */
public final class IncomingRecords {

    private IncomingRecords() {
    }

    public static <T extends IndexedRecord> T payload(ConsumerRecord<?, ?> record, Class<T> type) {
        return payload(record.topic(), record.headers(), record.value(), type);
    }

    public static <T extends IndexedRecord> T payload(KafkaRecord<?, ?> record, Class<T> type) {
        return payload(record.getTopic(), record.getHeaders(), record.getPayload(), type);
    }

    /** @throws UnprocessableRecordException when the record is unreadable, of another schema, or too long */
    public static <T extends IndexedRecord> T payload(String topic, Headers headers, Object value, Class<T> type) {
        if (value == null) {
            String reason = header(headers, DeserializationFailureHandler.DESERIALIZATION_FAILURE_REASON);
            if (reason == null) {
                throw new UnprocessableRecordException("the record on " + topic + " has no value");
            }
            String cause = header(headers, DeserializationFailureHandler.DESERIALIZATION_FAILURE_CAUSE);
            throw new UnprocessableRecordException("the record on " + topic + " cannot be read as " + type.getSimpleName()
                    + framing(headers) + ": " + reason + (cause == null || cause.equals(reason) ? "" : " (" + cause + ")"));
        }
        if (!type.isInstance(value)) {
            String schema = value instanceof IndexedRecord other ? other.getSchema().getFullName() : value.getClass().getName();
            throw new UnprocessableRecordException("the record on " + topic + " is a " + schema + ", not the "
                    + type.getSimpleName() + " this topic carries");
        }
        T payload = type.cast(value);
        List<String> tooLong = FieldLimits.violations(payload);
        if (!tooLong.isEmpty()) {
            throw new UnprocessableRecordException("the " + type.getSimpleName() + " on " + topic + " is out of bounds: "
                    + String.join("; ", tooLong));
        }
        return payload;
    }

    /**
     * What the bytes say of themselves, since the registry client's own messages rarely do: the
     * registry's framing is a zero byte, then the 4-byte id of the writer's schema.
     */
    private static String framing(Headers headers) {
        Header data = headers == null ? null : headers.lastHeader(DeserializationFailureHandler.DESERIALIZATION_FAILURE_DATA);
        if (data == null || data.value() == null) {
            return "";
        }
        byte[] bytes = data.value();
        if (bytes.length < 5 || bytes[0] != 0) {
            return " (" + bytes.length + " bytes without the schema registry's framing: not an Avro record of this system)";
        }
        return " (written with schema id " + ByteBuffer.wrap(bytes, 1, 4).getInt() + " of the registry)";
    }

    private static String header(Headers headers, String name) {
        Header header = headers == null ? null : headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
