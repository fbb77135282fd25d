package org.cytotriage.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.cytotriage.events.v1.DeadLetter;
import org.cytotriage.events.v1.DicomRef;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.ImageRef;
import org.cytotriage.events.v1.ManifestRef;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.events.v1.RetrainingRequested;
import org.cytotriage.events.v1.RetrainingTrigger;
import org.cytotriage.infra.RealInfrastructure;
import org.junit.jupiter.api.Test;

/**
 * Every released schema, kept as it was released (src/test/resources/released), against today's:
 * services on either version read each other's events during a rolling upgrade.
 */
class ReleasedSchemasTest {

    @Test
    void predictionMadeReadsAndIsReadByRelease10() throws IOException {
        Schema released = released("PredictionMade-1.0.avsc");
        Schema current = PredictionMade.getClassSchema();

        assertThat(released.getField("tileActivationMaps")).as("the field 1.1 added").isNull();
        assertReadEitherWay(released, current);
    }

    @Test
    void predictionMadeReadsAndIsReadByRelease11() throws IOException {
        Schema released = released("PredictionMade-1.1.avsc");
        Schema current = PredictionMade.getClassSchema();

        assertThat(released.getField("assessment")).as("the verdict 1.2 added").isNull();
        assertThat(released.getField("predictionSet")).as("the conformal set 1.2 added").isNull();
        assertReadEitherWay(released, current);
    }

    @Test
    void deadLetterReadsAndIsReadByRelease10() throws IOException {
        Schema released = released("DeadLetter-1.0.avsc");
        Schema current = DeadLetter.getClassSchema();

        assertThat(released.getField("sourceKey")).as("a field 1.1 added").isNull();
        assertReadEitherWay(released, current);
    }

    @Test
    void retrainingRequestedReadsAndIsReadByRelease11() throws IOException {
        Schema released = released("RetrainingRequested-1.1.avsc");
        Schema current = RetrainingRequested.getClassSchema();

        Schema releasedCase = released.getField("manifest").schema().getElementType();
        assertThat(releasedCase.getField("caseId")).as("the case 1.2 added to each confirmed image").isNull();
        assertReadEitherWay(released, current);
    }

    @Test
    void imageReceivedReadsAndIsReadByRelease10() throws IOException {
        Schema released = released("ImageReceived-1.0.avsc");
        Schema current = ImageReceived.getClassSchema();

        assertThat(released.getField("dicom")).as("the DICOM instance 1.1 added").isNull();
        assertReadEitherWay(released, current);

        // Bytes: an image that came by STOW-RS reads in 1.0 as the image it is, without its UIDs.
        ImageReceived today = ImageReceived.newBuilder().setEventId(UUID.randomUUID().toString()).setImageId(UUID.randomUUID().toString())
                .setCaseId("ACC-1").setHospitalId("hospital-a").setReceivedAt(Instant.parse("2027-01-05T09:00:00Z"))
                .setImage(ImageRef.newBuilder().setKey("hospital-a/sha256/ab/" + "ab".repeat(32)).setSha256("ab".repeat(32))
                        .setMediaType("image/jpeg").setSizeBytes(1234).setWidth(640).setHeight(480).build())
                .setOriginalFileName("1.2.3.4.dcm").setSource("dicomweb")
                .setDicom(DicomRef.newBuilder().setStudyInstanceUid("1.2.3").setSeriesInstanceUid("1.2.3.1").setSopInstanceUid("1.2.3.4")
                        .setSopClassUid("1.2.840.10008.5.1.4.1.1.77.1.2").build())
                .build();
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(written, null);
        new SpecificDatumWriter<ImageReceived>(current).write(today, encoder);
        encoder.flush();
        GenericRecord readBy10 = new GenericDatumReader<GenericRecord>(current, released)
                .read(null, DecoderFactory.get().binaryDecoder(written.toByteArray(), null));
        assertThat(readBy10.get("caseId").toString()).isEqualTo("ACC-1");
        assertThat(((GenericRecord) readBy10.get("image")).get("width")).isEqualTo(640);
        assertThat(readBy10.get("source").toString()).isEqualTo("dicomweb");
    }

