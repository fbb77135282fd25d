package org.cytotriage.events.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.ImageRef;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.apicurio.registry.serde.avro.AvroKafkaSerializer;

/**
 * The schema registry as production runs it: every call authenticated, producers registering
 * nothing (auto-register off), the build's schemas registered by the deploy step. A producer
 * finds what the step registered; a schema the step did not register is refused, and registering
 * an incompatible one is refused by the registry's compatibility rule.
 */
class SchemaRegistrationTest {

    private static final RealInfrastructure INFRA = RealInfrastructure.shared();
    private static final String PRODUCER = "ingest-service";

    @BeforeAll
    static void theDeployStepRegistersTheBuildsSchemas() {
        List<String> answers = SchemaRegistration.register(INFRA.registry().apiUrl(), "admin", INFRA.registry().password("admin"));
        assertThat(answers).hasSize(SchemaRegistration.TOPIC_SCHEMAS.size());
        // Again, as with every release: the unchanged schemas are found, nothing is refused.
        assertThat(SchemaRegistration.register(INFRA.registry().apiUrl(), "admin", INFRA.registry().password("admin")))
                .hasSize(SchemaRegistration.TOPIC_SCHEMAS.size());
    }

    @Test
    void aProducerThatRegistersNothingFindsTheRegisteredSchemaAndItsRecordIsRead() throws Exception {
        ImageReceived image = imageReceived();
        try (KafkaProducer<String, Object> producer = producer(false)) {
            producer.send(new ProducerRecord<>(Topics.IMAGES, image.getCaseId(), image)).get(30, TimeUnit.SECONDS);
        }
        List<ConsumerRecord<String, ImageReceived>> read = new TopicReader(INFRA).read(Topics.IMAGES, ImageReceived.class,
                received -> received.getEventId().equals(image.getEventId()), found -> !found.isEmpty(), Duration.ofSeconds(30));
        assertThat(read).singleElement().satisfies(record -> assertThat(record.value()).isEqualTo(image));
    }

    @Test
    void aSchemaTheDeployStepDidNotRegisterIsRefusedAndAnIncompatibleOneCannotBeRegistered() {
        // ImageReceived with a required field the registered version does not have: not BACKWARD compatible.
        Schema changed = SchemaBuilder.record(ImageReceived.getClassSchema().getName()).namespace(ImageReceived.getClassSchema().getNamespace())
                .fields().requiredString("eventId").requiredString("scannerSerial").endRecord();
        GenericRecord record = new GenericData.Record(changed);
        record.put("eventId", UUID.randomUUID().toString());
        record.put("scannerSerial", "SN-1");

        try (KafkaProducer<String, Object> producer = producer(false)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.IMAGES, "case-unregistered", record)).get(30, TimeUnit.SECONDS))
                    .as("not registered, and the producer may not register it").isNotNull();
        }
        assertThatThrownBy(() -> SchemaRegistration.register(INFRA.registry().apiUrl(), "admin", INFRA.registry().password("admin"),
                Topics.IMAGES + "-value", changed))
                .isInstanceOf(SchemaRegistration.RefusedException.class).hasMessageContaining("409");
    }

    @Test
    void theRegistryAnswersNoCallWithoutValidCredentials() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI info = URI.create(INFRA.registry().apiUrl() + "/system/info");
        assertThat(http.send(HttpRequest.newBuilder(info).build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);
        String wrong = "Basic " + java.util.Base64.getEncoder().encodeToString((PRODUCER + ":not-its-password").getBytes());
        assertThat(http.send(HttpRequest.newBuilder(info).header("Authorization", wrong).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode()).isEqualTo(401);
        assertThatThrownBy(() -> SchemaRegistration.register(INFRA.registry().apiUrl(), PRODUCER, "not-its-password"))
                .isInstanceOf(SchemaRegistration.RefusedException.class).hasMessageContaining("401");
    }

    private static KafkaProducer<String, Object> producer(boolean autoRegister) {
        Map<String, Object> config = new HashMap<>(INFRA.kafka().clientConfig(PRODUCER));
        config.putAll(INFRA.registry().serdeConfig(PRODUCER));
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class.getName());
        config.put("apicurio.registry.auto-register", String.valueOf(autoRegister));
        config.put("apicurio.registry.dereference-schema", "true");
        return new KafkaProducer<>(config);
    }

    private static ImageReceived imageReceived() {
        return ImageReceived.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setImageId(UUID.randomUUID().toString())
                .setCaseId("case-registration")
                .setHospitalId("hospital-a")
                .setReceivedAt(Instant.parse("2026-12-01T09:00:00Z"))
                .setImage(ImageRef.newBuilder().setKey("images/ab/registration").setSha256("ab".repeat(32)).setMediaType("image/png")
                        .setSizeBytes(1000L).setWidth(10).setHeight(10).build())
                .setOriginalFileName("registration.png")
                .setSource("http")
                .build();
    }
}
