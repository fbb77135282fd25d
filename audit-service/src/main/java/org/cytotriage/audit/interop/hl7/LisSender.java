package org.cytotriage.audit.interop.hl7;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.jboss.logging.Logger;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.llp.LLPException;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.validation.impl.NoValidation;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.tls.TlsConfigurationRegistry;

/**
 * Sends the laboratory system its result messages over MLLP, each case's in the order they were
 * written, and records each acknowledgement on the message's row.
 * <p>
 * AA: delivered. AE: the laboratory system took the message and could not use it; sending the same
 * message again cannot help, so it is kept with what the laboratory system said (the case's next
 * message carries the whole case again) and counted in {@code cytotriage.lis.refused}. AR, no answer
 * within {@code ack-timeout}, or no connection: sent again with the same control id after 1 s, then
 * twice as long each time up to {@code max-retry-delay}; the case's later messages wait behind it. A
 * receiver that took a message whose acknowledgement was lost sees the control id again (MSH-10): HL7's
 * original acknowledgement mode leaves duplicates to the receiver to recognise by it.
 * <p>
 * One message per transaction, its row locked ({@code for update skip locked}) while it is sent:
 * every replica may sweep, and a message goes out from one of them at a time.
 */
@ApplicationScoped
public class LisSender {

    private static final Logger LOG = Logger.getLogger(LisSender.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final int TEXT_LENGTH = 1000;

    private final LisConfig config;
    private final EntityManager entityManager;
    private final MeterRegistry registry;
    private final HapiContext hapi;
    private final boolean tls;
    private Connection connection;

    LisSender(LisConfig config, EntityManager entityManager, MeterRegistry registry, TlsConfigurationRegistry certificates) {
        this.config = config;
        this.entityManager = entityManager;
        this.registry = registry;
        Optional<SSLContext> tls = config.host().isPresent() ? Mllp.tls(config, certificates) : Optional.empty();
        this.hapi = tls.map(Mllp::context).orElseGet(Mllp::context);
        this.tls = tls.isPresent();
        // The messages were built by HAPI from the record; they are read back only to be sent.
        hapi.setValidationContext(new NoValidation());
    }

    private record Pending(String controlId, String message, int attempts) {
    }

    @Scheduled(every = "${cytotriage.lis.sweep-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        if (config.host().isEmpty()) {
            return;
        }
        try {
            while (sendNext()) {
                // the next due message
            }
        } catch (RuntimeException e) {
            LOG.warnf("laboratory system: sweep stopped, the pending messages wait for the next one: %s", e.getMessage());
        }
    }

    /** Sends the first due message of some case in a transaction of its own; false when none was due. */
    boolean sendNext() {
        int timeout = (int) config.ackTimeout().plusSeconds(30).toSeconds();
        return QuarkusTransaction.requiringNew().timeout(timeout).call(() -> {
            List<Pending> due = lockDue();
            if (due.isEmpty()) {
                return false;
            }
            send(due.get(0));
            return true;
        });
    }

    private List<Pending> lockDue() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                select m.control_id, m.message, m.attempts from lis_messages m
                where m.acknowledged_at is null and m.available_at <= now()
                  and not exists (select 1 from lis_messages e where e.acknowledged_at is null
                                  and e.hospital_id = m.hospital_id and e.case_id = m.case_id and e.seq < m.seq)
                order by m.seq
                limit 1
                for update of m skip locked""", Object[].class).getResultList();
        return rows.stream().map(r -> new Pending((String) r[0], (String) r[1], ((Number) r[2]).intValue())).toList();
    }

    private void send(Pending pending) {
        Message ack;
        try {
            Message message = new PipeParser(hapi).parse(pending.message());
            ack = connection().getInitiator().sendAndReceive(message);
        } catch (HL7Exception | LLPException | IOException | RuntimeException e) {
            closeConnection();
            notDelivered(pending, e.getClass().getSimpleName() + ": " + e.getMessage());
            return;
        }
        String code;
        String text;
        try {
            Terser terser = new Terser(ack);
            code = terser.get("/MSA-1");
            // MSA-3 (text message, deprecated in 2.5.1 but still sent by some) and the error segment: its code's
            // text and original text (where HAPI puts the exception's message), diagnostic and user messages.
            text = joined(terser.get("/MSA-3"), terser.get("/ERR-3-2"), terser.get("/ERR-3-9"), terser.get("/ERR-7"), terser.get("/ERR-8"));
        } catch (HL7Exception e) {
            notDelivered(pending, "the acknowledgement cannot be read: " + e.getMessage());
            return;
        }
        switch (code == null ? "" : code) {
            case "AA", "CA" -> acknowledged(pending, code, text);
            case "AE", "CE" -> {
                acknowledged(pending, code, text);
                registry.counter("cytotriage.lis.refused").increment();
                LOG.warnf("laboratory system refused message %s (%s): %s; kept, not sent again", pending.controlId(), code, text);
            }
            default -> notDelivered(pending, "acknowledged " + code + (text == null ? "" : ": " + text));
        }
    }

    private void acknowledged(Pending pending, String code, String text) {
        entityManager.createNativeQuery("""
                update lis_messages set acknowledged_at = clock_timestamp(), attempts = attempts + 1, ack_code = ?1, ack_text = ?2,
                    last_error = null where control_id = ?3""")
                .setParameter(1, code).setParameter(2, cut(text)).setParameter(3, pending.controlId()).executeUpdate();
        registry.counter("cytotriage.lis.delivered", "ack", code).increment();
    }

    private void notDelivered(Pending pending, String error) {
        Duration delay = FIRST_RETRY.multipliedBy(1L << Math.min(pending.attempts(), 16));
        delay = delay.compareTo(config.maxRetryDelay()) <= 0 ? delay : config.maxRetryDelay();
        LOG.warnf("laboratory system: message %s not delivered, attempt %d, again in %d ms: %s", pending.controlId(), pending.attempts() + 1,
                delay.toMillis(), error);
        registry.counter("cytotriage.lis.failures").increment();
        entityManager.createNativeQuery("""
                update lis_messages set attempts = attempts + 1, last_error = ?1,
                    available_at = clock_timestamp() + ?2 * interval '1 millisecond' where control_id = ?3""")
                .setParameter(1, cut(error)).setParameter(2, delay.toMillis()).setParameter(3, pending.controlId()).executeUpdate();
    }

    private Connection connection() throws HL7Exception {
        if (connection == null || !connection.isOpen()) {
            connection = hapi.newClient(config.host().orElseThrow(), config.port(), tls);
            connection.getInitiator().setTimeout(config.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        return connection;
    }

    private void closeConnection() {
        if (connection != null) {
            quietly(connection);
            connection = null;
        }
    }

    @PreDestroy
    void close() {
        closeConnection();
        quietly(hapi);
    }

    private static void quietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            LOG.debugf("closing %s: %s", closeable, e.getMessage());
        }
    }

    private static String joined(String... values) {
        String text = java.util.Arrays.stream(values).filter(value -> value != null && !value.isBlank()).distinct()
                .collect(java.util.stream.Collectors.joining("; "));
        return text.isEmpty() ? null : text;
    }

    private static String cut(String text) {
        return text == null || text.length() <= TEXT_LENGTH ? text : text.substring(0, TEXT_LENGTH - 1) + "…";
    }
}
