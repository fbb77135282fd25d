package org.cytotriage.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.cytotriage.events.Topics;
import org.cytotriage.infra.RealInfrastructure;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;

/**
 * Notes when each PredictionMade arrives, by image id, as a downstream service would see it
 * (Avro through the registry). Starts at the end of the topic: only predictions made after it
 * started count.
 */
final class PredictionListener implements AutoCloseable {

    private final Map<String, Long> arrivals = new ConcurrentHashMap<>();
    private final Map<String, String> models = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean assigned = new AtomicBoolean();
    private final Thread thread;

    PredictionListener(RealInfrastructure infra) {
        thread = new Thread(() -> listen(infra), "prediction-listener");
        thread.setDaemon(true);
        thread.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!assigned.get()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the prediction listener got no partitions in 30 s");
            }
            Thread.onSpinWait();
        }
    }

    private void listen(RealInfrastructure infra) {
        Map<String, Object> config = new java.util.HashMap<>(infra.kafka().adminConfig());
        config.putAll(infra.registry().serdeConfig());
        config.putAll(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "benchmark-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroKafkaDeserializer.class.getName()));
        try (KafkaConsumer<String, GenericRecord> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(Topics.PREDICTIONS));
            while (running.get()) {
                var records = consumer.poll(Duration.ofMillis(20));
                long now = System.nanoTime();
                if (!consumer.assignment().isEmpty()) {
                    assigned.set(true);
                }
                for (ConsumerRecord<String, GenericRecord> record : records) {
                    String imageId = record.value().get("imageId").toString();
                    arrivals.putIfAbsent(imageId, now);
                    models.putIfAbsent(imageId, ((GenericRecord) record.value().get("model")).get("name").toString());
                }
            }
        }
    }

    /** When the prediction of an image arrived (System.nanoTime), or null. */
    Long arrival(String imageId) {
        return arrivals.get(imageId);
    }

    String model(String imageId) {
        return models.get(imageId);
    }

    /** Waits until every image has its prediction. */
    void awaitAll(List<String> imageIds, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String id : imageIds) {
            while (!arrivals.containsKey(id)) {
                if (System.nanoTime() > deadline) {
                    long missing = imageIds.stream().filter(i -> !arrivals.containsKey(i)).count();
                    throw new IllegalStateException(missing + " of " + imageIds.size() + " predictions missing after " + timeout);
                }
                sleep(5);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
