package org.cytotriage.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.ImageRef;
import org.cytotriage.infra.RealInfrastructure;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Schema evolution against the real Apicurio Registry (global rule COMPATIBILITY=BACKWARD): a new
 * optional field with a default is accepted as version 2, a new required field is refused with 409,
 * and Avro's own reader/writer compatibility check agrees with the registry on both.
 */
class SchemaEvolutionTest {

    private static final String GROUP = "cytotriage-evolution-test";

    private static RegistryApi registry;

    @BeforeAll
    static void startInfrastructure() {
        registry = new RegistryApi(RealInfrastructure.shared().registry().apiUrl(), RealInfrastructure.shared().registry().adminAuthorization());
    }

    @Test
    void globalCompatibilityRuleIsBackward() {
        HttpResponse<String> response = registry.get("/admin/rules/COMPATIBILITY");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode rule = RegistryApi.json(response);
        assertThat(rule.path("type").asText()).isEqualTo("COMPATIBILITY");
        assertThat(rule.path("config").asText()).isEqualTo("BACKWARD");
    }

    @Test
    void registryAcceptsAnOptionalFieldAndRefusesARequiredOneAsAvroDoes() throws IOException {
        Schema current = ImageReceived.getClassSchema();
        Schema withOptionalField = withField(current,
                new Schema.Field("stainProtocol", Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                        "Staining protocol of the smear, when the scanner reports it.", JsonProperties.NULL_VALUE));
        Schema withRequiredField = withField(withOptionalField,
                new Schema.Field("scannerSerial", Schema.create(Schema.Type.STRING), "Serial number of the slide scanner.", null));
        String artifactId = "ImageReceived-evolution-" + UUID.randomUUID();
        String artifactPath = "/groups/" + RegistryApi.encode(GROUP) + "/artifacts/" + RegistryApi.encode(artifactId);

        // Version 1: the schema as the services use it today.
        HttpResponse<String> created = registry.post("/groups/" + RegistryApi.encode(GROUP) + "/artifacts", current.toString(),
                Map.of("X-Registry-ArtifactId", artifactId, "X-Registry-ArtifactType", "AVRO"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        JsonNode v1 = RegistryApi.json(created);
        assertThat(v1.path("id").asText()).isEqualTo(artifactId);
        assertThat(v1.path("groupId").asText()).isEqualTo(GROUP);
        assertThat(v1.path("type").asText()).isEqualTo("AVRO");
        assertThat(v1.path("version").asText()).isEqualTo("1");

        // Version 2: a new optional field with a default is BACKWARD compatible.
        HttpResponse<String> evolved = registry.post(artifactPath + "/versions", withOptionalField.toString(), Map.of());
        assertThat(evolved.statusCode()).as(evolved.body()).isEqualTo(200);
        assertThat(RegistryApi.json(evolved).path("version").asText()).isEqualTo("2");

        // A new required field without a default: the new reader could not read the old data.
        HttpResponse<String> refused = registry.post(artifactPath + "/versions", withRequiredField.toString(), Map.of());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(refused.body()).containsIgnoringCase("incompatib");
        System.out.printf("registry refused the required field: %s%n", refused.body());

        // The refusal left the artifact as it was: version 2 (with the optional field) is the latest.
        HttpResponse<String> meta = registry.get(artifactPath + "/meta");
        assertThat(meta.statusCode()).as(meta.body()).isEqualTo(200);
        assertThat(RegistryApi.json(meta).path("version").asText()).isEqualTo("2");
        HttpResponse<String> latest = registry.get(artifactPath);
        assertThat(latest.statusCode()).as(latest.body()).isEqualTo(200);
        assertThat(new Schema.Parser().parse(latest.body())).isEqualTo(withOptionalField);

        // Avro agrees: reader = new schema, writer = the schema the data was written with.
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(withOptionalField, current).getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(withRequiredField, withOptionalField).getType())
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(withRequiredField, current).getType())
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);

        // And it really reads it: bytes written with today's schema, read with the evolved one.
        ImageReceived written = ImageReceived.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setImageId(UUID.randomUUID().toString())
                .setCaseId("CASE-2025-000731")
                .setHospitalId("HOSP-LJUBLJANA-01")
                .setReceivedAt(Instant.parse("2025-11-23T09:15:42.123Z"))
                .setImage(ImageRef.newBuilder()
                        .setKey("images/9f/9f2c1e0a7b")
                        .setSha256("9f2c1e0a7b6d4c3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e")
                        .setMediaType("image/jpeg")
                        .setSizeBytes(1_482_113L)
                        .setWidth(2048)
                        .setHeight(1536)
                        .build())
                .setOriginalFileName("slide-731-field-04.jpg")
                .setSource("http")
                .build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<ImageReceived>(current).write(written, encoder);
        encoder.flush();
        GenericRecord read = new GenericDatumReader<GenericRecord>(current, withOptionalField)
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        assertThat(read.get("stainProtocol")).isNull();
        assertThat(read.get("caseId").toString()).isEqualTo("CASE-2025-000731");
        assertThat(read.get("receivedAt")).isEqualTo(written.getReceivedAt().toEpochMilli());
        assertThat(((GenericRecord) read.get("image")).get("sizeBytes")).isEqualTo(1_482_113L);
    }

    /** The record with one field added at the end; the other fields are copied unchanged. */
    private static Schema withField(Schema record, Schema.Field added) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : record.getFields()) {
            fields.add(new Schema.Field(field, field.schema()));
        }
        fields.add(added);
        Schema evolved = Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), record.isError(), fields);
        record.getObjectProps().forEach(evolved::addProp);
        return evolved;
    }
}