    /** Services on either version read each other's events. */
    private static void assertReadEitherWay(Schema released, Schema current) {
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(current, released).getType())
                .as("today's consumers read released %s events", current.getName()).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(released, current).getType())
                .as("released %s consumers read today's events", current.getName()).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void retrainingRequestedReadsAndIsReadByRelease10() throws IOException {
        Schema released = released("RetrainingRequested-1.0.avsc");
        Schema current = RetrainingRequested.getClassSchema();

        assertThat(released.getField("manifestRef")).as("the claim check 1.1 added").isNull();
        assertThat(released.getField("manifest").defaultVal()).as("1.0's inline manifest had no default").isNull();
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(current, released).getType())
                .as("today's consumers read 1.0 requests").isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(released, current).getType())
                .as("1.0 consumers read today's requests").isEqualTo(SchemaCompatibilityType.COMPATIBLE);

        // Bytes, both ways: a 1.1 request reads in 1.0 as one with an empty inline manifest ...
        RetrainingRequested today = RetrainingRequested.newBuilder().setEventId(UUID.randomUUID().toString())
                .setRequestedAt(Instant.parse("2027-07-10T00:00:00Z")).setTrigger(RetrainingTrigger.SCHEDULED).setReason("six months")
                .setLiveModel(ModelRef.newBuilder().setName("thyroideffi-basic").setVersion("1.3.0").setSha256("a".repeat(64)).build())
                .setManifestRef(ManifestRef.newBuilder().setKey("sha256/ab/" + "ab".repeat(32)).setSha256("ab".repeat(32))
                        .setEntries(50_000).setSizeBytes(1_234_567L).build())
                .build();
        assertThat(today.getManifest()).as("the inline manifest defaults to empty").isEmpty();
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(written, null);
        new SpecificDatumWriter<RetrainingRequested>(current).write(today, encoder);
        encoder.flush();
        GenericRecord readBy10 = new GenericDatumReader<GenericRecord>(current, released)
                .read(null, DecoderFactory.get().binaryDecoder(written.toByteArray(), null));
        assertThat(readBy10.get("eventId").toString()).isEqualTo(today.getEventId());
        assertThat((List<?>) readBy10.get("manifest")).isEmpty();

        // ... and a 1.0 request reads today with its inline manifest and no claim check.
        GenericRecord old = new GenericData.Record(released);
        old.put("eventId", UUID.randomUUID().toString());
        old.put("requestedAt", 1_800_000_000_000L);
        old.put("trigger", new GenericData.EnumSymbol(released.getField("trigger").schema(), "DRIFT"));
        old.put("reason", "class mix");
        GenericRecord model = new GenericData.Record(released.getField("liveModel").schema());
        model.put("name", "thyroideffi-basic");
        model.put("version", "1.2.0");
        model.put("sha256", "b".repeat(64));
        old.put("liveModel", model);
        Schema entrySchema = released.getField("manifest").schema().getElementType();
        GenericRecord entry = new GenericData.Record(entrySchema);
        entry.put("imageId", UUID.randomUUID().toString());
        entry.put("imageKey", "sha256/cd/" + "cd".repeat(32));
        entry.put("bethesdaCategory", new GenericData.EnumSymbol(entrySchema.getField("bethesdaCategory").schema(), "V"));
        entry.put("group", new GenericData.EnumSymbol(entrySchema.getField("group").schema(), "INDETERMINATE"));
        entry.put("hospitalId", "hospital-a");
        old.put("manifest", List.of(entry));
        ByteArrayOutputStream oldBytes = new ByteArrayOutputStream();
        BinaryEncoder oldEncoder = EncoderFactory.get().binaryEncoder(oldBytes, null);
        new GenericDatumWriter<GenericRecord>(released).write(old, oldEncoder);
        oldEncoder.flush();
        RetrainingRequested readToday = new SpecificDatumReader<RetrainingRequested>(released, current)
                .read(null, DecoderFactory.get().binaryDecoder(oldBytes.toByteArray(), null));
        assertThat(readToday.getManifestRef()).isNull();
        assertThat(readToday.getManifest()).singleElement().satisfies(c -> assertThat(c.getHospitalId()).isEqualTo("hospital-a"));
    }

    @Test
    void theRegistryTakesRetrainingRequested11AsTheNextVersionOf10() throws IOException {
        RegistryApi registry = new RegistryApi(RealInfrastructure.shared().registry().apiUrl(), RealInfrastructure.shared().registry().adminAuthorization());
        String group = "cytotriage-released-test";
        String artifactId = "fnab.retraining-value-" + UUID.randomUUID();
        HttpResponse<String> v10 = registry.post("/groups/" + RegistryApi.encode(group) + "/artifacts",
                released("RetrainingRequested-1.0.avsc").toString(), Map.of("X-Registry-ArtifactId", artifactId, "X-Registry-ArtifactType", "AVRO"));
        assertThat(v10.statusCode()).as(v10.body()).isEqualTo(200);

        // The global rule is BACKWARD (SchemaEvolutionTest): the registry refuses what 1.0's data could not be read with.
        HttpResponse<String> v11 = registry.post("/groups/" + RegistryApi.encode(group) + "/artifacts/" + RegistryApi.encode(artifactId)
                + "/versions", RetrainingRequested.getClassSchema().toString(), Map.of());
        assertThat(v11.statusCode()).as(v11.body()).isEqualTo(200);
        assertThat(RegistryApi.json(v11).path("version").asText()).isEqualTo("2");
    }

    private static Schema released(String name) throws IOException {
        try (InputStream in = ReleasedSchemasTest.class.getResourceAsStream("/released/" + name)) {
            return new Schema.Parser().parse(in);
        }
    }
}
