package org.cytotriage.support.tracing;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.cytotriage.support.pseudonym.CasePseudonyms;
import org.jboss.logging.MDC;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * One trace per image from upload to audit: each service continues the W3C trace context
 * ({@code traceparent}) of the record it consumes and writes it on the records it publishes. Done
 * here, per record, rather than by the connector, because inference consumes in batches, where the
 * connector cannot know which incoming record an outgoing one belongs to.
 */
@ApplicationScoped
public class KafkaTracing {

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            return () -> java.util.Arrays.stream(headers.toArray()).map(Header::key).iterator();
        }

        @Override
        public String get(Headers headers, String key) {
            Header header = headers == null ? null : headers.lastHeader(key);
            return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

    private final Tracer tracer;
    private final CasePseudonyms pseudonyms;

    KafkaTracing(OpenTelemetry openTelemetry, CasePseudonyms pseudonyms) {
        this.tracer = openTelemetry.getTracer("org.cytotriage");
        this.pseudonyms = pseudonyms;
    }

    /**
     * Starts the span of one record's processing as a child of the trace in its headers, makes it
     * current, and puts the trace id, the case's pseudonym (never the case id) and the image id in
     * the logging context; close the returned scope.
     */
    public Processing process(String name, Headers headers, String caseId, String imageId) {
        String casePseudonym = pseudonyms.of(caseId);
        Span span = tracer.spanBuilder(name).setParent(W3C.extract(Context.root(), headers, HEADERS))
                .setSpanKind(SpanKind.CONSUMER).setAttribute("cytotriage.case_pseudonym", casePseudonym)
                .setAttribute("cytotriage.image_id", imageId == null ? "" : imageId).startSpan();
        return new Processing(span, span.makeCurrent(), casePseudonym, imageId);
    }

    /**
     * A Kafka message about a case, keyed by the case's pseudonym (a case's records stay in order on
     * one partition, and the broker, its logs and every consumer see no case id in a key), with the
     * current trace context in its headers.
     */
    public <T> Message<T> messageOfCase(String caseId, T payload) {
        return message(caseId == null ? null : pseudonyms.of(caseId), payload);
    }

    /** A Kafka message with this key and the current trace context in its headers. */
    private static <T> Message<T> message(String key, T payload) {
        RecordHeaders headers = new RecordHeaders();
        W3C.inject(Context.current(), headers, (carrier, header, value) -> carrier.add(header, value.getBytes(StandardCharsets.UTF_8)));
        return Message.of(payload).addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).withHeaders(headers).build());
    }

    /** The processing of one record: its span is current and its ids are in the logging context until closed. */
    public static final class Processing implements AutoCloseable {

        private final Span span;
        private final Scope scope;

        private Processing(Span span, Scope scope, String casePseudonym, String imageId) {
            this.span = span;
            this.scope = scope;
            MDC.put("traceId", span.getSpanContext().getTraceId());
            MDC.put("casePseudonym", casePseudonym);
            if (imageId != null) {
                MDC.put("imageId", imageId);
            }
        }

        public String traceId() {
            return span.getSpanContext().getTraceId();
        }

        @Override
        public void close() {
            MDC.remove("traceId");
            MDC.remove("casePseudonym");
            MDC.remove("imageId");
            scope.close();
            span.end();
        }
    }
}
