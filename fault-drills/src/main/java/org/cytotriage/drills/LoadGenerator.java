package org.cytotriage.drills;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Posts generated smears (SYNTHETIC, NOT FOR CLINICAL USE) to ingest's HTTP API at a steady rate,
 * one case per image, without waiting for earlier answers: a refused or hanging upload does not
 * slow the stream (ingest holds an upload up to 30 s while the broker does not acknowledge it).
 * Every upload and its answer is kept.
 */
final class LoadGenerator implements AutoCloseable {

    static final String HOSPITAL = "drill-hospital";
    /** Longer than ingest's own 30 s wait for the broker's acknowledgement, so ingest answers first. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(45);

    /** Distinct images of every category, made once before any drill. */
    record Images(List<byte[]> jpegs, List<String> sha256) {

        static Images generate(int count) {
            SyntheticCytologyGenerator generator = new SyntheticCytologyGenerator();
            List<byte[]> jpegs = new ArrayList<>();
            List<String> hashes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte[] jpeg = generator.generate(31_000 + i, BethesdaCategory.values()[i % BethesdaCategory.values().length]).jpegBytes();
                jpegs.add(jpeg);
                hashes.add(sha256(jpeg));
            }
            return new Images(List.copyOf(jpegs), List.copyOf(hashes));
        }

        private static String sha256(byte[] bytes) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "drill-load");
        thread.setDaemon(true);
        return thread;
    });
    private final ConcurrentLinkedQueue<Upload> answered = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger receiptMismatches = new AtomicInteger();
    private final String ingestUrl;
    private final java.util.function.Supplier<String> scannerToken;
    private final String casePrefix;
    private final Images images;

    /** Starts sending right away: {@code rate} images per second, cases {@code <casePrefix><n>}. */
    /** {@code scannerToken}: a fresh token of the drill hospital's scanner for each upload (kept by the caller until near expiry). */
    LoadGenerator(String ingestUrl, java.util.function.Supplier<String> scannerToken, String casePrefix, double rate, Images images) {
        this.ingestUrl = ingestUrl;
        this.scannerToken = scannerToken;
        this.casePrefix = casePrefix;
        this.images = images;
        ticker.scheduleAtFixedRate(this::send, 0, Math.round(1_000_000_000 / rate), TimeUnit.NANOSECONDS);
    }

    private void send() {
        int n = next.getAndIncrement();
        String caseId = casePrefix + n;
        int image = n % images.jpegs().size();
        String expectedId = Upload.imageIdOf(HOSPITAL, caseId, images.sha256().get(image));
        Instant sent = Instant.now();
        inFlight.incrementAndGet();
        http.sendAsync(HttpRequest.newBuilder(URI.create(ingestUrl + "/api/v1/cases/" + caseId + "/images")).timeout(ANSWER_TIMEOUT)
                .header("Content-Type", "image/jpeg").header("Authorization", "Bearer " + scannerToken.get())
                .POST(HttpRequest.BodyPublishers.ofByteArray(images.jpegs().get(image))).build(), HttpResponse.BodyHandlers.ofString())
                .whenComplete((response, failure) -> {
                    try {
                        answered.add(failure != null
                                ? new Upload(caseId, expectedId, sent, Instant.now(), Upload.NO_ANSWER, cause(failure).getClass().getSimpleName())
                                : new Upload(caseId, receiptId(response, expectedId), sent, Instant.now(), response.statusCode(),
                                        response.statusCode() >= 300 ? abbreviate(response.body()) : null));
                    } finally {
                        inFlight.decrementAndGet();
                    }
                });
    }

    /** The image id on a 2xx receipt; it should be the one ingest's rule gives (counted when not). */
    private String receiptId(HttpResponse<String> response, String expectedId) {
        if (response.statusCode() < 200 || response.statusCode() >= 300) {
            return expectedId;
        }
        try {
            String id = json.readTree(response.body()).get("imageId").asText();
            if (!id.equals(expectedId)) {
                receiptMismatches.incrementAndGet();
            }
            return id;
        } catch (Exception unreadable) {
            receiptMismatches.incrementAndGet();
            return expectedId;
        }
    }

    /** What went wrong under the future's wrapper: ConnectException, HttpTimeoutException, an IOException on a reset. */
    private static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static String abbreviate(String body) {
        return body == null ? null : body.length() > 200 ? body.substring(0, 200) : body;
    }

    /** Stops sending and waits (bounded) for the answers to the uploads still in flight. */
    List<Upload> stop() throws InterruptedException {
        ticker.shutdown();
        ticker.awaitTermination(5, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + ANSWER_TIMEOUT.plusSeconds(5).toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return uploads();
    }

    List<Upload> uploads() {
        return List.copyOf(answered);
    }

    int sent() {
        return next.get();
    }

    /** 2xx receipts whose image id was not the one ingest's rule gives (a drill bug, or a changed rule). */
    int receiptMismatches() {
        return receiptMismatches.get();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
