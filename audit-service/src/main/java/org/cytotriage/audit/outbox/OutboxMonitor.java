package org.cytotriage.audit.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.cytotriage.audit.metrics.ConfirmedCases;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * What the outbox holds back, for people: the gauges {@code cytotriage_outbox_pending} (rows not
 * yet acknowledged by the broker) and {@code cytotriage_outbox_oldest_pending_age_seconds}, and a
 * WARN naming the oldest row while one has been pending longer than
 * {@code cytotriage.outbox.stuck-after}. Readiness is left alone on purpose: the outbox is what
 * lets the API record a diagnosis while the broker is away (KafkaReadiness says that already), and
 * one row the broker keeps refusing should not take every replica out of service.
 * Also deletes sent rows past {@code cytotriage.outbox.retention}.
 */
@ApplicationScoped
public class OutboxMonitor {

    private static final Logger LOG = Logger.getLogger(OutboxMonitor.class);
    private static final int PURGED_PER_RUN = 10_000;

    /** The pending rows, as last counted. */
    public record Pending(long rows, double oldestAgeSeconds) {
    }

    private final EntityManager entityManager;
    private final OutboxConfig config;
    private final AtomicReference<Pending> last = new AtomicReference<>(new Pending(0, 0));
    private volatile Instant lastWarned = Instant.EPOCH;

    OutboxMonitor(EntityManager entityManager, OutboxConfig config, MeterRegistry registry) {
        this.entityManager = entityManager;
        this.config = config;
        Gauge.builder("cytotriage.outbox.pending", last, l -> l.get().rows())
                .description("Outbox events not yet acknowledged by the broker").register(registry);
        Gauge.builder("cytotriage.outbox.oldest.pending.age", last, l -> l.get().oldestAgeSeconds()).baseUnit("seconds")
                .description("How long the oldest outbox event not yet acknowledged by the broker has waited").register(registry);
    }

    @Scheduled(every = "${cytotriage.outbox.observe-every}", identity = "outbox-observe",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void observe() {
        try {
            Pending pending = QuarkusTransaction.requiringNew().call(this::count);
            last.set(pending);
            if (pending.oldestAgeSeconds() > config.stuckAfter().toSeconds()
                    && Instant.now().isAfter(lastWarned.plus(config.stuckAfter()))) {
                lastWarned = Instant.now();
                QuarkusTransaction.requiringNew().run(() -> warnAboutOldest(pending));
            }
        } catch (RuntimeException e) {
            // The database is away: its own health check says so; the gauges keep their last values.
            LOG.debugf("outbox not counted: %s", e.getMessage());
        }
    }

    /** Counts the pending rows now. */
    public Pending count() {
        Object[] row = (Object[]) entityManager.createNativeQuery("""
                select count(*), coalesce(extract(epoch from clock_timestamp() - min(created_at)), 0)
                from outbox where sent_at is null""", Object[].class).getSingleResult();
        return new Pending(((Number) row[0]).longValue(), ((Number) row[1]).doubleValue());
    }

    private void warnAboutOldest(Pending pending) {
        @SuppressWarnings("unchecked")
        List<Object[]> oldest = entityManager.createNativeQuery("""
                select id, topic, message_key, attempts, last_error, created_at from outbox
                where sent_at is null order by seq limit 1""", Object[].class).getResultList();
        if (oldest.isEmpty()) {
            return;
        }
        Object[] row = oldest.get(0);
        LOG.warnf("outbox: %d events not yet published; the oldest, %s to %s (key %s), waits since %s after %s attempts%s",
                pending.rows(), row[0], row[1], row[2], ConfirmedCases.toInstant(row[5]), row[3],
                row[4] == null ? "" : ": " + row[4]);
    }

    @Scheduled(every = "1h", delayed = "1m", identity = "outbox-purge", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purge() {
        try {
            int deleted = QuarkusTransaction.requiringNew().call(() -> purgeSentBefore(config.retention()));
            if (deleted > 0) {
                LOG.debugf("outbox: %d sent events past %s deleted", deleted, config.retention());
            }
        } catch (RuntimeException e) {
            LOG.debugf("outbox not purged: %s", e.getMessage());
        }
    }

    int purgeSentBefore(Duration age) {
        return entityManager.createNativeQuery("""
                delete from outbox where id in (
                    select id from outbox where sent_at < clock_timestamp() - ?1 * interval '1 second' limit ?2 for update skip locked)""")
                .setParameter(1, age.toSeconds()).setParameter(2, PURGED_PER_RUN).executeUpdate();
    }
}
