package org.cytotriage.poison;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cytotriage.events.FieldLimits;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.DeadLetter;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicReader;

import io.apicurio.registry.serde.avro.AvroKafkaSerializer;

/**
 * Builds the bad records of one topic and publishes them, in order, through the real broker and
 * registry. Every topic gets the records no consumer can read or must refuse whatever it does:
 * bytes that are not Avro, an unknown schema id, a schema the reader cannot resolve, a valid record
 * of another event, and each string field of the topic's event at its schema bound (must pass) and
 * one past it (must be refused). A test adds what is bad for its service in particular
 * ({@link #add}) and then sends valid records after the corpus.
 */
public final class PoisonCorpus {

    private final RealInfrastructure infra;
    private final String topic;
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final List<Poison> records = new ArrayList<>();

    public PoisonCorpus(RealInfrastructure infra, String topic) {
        this.infra = infra;
        this.topic = topic;
    }

    /** The key prefix of this corpus's records: dead letters carry the key, so a test finds its own. */
    public String keyPrefix() {
        return "poison-" + run + "-";
    }

    public List<Poison> records() {
        return List.copyOf(records);
    }

    /**
     * The records every consumer of a topic carrying {@code template}'s event must cope with.
     *
     * @param template a valid event of the topic, copied for the bound variants
     * @param otherEvent a valid event of another kind
     * @param fresh gives each bound variant its own identity (new event and image ids), so that a
     *        consumer that skips what it has seen really processes each one
     */
    public <T extends SpecificRecord> PoisonCorpus common(T template, SpecificRecord otherEvent, java.util.function.UnaryOperator<T> fresh) {
        raw("bytes that are not Avro", "this is not an Avro record".getBytes(StandardCharsets.UTF_8), "cannot be read as");
        // Apicurio's framing: magic byte 0, then a 4-byte content id no registry has issued.
        raw("an unknown schema id", new byte[] {0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xfe, 2, 'x'}, "cannot be read as");
        add("a schema the reader cannot resolve", unresolvable(template.getSchema()), "poison-unresolvable-" + run, "cannot be read as");
        // In a group of its own: as a version of the topic's own schema the registry would refuse it (BACKWARD).
        add("a valid record of the wrong schema (" + otherEvent.getSchema().getName() + ")", otherEvent, "poison-wrong-" + run,
                "is a " + otherEvent.getSchema().getFullName());
        for (String path : stringPaths(template.getSchema(), "")) {
            int limit = limitOf(template.getSchema(), path);
            T atLimit = fresh.apply(SpecificData.get().deepCopy(template.getSchema(), template));
            set(atLimit, path, filler(limit));
            add(path + " at its bound (" + limit + ")", atLimit, null, null);
            T pastLimit = fresh.apply(SpecificData.get().deepCopy(template.getSchema(), template));
            set(pastLimit, path, filler(limit + 1));
            add(path + " one past its bound (" + (limit + 1) + ")", pastLimit, null, path + " has " + (limit + 1) + " characters");
        }
        return this;
    }

    /**
     * A valid Avro record that the consumer must refuse, with a fragment of the reason it must give.
     * A generic record (a schema of the test's own making) is registered in a group of its own, so it
     * does not become a version of the topic's schema.
     */
    public PoisonCorpus add(String name, IndexedRecord record, String reason) {
        return add(name, record, record instanceof SpecificRecord ? null : "poison-" + run + "-" + records.size(), reason);
    }

    /**
     * {@code event} written with its own schema changed by {@code rewrite} (the schema's JSON), then
     * its values changed by {@code change}: e.g. an enum with a symbol the topic's readers do not know.
     */
    public PoisonCorpus addRewritten(String name, SpecificRecord event, java.util.function.UnaryOperator<String> rewrite,
            java.util.function.Consumer<GenericRecord> change, String reason) {
        Schema changed = new Schema.Parser().parse(rewrite.apply(event.getSchema().toString()));
        GenericRecord record = new GenericData.Record(changed);
        for (Schema.Field field : changed.getFields()) {
            Object value = event.get(event.getSchema().getField(field.name()).pos());
            Schema type = nonNull(field.schema());
            record.put(field.name(), value instanceof Enum<?> symbol ? new GenericData.EnumSymbol(type, symbol.name())
                    : value instanceof java.time.Instant instant ? instant.toEpochMilli() : value);
        }
        change.accept(record);
        return add(name, record, reason);
    }

    /** Bytes as they are, with no schema at all. */
    public PoisonCorpus raw(String name, byte[] value, String reason) {
        records.add(new Poison(name, topic, nextKey(), value, new RecordHeaders(), reason));
        return this;
    }

    /** What became of one record at one service: the dead letters it got there (none for a record processed). */
    public record Verdict(Poison poison, String service, List<DeadLetter> letters) {

        /** As a row of the table in the closing notes: record, service, what happened. */
        public String row() {
            String happened = letters.isEmpty() ? "processed"
                    : letters.stream().map(l -> "dead letter: " + l.getReason()).reduce((a, b) -> a + " / " + b).orElseThrow();
            return "| " + poison.topic() + ": " + poison.name() + " | " + service + " | " + happened.replace("|", "\\|") + " |";
        }
    }

