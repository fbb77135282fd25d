package org.cytotriage.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.HdrHistogram.Histogram;
import org.cytotriage.localstack.LocalStack;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * POST to PredictionMade through ingest-service, Kafka and inference-service, run as their
 * packaged jars in production mode beside a real broker and registry on this machine.
 */
final class EndToEnd implements AutoCloseable {

    /** Throughput and latency (POST sent to prediction received) of one load. */
    record Load(int images, double imagesPerSecond, Histogram latencyMicros) {

        double percentileMillis(double percentile) {
            return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }

        /** Several loads as one: their images and latencies together, at the given throughput. */
        static Load combined(List<Load> loads, double imagesPerSecond) {
            Histogram all = histogram();
            loads.forEach(load -> all.add(load.latencyMicros()));
            return new Load(loads.stream().mapToInt(Load::images).sum(), imagesPerSecond, all);
        }
    }

    /** The same images at low load, to their PredictionMade and to their place on audit's record. */
    record LowLoad(Load predicted, Load recorded) {
    }

    private static final int SENDERS = 4;
    /** The hospital the benchmark's scanner posts for. */
    static final String HOSPITAL = "benchmark";

    /** HTTP/1.1, as hospital systems post images (the JDK client would otherwise upgrade to h2c). */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(SENDERS)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final LocalStack stack;
    private final PredictionListener listener;
    private final AtomicInteger cases = new AtomicInteger();
    /** The images of the last saturation load, in the order sent. */
    private List<Sent> lastSent = List.of();

    EndToEnd(LocalStack stack) {
        this.stack = stack;
        this.listener = new PredictionListener(stack.infrastructure());
    }

