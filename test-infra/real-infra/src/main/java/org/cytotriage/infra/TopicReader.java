package org.cytotriage.infra;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;

/**
 * Reads a topic from the beginning the way a downstream service would (Avro through the registry),
 * for tests that assert on what was really published.
 */
public final class TopicReader {

    private final RealInfrastructure infra;

    public TopicReader(RealInfrastructure infra) {
        this.infra = infra;
    }

    /**
     * Everything on the topic that matches, reading until {@code until} holds for the matches or the
     * timeout passes (then whatever was found is returned, so the caller's assertion explains).
     */
    public <T> List<ConsumerRecord<String, T>> read(String topic, Class<T> type, Predicate<T> match,
            Predicate<List<ConsumerRecord<String, T>>> until, Duration timeout) {
        List<ConsumerRecord<String, T>> found = new ArrayList<>();
        try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "topic-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroKafkaDeserializer.class.getName(),
                "apicurio.registry.url", infra.registry().apiUrl(),
                "apicurio.registry.use-specific-avro-reader", "true"))) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plus(timeout);
            while (Instant.now().isBefore(deadline) && !until.test(found)) {
                for (ConsumerRecord<String, T> record : consumer.poll(Duration.ofMillis(250))) {
                    if (type.isInstance(record.value()) && match.test(record.value())) {
                        found.add(record);
                    }
                }
            }
        }
        return found;
    }
}
