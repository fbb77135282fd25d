package org.cytotriage.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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

    private static final int SENDERS = 4;

    /** HTTP/1.1, as hospital systems post images (the JDK client would otherwise upgrade to h2c). */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(SENDERS)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final LocalStack stack;
    private final PredictionListener listener;
    private final AtomicInteger cases = new AtomicInteger();

    EndToEnd(LocalStack stack) {
        this.stack = stack;
        this.listener = new PredictionListener(stack.infrastructure());
    }

    /** One image at a time: each POST waits for the previous prediction. */
    Load lowLoad(BenchmarkImages images, int count) throws Exception {
        Histogram latency = histogram();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long sent = System.nanoTime();
            String imageId = post(images.get(i));
            listener.awaitAll(List.of(imageId), Duration.ofSeconds(60));
            latency.recordValue((listener.arrival(imageId) - sent) / 1000);
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
        List<Long> sentAt = Collections.synchronizedList(new ArrayList<>());
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        long start = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            running.add(senders.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    long sent = System.nanoTime();
                    String id = post(images.get(i));
                    synchronized (ids) {
                        ids.add(id);
                        sentAt.add(sent);
                    }
                }
                return null;
            }));
        }
        for (Future<?> sender : running) {
            sender.get();
        }
        senders.shutdown();
        listener.awaitAll(ids, Duration.ofMinutes(10));
        Histogram latency = histogram();
        long last = 0;
        for (int i = 0; i < ids.size(); i++) {
            long arrival = listener.arrival(ids.get(i));
            last = Math.max(last, arrival);
            latency.recordValue((arrival - sentAt.get(i)) / 1000);
        }
        return new Load(count, count / ((last - start) / 1e9), latency);
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

    private String post(byte[] jpeg) throws Exception {
        String caseId = "bench-" + System.currentTimeMillis() + "-" + cases.incrementAndGet();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create(stack.url("ingest-service") + "/api/v1/cases/" + caseId + "/images"))
                .header("Content-Type", "image/jpeg")
                .header("Authorization", "Bearer " + stack.logins().person(java.util.Set.of("scanner"), java.util.List.of("benchmark")))
                .POST(HttpRequest.BodyPublishers.ofByteArray(jpeg)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException("ingest answered " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body()).get("imageId").asText();
    }

    private static Histogram histogram() {
        return new Histogram(Duration.ofMinutes(30).toNanos() / 1000, 3);
    }

    @Override
    public void close() {
        listener.close();
    }
}
