package org.cytotriage.infra;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;

/**
 * Reads a topic from the beginning the way a downstream service would (Avro through the registry),
 * for tests that assert on what was really published. It reads by assignment, every partition from
 * its start, without a consumer group: a group join waits on the broker's group coordinator and its
 * rebalances, which a test's read has no use for.
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
        // Records are read generically and copied into the caller's event class with the caller's
        // class loader: inside a @QuarkusTest the serde would otherwise load a second copy of it.
        SpecificData specific = new SpecificData(type.getClassLoader());
        specific.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        Schema schema = specific.getSchema(type);
        List<ConsumerRecord<String, T>> found = new ArrayList<>();
        Map<String, Object> config = new HashMap<>(infra.kafka().adminConfig());
        config.putAll(infra.registry().serdeConfig());
        config.putAll(Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroKafkaDeserializer.class.getName(),
                "apicurio.registry.use-specific-avro-reader", "false"));
        Instant deadline = Instant.now().plus(timeout);
        try (KafkaConsumer<String, GenericRecord> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (Instant.now().isBefore(deadline) && !until.test(found)) {
                ConsumerRecords<String, GenericRecord> polled;
                try {
                    polled = consumer.poll(Duration.ofMillis(250));
                } catch (RecordDeserializationException unreadable) {
                    // A poison record (the services' tests put some on every topic): not what a test reads, so past it.
                    consumer.seek(unreadable.topicPartition(), unreadable.offset() + 1);
                    continue;
                }
                for (ConsumerRecord<String, GenericRecord> record : polled) {
                    T value;
                    try {
                        value = toSpecific(record.value(), schema, specific);
                    } catch (RuntimeException otherEvent) {
                        continue; // a record of another schema, as the poison corpus publishes: not one of the caller's
                    }
                    if (match.test(value)) {
                        // Headers kept: tests read the trace context the services propagate.
                        found.add(new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.timestamp(),
                                record.timestampType(), record.serializedKeySize(), record.serializedValueSize(), record.key(), value,
                                record.headers(), record.leaderEpoch()));
                    }
                }
            }
        }
        if (!until.test(found)) {
            // A read whose condition never held: either a test showing that nothing comes (then this is
            // noise), or one that waited in vain, which what the services' consumers were doing explains.
            System.err.printf("TopicReader: %s read for %s, its condition not met (%d matching); the broker's consumer groups:%n%s%n",
                    topic, timeout, found.size(), ConsumerGroups.describe(infra.kafka()));
        }
        return found;
    }

    /** Re-reads a generic record as the generated class, with its logical types (timestamps). */
    private static <T> T toSpecific(GenericRecord generic, Schema schema, SpecificData specific) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
            new GenericDatumWriter<GenericRecord>(generic.getSchema()).write(generic, encoder);
            encoder.flush();
            return new SpecificDatumReader<T>(generic.getSchema(), schema, specific)
                    .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
