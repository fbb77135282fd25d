package org.cytotriage.ingest.availability;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How ingest answers when it cannot accept an upload now: within a bounded time, with a 503 (or
 * 507) problem and a Retry-After, never by hanging on a dependency that is away.
 */
@ConfigMapping(prefix = "cytotriage.ingest.availability")
public interface Availability {

    /**
     * The longest an upload waits for Kafka's acknowledgement before the answer is 503. The
     * producer's own bounds on the outgoing channel (max.block.ms + delivery.timeout.ms,
     * application.properties) add up to less, so the producer gives its verdict first and a record
     * given up is not sent later; only one queued behind others on the producer's sending thread,
     * or held up by the schema registry's client (about 7 s of retries while the registry is
     * away), can outlast this wait and still go out (ReceiptBook says what then holds).
     */
    @WithDefault("6s")
    Duration publishTimeout();

    /** What the Retry-After header of a 503 or 507 tells the sender to wait. */
    @WithDefault("5s")
    Duration retryAfter();

    /**
     * Uploads handled at once; one more is answered 503 before its body is read. Well above the
     * senders a site runs at once (scanners and workstations; the benchmark uses 4). Memory stays
     * bounded because an upload is streamed, never held: one in flight holds a worker thread and
     * 64 KiB copy buffers on the heap, and on disk its staging file in the image store (and, sent
     * as multipart, its file in the upload directory), so 32 at the 50 MiB limit hold 1.6 GiB of
     * staging files at worst, 32 usual smears (a few MiB each) far less than the store's
     * free-space floor.
     */
    @WithDefault("32")
    int maxUploadsInFlight();

    /** Retry-After in whole seconds, as RFC 9110 wants it. */
    default String retryAfterSeconds() {
        return String.valueOf(Math.max(1, (retryAfter().toMillis() + 999) / 1000));
    }
}
