package org.cytotriage.infra;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import io.apicurio.registry.serde.avro.AvroKafkaSerializer;

/** Publishes an event the way an upstream service would (Avro through the registry), for tests. */
public final class TopicWriter {

    private final RealInfrastructure infra;

    public TopicWriter(RealInfrastructure infra) {
        this.infra = infra;
    }

    public void send(String topic, String key, SpecificRecord event) {
        sendAll(topic, List.of(event), e -> key);
    }

    /** Publishes the events in order through one producer, and waits until the broker has them all. */
    public <T extends SpecificRecord> void sendAll(String topic, List<T> events, Function<T, String> key) {
        Map<String, Object> config = new HashMap<>(infra.kafka().adminConfig());
        config.putAll(infra.registry().serdeConfig());
        config.putAll(Map.of(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class.getName(),
                "apicurio.registry.auto-register", "true"));
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config)) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (T event : events) {
                sent.add(producer.send(new ProducerRecord<>(topic, key.apply(event), event)));
            }
            for (Future<RecordMetadata> ack : sent) {
                ack.get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot publish to " + topic, e);
        }
    }
}
