package org.cytotriage.support.deadletter;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.cytotriage.events.FieldLimits;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.DeadLetter;
import org.cytotriage.support.failure.UnprocessableRecordException;
import org.cytotriage.support.pseudonym.CasePseudonyms;
import org.cytotriage.support.tracing.KafkaTracing;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * The one place a dead letter is built and published: a record a service cannot process goes to
 * the dead-letter topic with where it was (topic, partition, offset, key), the ids it carries and
 * the reason. Publishing waits for the broker's acknowledgement, retrying while the broker is away,
 * so the caller may then commit past the poison record: it has left the stream, not been lost.
 */
@ApplicationScoped
public class DeadLetterPublisher {

    private static final Logger LOG = Logger.getLogger(DeadLetterPublisher.class);
    private static final Schema SCHEMA = DeadLetter.getClassSchema();
    private static final int CAUSES_NAMED = 3;

    private final MutinyEmitter<DeadLetter> emitter;
    private final String service;
    private final MeterRegistry registry;
    private final CasePseudonyms pseudonyms;
    private final KafkaTracing tracing;

    DeadLetterPublisher(@Channel(Topics.DEAD_LETTER) MutinyEmitter<DeadLetter> emitter,
            @ConfigProperty(name = "quarkus.application.name") String service, MeterRegistry registry, CasePseudonyms pseudonyms,
            KafkaTracing tracing) {
        this.emitter = emitter;
        this.pseudonyms = pseudonyms;
        this.tracing = tracing;
        this.service = service;
        this.registry = registry;
    }

    /** A record as consumed: where it was and what it held (null when it could not be read). */
    public record Origin(String topic, Integer partition, Long offset, Object key, Object payload) {

        /** Where this record was; its offset comes from the connector's metadata, which every incoming record carries. */
        public static Origin of(KafkaRecord<?, ?> record) {
            Long offset = record.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getOffset).orElse(null);
            return new Origin(record.getTopic(), record.getPartition(), offset, record.getKey(), record.getPayload());
        }
    }

    /** The dead letter of the record at {@code origin}, for {@code reason}; {@code error} may be null. */
    public DeadLetter about(Origin origin, String reason, Throwable error) {
        DeadLetter.Builder letter = DeadLetter.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(Instant.now())
                .setService(service)
                .setSourceTopic(origin.topic())
                .setSourcePartition(origin.partition())
                .setSourceOffset(origin.offset())
                .setSourceKey(origin.key() == null ? null : cut(String.valueOf(origin.key()), "sourceKey"))
                .setReason(cut(reason, "reason"))
                .setErrorClass(error == null ? null : cut(interesting(error).getClass().getName(), "errorClass"));
        if (origin.payload() instanceof IndexedRecord payload) {
            letter.setSourceEventId(idOf(payload, "eventId", "sourceEventId"))
                    .setImageId(idOf(payload, "imageId", "imageId"))
                    .setCaseId(idOf(payload, "caseId", "caseId"))
                    .setHospitalId(idOf(payload, "hospitalId", "hospitalId"));
        }
        return letter.build();
    }

    /** The dead letter of the record at {@code origin}, its reason told by the exception that stopped it. */
    public DeadLetter about(Origin origin, Throwable error) {
        return about(origin, describe(error), error);
    }

    /** Publishes and waits for the broker's acknowledgement. */
    public void publish(DeadLetter letter) {
        send(letter).await().indefinitely();
    }

    /**
     * Publishes once subscribed, retrying with backoff until the broker has it: while the broker is
     * away nothing else moves either, and giving up would lose the record.
     */
    public Uni<Void> send(DeadLetter letter) {
        // Built and logged now, in the caller's trace and logging context; sent (and sent again) on subscription.
        Message<DeadLetter> message = tracing.messageOfCase(letter.getCaseId(), letter);
        LOG.warnf("dead letter from %s %s-%s@%s (image %s, case %s): %s", letter.getService(), letter.getSourceTopic(),
                letter.getSourcePartition(), letter.getSourceOffset(), letter.getImageId(), pseudonyms.of(letter.getCaseId()), letter.getReason());
        return Uni.createFrom().deferred(() -> emitter.sendMessage(message))
                .onFailure().invoke(e -> LOG.warnf("dead letter %s not yet published, retrying: %s", letter.getEventId(), e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).indefinitely()
                // Counted once the broker has it: the alert on this counter means a record really left the stream.
                .invoke(() -> registry.counter("cytotriage.dead.letters", "service", service, "source_topic", letter.getSourceTopic())
                        .increment());
    }

    /** The exception's own words and those of its causes, without the wrappers that only carry them. */
    public static String describe(Throwable error) {
        Throwable shown = unwrap(error);
        if (shown instanceof UnprocessableRecordException) {
            return shown.getMessage();
        }
        StringBuilder reason = new StringBuilder(named(shown));
        Throwable cause = shown.getCause();
        for (int i = 0; i < CAUSES_NAMED && cause != null; i++, cause = cause.getCause()) {
            reason.append("; caused by ").append(named(cause));
        }
        return reason.toString();
    }

    private static String named(Throwable error) {
        return error.getMessage() == null ? error.getClass().getSimpleName() : error.getClass().getSimpleName() + ": " + error.getMessage();
    }

    private static Throwable unwrap(Throwable error) {
        Throwable shown = error;
        while ((shown instanceof CompletionException || shown instanceof ExecutionException) && shown.getCause() != null) {
            shown = shown.getCause();
        }
        return shown;
    }

    /** The class that says most: what an unprocessable record's check caught, else the failure itself. */
    private static Throwable interesting(Throwable error) {
        Throwable shown = unwrap(error);
        return shown instanceof UnprocessableRecordException && shown.getCause() != null ? shown.getCause() : shown;
    }

    /** An id the record carries, or null when it has none or one too long to be an id at all. */
    private static String idOf(IndexedRecord payload, String field, String letterField) {
        Schema.Field found = payload.getSchema().getField(field);
        if (found == null || !(payload.get(found.pos()) instanceof CharSequence id)) {
            return null;
        }
        OptionalInt limit = FieldLimits.maxLength(SCHEMA, letterField);
        return limit.isPresent() && id.length() > limit.getAsInt() ? null : id.toString();
    }

    /** Free text cut to what the dead letter's schema allows, so a long reason never makes a second poison record. */
    private static String cut(String text, String field) {
        int limit = FieldLimits.maxLength(SCHEMA, field).orElseThrow();
        return text.length() <= limit ? text : text.substring(0, limit - 1) + "…";
    }
}
