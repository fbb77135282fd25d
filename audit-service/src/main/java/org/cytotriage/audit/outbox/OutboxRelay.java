package org.cytotriage.audit.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.InvalidTransactionException;
import jakarta.transaction.SystemException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.Transactional;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Publishes pending outbox rows and marks them sent only once the broker has acknowledged them.
 * <p>
 * One batch is one database transaction: it locks pending rows with {@code for update skip
 * locked}, publishes them, waits for the acknowledgements and marks those sent before it commits.
 * Other replicas' relays skip the locked rows, so every replica may relay at once and a row is
 * published by one of them at a time. A relay that dies anywhere in a batch (process, connection,
 * broker) leaves its rows pending, unlocked when its transaction ends, and they are published again,
 * with the same event ids, by the next batch of any replica. Only the first pending row of each
 * topic and key is taken, so one key's events (a case's diagnosis versions) keep their order on its
 * partition; a row the broker refused waits half a second, then twice as long each time.
 * <p>
 * A commit that enqueued an event wakes the relay at once ({@link Outbox}); a sweep every
 * {@code cytotriage.outbox.sweep-every} takes whatever a wake-up missed. One thread per replica.
 */
@ApplicationScoped
public class OutboxRelay {

    /** The relay's channel: one for every topic, each record's topic taken from its row. */
    static final String CHANNEL = "outbox";

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int ERROR_LENGTH = 1000;
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);

    private final MutinyEmitter<SpecificRecord> emitter;
    private final EntityManager entityManager;
    private final OutboxPayloads payloads;
    private final OutboxConfig config;
    private final MeterRegistry registry;
    private final TransactionManager transactions;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();
    private boolean wakeUp;
    private volatile boolean running;
    private Thread worker;

    OutboxRelay(@Channel(CHANNEL) MutinyEmitter<SpecificRecord> emitter, EntityManager entityManager, OutboxPayloads payloads,
            OutboxConfig config, MeterRegistry registry, TransactionManager transactions) {
        this.emitter = emitter;
        this.transactions = transactions;
        this.entityManager = entityManager;
        this.payloads = payloads;
        this.config = config;
        this.registry = registry;
    }

    /** What one batch did. */
    public record Batch(int selected, int published, int failed) {
        static final Batch EMPTY = new Batch(0, 0, 0);
    }

    private record Pending(String id, String topic, String key, String eventType, byte[] payload, String traceparent, int attempts) {
    }

    private record Outcome(Pending row, Throwable failure) {
    }

    void start(@Observes StartupEvent started) {
        if (!config.relayEnabled()) {
            LOG.info("outbox relay off on this replica (cytotriage.outbox.relay-enabled=false)");
            return;
        }
        running = true;
        worker = new Thread(this::work, "outbox-relay");
        worker.setDaemon(true);
        worker.setContextClassLoader(OutboxRelay.class.getClassLoader());
        worker.start();
    }

    void stop(@Observes ShutdownEvent stopping) throws InterruptedException {
        if (worker == null) {
            return;
        }
        running = false;
        wake();
        // A batch in flight may finish and commit; one still waiting for the broker after this is
        // rolled back, and its rows go out again from the next relay: the same events, not new ones.
        worker.join(5_000);
        if (worker.isAlive()) {
            worker.interrupt();
            worker.join(5_000);
        }
    }

    /** Publish now: called after a commit that enqueued events. Never blocks. */
    void wake() {
        lock.lock();
        try {
            wakeUp = true;
            woken.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        Duration failureDelay = FIRST_RETRY;
        while (running) {
            Duration pause;
            try {
                Batch batch = relayBatch();
                failureDelay = FIRST_RETRY;
                // A full batch: more may wait. Otherwise wait for a commit or the next sweep; rows that
                // failed wait for their own retry time (available_at), which the sweep finds.
                pause = batch.selected() == config.batchSize() && batch.published() > 0 ? Duration.ZERO : config.sweepEvery();
            } catch (RuntimeException e) {
                // The database is away (or the transaction failed): the rows are still pending.
                LOG.warnf("outbox relay: batch not relayed, trying again in %d ms: %s", failureDelay.toMillis(), e.getMessage());
                pause = failureDelay;
                failureDelay = min(failureDelay.multipliedBy(2), config.maxRetryDelay());
            }
            if (!pause.isZero()) {
                await(pause);
            }
        }
    }

    private void await(Duration pause) {
        lock.lock();
        try {
            long nanos = pause.toNanos();
            while (!wakeUp && running && nanos > 0) {
                nanos = woken.awaitNanos(nanos);
            }
            wakeUp = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Locks up to a batch of pending rows, publishes them and marks those the broker acknowledged as
     * sent, in a transaction of its own. Public so that tests can run several relays at once, as
     * replicas do.
     */
    public Batch relayBatch() {
        int timeout = (int) config.publishTimeout().plusSeconds(30).toSeconds();
        return QuarkusTransaction.requiringNew().timeout(timeout).call(this::relayPending);
    }

    /**
     * {@link #relayBatch()} in the caller's transaction: the rows are marked sent when it commits,
     * and stay pending, already published, if it rolls back (as a relay that dies before its commit
     * leaves them).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Batch relayPending() {
        List<Pending> rows = lockPending();
        if (rows.isEmpty()) {
            return Batch.EMPTY;
        }
        // Decoded in the transaction (an earlier writer schema is read from the database) ...
        List<Prepared> prepared = rows.stream().map(this::prepare).toList();
        List<Outcome> outcomes;
        // ... and sent with it suspended, its row locks still held in the database: context
        // propagation would otherwise take the transaction onto the producer's threads, and one that
        // other threads are still associated with cannot commit.
        Transaction batch = suspend();
        try {
            outcomes = Uni.join().all(prepared.stream().map(this::publish).toList()).andFailFast().await().indefinitely();
        } finally {
            resume(batch);
        }
        List<String> sent = new ArrayList<>();
        int failed = 0;
        for (Outcome outcome : outcomes) {
            if (outcome.failure() == null) {
                sent.add(outcome.row().id());
                registry.counter("cytotriage.outbox.published", "topic", outcome.row().topic()).increment();
            } else {
                failed++;
                markFailed(outcome.row(), outcome.failure());
            }
        }
        if (!sent.isEmpty()) {
            entityManager.createNativeQuery("""
                    update outbox set sent_at = clock_timestamp(), attempts = attempts + 1, last_error = null where id in (?1)""")
                    .setParameter(1, sent).executeUpdate();
        }
        return new Batch(rows.size(), sent.size(), failed);
    }

    /** The first pending row of each topic and key that is due, oldest first, that no other relay holds. */
    private List<Pending> lockPending() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                select o.id, o.topic, o.message_key, o.event_type, o.payload, o.traceparent, o.attempts
                from outbox o
                where o.sent_at is null and o.available_at <= now()
                  and (o.message_key is null or not exists (
                      select 1 from outbox e
                      where e.sent_at is null and e.topic = o.topic and e.message_key = o.message_key and e.seq < o.seq))
                order by o.seq
                limit ?1
                for update of o skip locked""", Object[].class)
                .setParameter(1, config.batchSize()).getResultList();
        return rows.stream().map(r -> new Pending((String) r[0], (String) r[1], (String) r[2], (String) r[3], (byte[]) r[4],
                (String) r[5], ((Number) r[6]).intValue())).toList();
    }

    private Transaction suspend() {
        try {
            return transactions.suspend();
        } catch (SystemException e) {
            throw new IllegalStateException("cannot suspend the relay's transaction", e);
        }
    }

    private void resume(Transaction batch) {
        try {
            transactions.resume(batch);
        } catch (InvalidTransactionException | SystemException e) {
            throw new IllegalStateException("cannot resume the relay's transaction", e);
        }
    }

    /** A row's record, ready to send, or why it cannot be. */
    private record Prepared(Pending row, Message<SpecificRecord> message, RuntimeException failure) {
    }

    private Prepared prepare(Pending row) {
        try {
            RecordHeaders headers = new RecordHeaders();
            if (row.traceparent() != null) {
                headers.add("traceparent", row.traceparent().getBytes(StandardCharsets.UTF_8));
            }
            return new Prepared(row, Message.of(payloads.decode(row.eventType(), row.payload())).addMetadata(
                    OutgoingKafkaRecordMetadata.<String>builder().withTopic(row.topic()).withKey(row.key()).withHeaders(headers).build()),
                    null);
        } catch (RuntimeException e) {
            return new Prepared(row, null, e);
        }
    }

    /** The broker's acknowledgement of one row, or why there was none; never a failed Uni. */
    private Uni<Outcome> publish(Prepared prepared) {
        Pending row = prepared.row();
        if (prepared.failure() != null) {
            return Uni.createFrom().item(new Outcome(row, prepared.failure()));
        }
        return emitter.sendMessage(prepared.message())
                .onItem().transform(ignored -> new Outcome(row, null))
                .ifNoItem().after(config.publishTimeout()).failWith(() -> new IllegalStateException(
                        "no acknowledgement from the broker within " + config.publishTimeout()))
                .onFailure().recoverWithItem(e -> new Outcome(row, e));
    }

    private void markFailed(Pending row, Throwable failure) {
        Duration delay = min(FIRST_RETRY.multipliedBy(1L << Math.min(row.attempts(), 16)), config.maxRetryDelay());
        String error = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        LOG.warnf("outbox event %s to %s (key %s) not published, attempt %d, again in %d ms: %s", row.id(), row.topic(), row.key(),
                row.attempts() + 1, delay.toMillis(), error);
        registry.counter("cytotriage.outbox.failures", "topic", row.topic()).increment();
        entityManager.createNativeQuery("""
                update outbox set attempts = attempts + 1, last_error = ?1, available_at = clock_timestamp() + ?2 * interval '1 millisecond'
                where id = ?3""")
                .setParameter(1, error.length() <= ERROR_LENGTH ? error : error.substring(0, ERROR_LENGTH - 1) + "…")
                .setParameter(2, delay.toMillis()).setParameter(3, row.id()).executeUpdate();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
