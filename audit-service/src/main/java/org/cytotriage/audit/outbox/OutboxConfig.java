package org.cytotriage.audit.outbox;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "cytotriage.outbox")
public interface OutboxConfig {

    /** Whether this replica relays pending events; every replica may, they never publish the same row at once. */
    @WithDefault("true")
    boolean relayEnabled();

    /**
     * How often the relay looks for pending rows without being woken: rows a wake-up missed (a
     * replica that died after its commit, or mid-batch), and failed ones whose retry is due. A
     * commit that enqueued an event wakes the relay at once.
     */
    @WithDefault("2s")
    Duration sweepEvery();

    /** The most rows one relay transaction locks and publishes. */
    @WithDefault("100")
    int batchSize();

    /**
     * How long the relay waits for the broker's acknowledgements of a batch. Longer than the
     * channel's delivery.timeout.ms, so the producer has given up on a record before the relay
     * does, and a record the relay counts as failed is never delivered late beside its retry.
     */
    @WithDefault("45s")
    Duration publishTimeout();

    /** The longest wait before a failed row is tried again (the wait doubles from half a second). */
    @WithDefault("30s")
    Duration maxRetryDelay();

    /** How often the pending rows are counted for the gauges. */
    @WithDefault("5s")
    Duration observeEvery();

    /** A row pending longer than this is logged (a WARN naming it, at most once this often). */
    @WithDefault("1m")
    Duration stuckAfter();

    /** Sent rows are kept this long (to see what was published when), then deleted. */
    @WithDefault("P7D")
    Duration retention();
}