    /**
     * The dead letters {@code service} published about this corpus, one verdict a record, read until
     * every record that must be refused has one, or {@code timeout} passes (then the verdicts show
     * what is missing).
     */
    public List<Verdict> verdicts(String service, Duration timeout) {
        long refused = records.stream().filter(p -> !p.mustBeProcessed()).count();
        List<ConsumerRecord<String, DeadLetter>> letters = new TopicReader(infra).read(Topics.DEAD_LETTER, DeadLetter.class,
                d -> service.equals(d.getService()) && d.getSourceKey() != null && d.getSourceKey().startsWith(keyPrefix()),
                found -> found.stream().map(r -> r.value().getSourceKey()).distinct()
                        .filter(key -> records.stream().anyMatch(p -> p.key().equals(key) && !p.mustBeProcessed())).count() >= refused,
                timeout);
        return records.stream().map(poison -> new Verdict(poison, service, letters.stream().map(ConsumerRecord::value)
                .filter(d -> poison.key().equals(d.getSourceKey())).toList())).toList();
    }

    /** Publishes the corpus in order and waits until the broker has every record. */
    public void send() {
        Map<String, Object> config = new java.util.HashMap<>(infra.kafka().adminConfig());
        config.putAll(Map.of(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config)) {
            List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
            for (Poison poison : records) {
                acks.add(producer.send(new ProducerRecord<>(topic, null, poison.key(), poison.value(), poison.headers())));
            }
            for (java.util.concurrent.Future<?> ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot publish the poison corpus to " + topic, e);
        }
    }

    private PoisonCorpus add(String name, IndexedRecord record, String group, String reason) {
        RecordHeaders headers = new RecordHeaders();
        records.add(new Poison(name, topic, nextKey(), serialize(record, group, headers), headers, reason));
        return this;
    }

    private String nextKey() {
        return keyPrefix() + records.size();
    }

    /**
     * Serialised the way a producer would, through the registry. A group of its own puts a schema
     * the topic's compatibility rule would refuse beside the topic's, as a rogue producer can.
     */
    private byte[] serialize(IndexedRecord record, String group, RecordHeaders headers) {
        Map<String, Object> config = new java.util.HashMap<>(infra.registry().serdeConfig());
        config.put("apicurio.registry.auto-register", "true");
        if (group != null) {
            config.put("apicurio.registry.artifact.group-id", group);
        }
        try (AvroKafkaSerializer<IndexedRecord> serializer = new AvroKafkaSerializer<>()) {
            serializer.configure(config, false);
            return serializer.serialize(topic, headers, record);
        }
    }

    /** A record of the event's own name whose first field has another type: Avro's resolution must fail. */
    private static GenericRecord unresolvable(Schema event) {
        Schema.Field first = event.getFields().get(0);
        Schema rogue = SchemaBuilder.record(event.getName()).namespace(event.getNamespace()).fields()
                .name(first.name()).type().intType().noDefault().endRecord();
        GenericRecord record = new GenericData.Record(rogue);
        record.put(first.name(), 42);
        return record;
    }

    private static List<String> stringPaths(Schema record, String prefix) {
        List<String> paths = new ArrayList<>();
        for (Schema.Field field : record.getFields()) {
            Schema type = nonNull(field.schema());
            if (type.getType() == Schema.Type.STRING) {
                paths.add(prefix + field.name());
            } else if (type.getType() == Schema.Type.RECORD) {
                paths.addAll(stringPaths(type, prefix + field.name() + "."));
            }
        }
        return paths;
    }

    private static int limitOf(Schema record, String path) {
        int dot = path.indexOf('.');
        if (dot < 0) {
            OptionalInt limit = FieldLimits.maxLength(record, path);
            return limit.orElseThrow(() -> new IllegalStateException(record.getName() + "." + path + " has no maxLength"));
        }
        return limitOf(nonNull(record.getField(path.substring(0, dot)).schema()), path.substring(dot + 1));
    }

    private static void set(IndexedRecord record, String path, String value) {
        int dot = path.indexOf('.');
        Schema.Field field = record.getSchema().getField(dot < 0 ? path : path.substring(0, dot));
        if (dot < 0) {
            record.put(field.pos(), value);
        } else {
            if (record.get(field.pos()) == null) {
                record.put(field.pos(), absent(nonNull(field.schema())));
            }
            set((IndexedRecord) record.get(field.pos()), path.substring(dot + 1), value);
        }
    }

    /**
     * An optional record the template leaves out (ImageReceived's {@code dicom}), made so that its
     * strings can be set at their bounds: every string "1", which is within any bound and a valid UID.
     */
    private static IndexedRecord absent(Schema schema) {
        IndexedRecord made = (IndexedRecord) SpecificData.get().newRecord(null, schema);
        for (Schema.Field field : schema.getFields()) {
            if (nonNull(field.schema()).getType() != Schema.Type.STRING) {
                throw new IllegalStateException(schema.getName() + "." + field.name() + " is not a string: give the template a "
                        + schema.getName() + " to vary");
            }
            made.put(field.pos(), "1");
        }
        return made;
    }

    private static Schema nonNull(Schema schema) {
        return schema.getType() == Schema.Type.UNION
                ? schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).findFirst().orElseThrow()
                : schema;
    }

    /** A value of exactly {@code length} characters, different for every call so no two ids collide. */
    private static String filler(int length) {
        String unique = UUID.randomUUID().toString().replace("-", "");
        StringBuilder value = new StringBuilder(length);
        while (value.length() < length) {
            value.append(unique);
        }
        return value.substring(0, length);
    }
}
