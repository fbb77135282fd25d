package org.cytotriage.drills;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.cytotriage.events.Topics;
import org.cytotriage.infra.RealInfrastructure;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;

/**
 * Reads fnab.images, fnab.predictions, fnab.explanations and fnab.deadletter from the beginning, in
 * the background, as a downstream service would (Avro through the registry, like test-infra's
 * TopicReader), and keeps the event ids per image of the cases whose id starts with the run's
 * prefix, and every dead letter. It rides out the drills: the Kafka client reconnects by itself; a
 * record it cannot read is counted and skipped.
 */
final class TopicWatch implements AutoCloseable {

    static final List<String> TOPICS = List.of(Topics.IMAGES, Topics.PREDICTIONS, Topics.EXPLANATIONS, Topics.DEAD_LETTER);

    private final Map<String, Map<String, Set<String>>> events = new ConcurrentHashMap<>();
    private final List<TopicSnapshot.DeadLetterSeen> deadLetters = new ArrayList<>();
    private final AtomicInteger unreadable = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final String casePrefix;
    private final Thread thread;

    TopicWatch(RealInfrastructure infra, String casePrefix) {
        this.casePrefix = casePrefix;
        thread = new Thread(() -> watch(infra), "drill-topic-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void watch(RealInfrastructure infra) {
        Map<String, Object> config = new java.util.HashMap<>(infra.kafka().adminConfig());
        config.putAll(infra.registry().serdeConfig());
        config.putAll(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "fault-drills-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroKafkaDeserializer.class.getName(),
                "apicurio.registry.use-specific-avro-reader", "false"));
        try (KafkaConsumer<String, GenericRecord> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(TOPICS);
            while (running.get()) {
                try {
                    for (ConsumerRecord<String, GenericRecord> record : consumer.poll(Duration.ofMillis(250))) {
                        note(record.topic(), record.value());
                    }
                } catch (RecordDeserializationException e) {
                    unreadable.incrementAndGet();
                    System.err.printf("  (topic watch: record %s@%d unreadable, skipped: %s)%n", e.topicPartition(), e.offset(),
                            e.getCause() == null ? e.getMessage() : e.getCause().toString());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                }
            }
        } catch (RuntimeException e) {
            if (running.get()) {
                System.err.println("  (topic watch stopped: " + e + ")");
            }
        }
    }

    private void note(String topic, GenericRecord value) {
        if (value == null) {
            return;
        }
        String caseId = text(value, "caseId");
        String imageId = text(value, "imageId");
        if (topic.equals(Topics.DEAD_LETTER)) {
            // A dead letter for a record that could not be read may name only the record's key (the case id).
            String named = caseId != null ? caseId : text(value, "sourceKey");
            if (named != null ? named.startsWith(casePrefix) : imageId != null) {
                synchronized (deadLetters) {
                    deadLetters.add(new TopicSnapshot.DeadLetterSeen(imageId, named, text(value, "service"), text(value, "reason")));
                }
            }
            return;
        }
        if (caseId == null || !caseId.startsWith(casePrefix)) {
            return;
        }
        if (imageId != null) {
            events.computeIfAbsent(topic, t -> new ConcurrentHashMap<>()).computeIfAbsent(imageId, i -> ConcurrentHashMap.newKeySet())
                    .add(text(value, "eventId"));
        }
    }

    private static String text(GenericRecord value, String field) {
        if (!value.hasField(field)) {
            return null;
        }
        Object text = value.get(field);
        return text == null ? null : text.toString();
    }

    /** What has been read so far of the cases whose id starts with {@code prefix}. */
    TopicSnapshot snapshot(String prefix, Set<String> imageIds) {
        Map<String, Map<String, Set<String>>> copy = new ConcurrentHashMap<>();
        events.forEach((topic, perImage) -> {
            Map<String, Set<String>> selected = new ConcurrentHashMap<>();
            perImage.forEach((imageId, ids) -> {
                if (imageIds.contains(imageId)) {
                    selected.put(imageId, Set.copyOf(ids));
                }
            });
            copy.put(topic, selected);
        });
        List<TopicSnapshot.DeadLetterSeen> letters;
        synchronized (deadLetters) {
            letters = deadLetters.stream().filter(letter -> letter.caseId() != null ? letter.caseId().startsWith(prefix)
                    : imageIds.contains(letter.imageId())).toList();
        }
        return new TopicSnapshot(copy, letters, unreadable.get());
    }

    /** Records read but not readable so far (all drills). */
    int unreadable() {
        return unreadable.get();
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