    /** One image at a time: each POST waits for the previous prediction. */
    Load lowLoad(BenchmarkImages images, int count) throws Exception {
        Histogram latency = histogram();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            Sent image = post(images.get(i));
            listener.awaitAll(List.of(image.imageId()), Duration.ofSeconds(60));
            latency.recordValue((listener.arrival(image.imageId()) - image.nanos()) / 1000);
        }
        return new Load(count, count / ((System.nanoTime() - start) / 1e9), latency);
    }

    /**
     * Saturation loads of {@code batch} images, one after the other, until {@code duration} has
     * passed: the services' JIT compilers are still compiling after thousands of images (measured:
     * docs/benchmarks.md), a cost a long-running service pays once. Returns the images sent.
     */
    int warmUp(BenchmarkImages images, int batch, Duration duration) throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        int sent = 0;
        while (System.nanoTime() < end) {
            sent += saturation(images, batch).images();
        }
        return sent;
    }

    /**
     * Saturation: {@value #SENDERS} senders post as fast as ingest accepts. Throughput counts from
     * the first POST to the last prediction.
     */
    Load saturation(BenchmarkImages images, int count) throws Exception {
        List<Sent> sent = send(images, count);
        listener.awaitAll(sent.stream().map(Sent::imageId).toList(), Duration.ofMinutes(10));
        Histogram latency = histogram();
        long last = 0;
        for (Sent image : sent) {
            long arrival = listener.arrival(image.imageId());
            last = Math.max(last, arrival);
            latency.recordValue((arrival - image.nanos()) / 1000);
        }
        return new Load(count, count / ((last - sent.get(0).nanos()) / 1e9), latency);
    }

    /**
     * The whole path at saturation: {@value #SENDERS} senders as in {@link #saturation}, each image
     * counted once audit-service has it on record (images, prediction and explanation); throughput
     * from the first POST to the last record.
     */
    Load saturationRecorded(BenchmarkImages images, int count, AuditRecord record) throws Exception {
        List<Sent> sent = send(images, count);
        Map<String, Instant> recorded = record.awaitRecorded(sent, Duration.ofMinutes(20));
        Histogram latency = histogram();
        Instant last = Instant.MIN;
        for (Sent image : sent) {
            Instant at = recorded.get(image.caseId());
            last = at.isAfter(last) ? at : last;
            latency.recordValue(Math.max(0, ChronoUnit.MICROS.between(image.at(), at)));
        }
        return new Load(count, count / (ChronoUnit.MICROS.between(sent.get(0).at(), last) / 1e6), latency);
    }

    /**
     * One image at a time, each POST waiting for the previous image to be on audit's record: the
     * latency to its PredictionMade and to its record, of the same images.
     */
    LowLoad lowLoadRecorded(BenchmarkImages images, int count, AuditRecord record) throws Exception {
        Histogram predicted = histogram();
        Histogram onRecord = histogram();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            Sent image = post(images.get(i));
            Instant at = record.awaitRecorded(List.of(image), Duration.ofSeconds(60)).get(image.caseId());
            listener.awaitAll(List.of(image.imageId()), Duration.ofSeconds(60));
            predicted.recordValue((listener.arrival(image.imageId()) - image.nanos()) / 1000);
            onRecord.recordValue(Math.max(0, ChronoUnit.MICROS.between(image.at(), at)));
        }
        double perSecond = count / ((System.nanoTime() - start) / 1e9);
        return new LowLoad(new Load(count, perSecond, predicted), new Load(count, perSecond, onRecord));
    }

    /** Waits until audit-service has on record every image of the last load (a load it was not measured by). */
    void catchUp(AuditRecord record) throws Exception {
        record.awaitRecorded(lastSent, Duration.ofMinutes(20));
    }

    /** {@code count} images posted by {@value #SENDERS} senders at once, as fast as ingest accepts them, in the order sent. */
    private List<Sent> send(BenchmarkImages images, int count) throws Exception {
        List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        List<Future<?>> running = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            running.add(senders.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    sent.add(post(images.get(i)));
                }
                return null;
            }));
        }
        for (Future<?> sender : running) {
            sender.get();
        }
        senders.shutdown();
        List<Sent> ordered = new ArrayList<>(sent);
        ordered.sort(Comparator.comparingLong(Sent::nanos));
        lastSent = ordered;
        return ordered;
    }

    /**
     * The inference service's own per-stage figures (its Prometheus metrics): mean time to prepare
     * one image, mean ONNX Runtime run and mean images per run, to see where end-to-end time goes.
     */
    String inferenceStages() throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(URI.create(stack.url("inference-service") + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        double prepareCount = metric(metrics, "cytotriage_inference_prepare_seconds_count");
        double prepareSum = metric(metrics, "cytotriage_inference_prepare_seconds_sum");
        double runs = metric(metrics, "cytotriage_inference_model_seconds_count");
        double modelSum = metric(metrics, "cytotriage_inference_model_seconds_sum");
        double images = metric(metrics, "cytotriage_inference_batch_size_sum");
        return String.format(java.util.Locale.ROOT,
                "inside inference-service: prepare %.1f ms per image (%d images), ONNX Runtime %.1f ms per run of %.1f images on average (%.1f ms per image), %d runs",
                1000 * prepareSum / prepareCount, (long) prepareCount, 1000 * modelSum / runs, images / runs,
                1000 * modelSum / images, (long) runs);
    }

    private static double metric(String metrics, String name) {
        return metrics.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    /** An image posted: its case (one image each), its id, and when it was sent (System.nanoTime, and the wall clock for times the database wrote). */
    record Sent(String caseId, String imageId, long nanos, Instant at) {
    }

    private Sent post(byte[] jpeg) throws Exception {
        String caseId = "bench-" + System.currentTimeMillis() + "-" + cases.incrementAndGet();
        long nanos = System.nanoTime();
        Instant at = Instant.now();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create(stack.url("ingest-service") + "/api/v1/cases/" + caseId + "/images"))
                .header("Content-Type", "image/jpeg")
                .header("Authorization", "Bearer " + stack.logins().person(java.util.Set.of("scanner"), java.util.List.of(HOSPITAL)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(jpeg)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException("ingest answered " + response.statusCode() + ": " + response.body());
        }
        return new Sent(caseId, json.readTree(response.body()).get("imageId").asText(), nanos, at);
    }

    private static Histogram histogram() {
        return new Histogram(Duration.ofMinutes(30).toNanos() / 1000, 3);
    }

    @Override
    public void close() {
        listener.close();
    }
}
