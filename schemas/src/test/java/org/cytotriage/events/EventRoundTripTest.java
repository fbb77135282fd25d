package org.cytotriage.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.events.v1.ActivationMaps;
import org.cytotriage.events.v1.BethesdaCategory;
import org.cytotriage.events.v1.ClassProbabilities;
import org.cytotriage.events.v1.ConfirmedCase;
import org.cytotriage.events.v1.DeadLetter;
import org.cytotriage.events.v1.DiagnosisRecorded;
import org.cytotriage.events.v1.ExplanationReady;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.ImageRef;
import org.cytotriage.events.v1.ModelPublished;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.events.v1.RetrainingRequested;
import org.cytotriage.events.v1.RetrainingTrigger;
import org.cytotriage.events.v1.TreatmentGroup;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.infra.TopicWriter;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Every event kind survives the real path: the Apicurio serde registers its schema in the real
 * registry, the real broker carries it, and the registry's deserializer gives back an equal record.
 */
class EventRoundTripTest {

    private static final Instant AT = Instant.parse("2025-11-23T09:15:42.123Z");
    private static final String CASE_ID = "CASE-2025-000731";
    private static final String HOSPITAL_ID = "HOSP-LJUBLJANA-01";
    private static final String IMAGE_ID = "5b0c6f3e-8d2a-5e41-9c7b-2f1d0a3e4b6c";
    private static final ImageRef IMAGE = ImageRef.newBuilder()
            .setKey("images/9f/9f2c1e0a7b6d4c3e")
            .setSha256("9f2c1e0a7b6d4c3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e")
            .setMediaType("image/jpeg")
            .setSizeBytes(1_482_113L)
            .setWidth(2048)
            .setHeight(1536)
            .build();
    private static final ModelRef MODEL = ModelRef.newBuilder()
            .setName("thyroid-fnab-premium")
            .setVersion("2025.11.1")
            .setSha256("0d4e1f7a2b9c8d3e6f5a4b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e")
            .build();

    @Test
    void everyEventKindRoundTripsThroughKafkaAndTheRegistry() {
        RealInfrastructure infra = RealInfrastructure.shared();
        TopicWriter writer = new TopicWriter(infra);
        TopicReader reader = new TopicReader(infra);
        RegistryApi registry = new RegistryApi(infra.registry().apiUrl(), infra.registry().adminAuthorization());

        Map<String, SpecificRecord> events = new LinkedHashMap<>();
        events.put(CASE_ID, imageReceived());
        events.put(CASE_ID + "#prediction", predictionMade());
        events.put(CASE_ID + "#explanation", explanationReady());
        events.put(CASE_ID + "#diagnosis", diagnosisRecorded());
        events.put(MODEL.getName() + "#retraining", retrainingRequested());
        events.put(MODEL.getName(), modelPublished());
        events.put(CASE_ID + "#dead-letter", deadLetter());

        List<String> groups = new ArrayList<>();
        for (Map.Entry<String, SpecificRecord> entry : events.entrySet()) {
            SpecificRecord sent = entry.getValue();
            String kind = sent.getSchema().getName();
            String key = entry.getKey().replaceAll("#.*", "");
            String topic = "roundtrip." + kind + "." + UUID.randomUUID();

            writer.send(topic, key, sent);
            List<? extends ConsumerRecord<String, ? extends SpecificRecord>> received =
                    reader.read(topic, sent.getClass(), e -> true, found -> !found.isEmpty(), Duration.ofSeconds(30));

            assertThat(received).as("%s read back from %s", kind, topic).hasSize(1);
            assertThat(received.get(0).key()).isEqualTo(key);
            assertThat(received.get(0).value()).as(kind).isInstanceOf(sent.getClass()).isEqualTo(sent);

            groups.add(assertRegistered(registry, topic + "-value", sent.getSchema()));
        }
        assertThat(groups).as("registry group of every serde-registered artifact").hasSize(7).containsOnly(groups.get(0));
        System.out.printf("the Apicurio serde registered every schema in registry group '%s'%n", groups.get(0));
    }

    /**
     * The serde registered the value schema under "{topic}-value"; returns the artifact's group. The
     * 3.x serde registers each nested named type (ImageRef, ModelRef, the enums...) as an artifact of
     * its own, named by its full name, and the value schema refers to them: the registered schema is
     * read back with its references resolved and must be the generated class's schema.
     */
    private static String assertRegistered(RegistryApi registry, String artifactId, Schema schema) {
        HttpResponse<String> search = registry.get("/search/artifacts?limit=1000");
        assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
        List<JsonNode> matches = new ArrayList<>();
        RegistryApi.json(search).path("artifacts").forEach(a -> {
            if (artifactId.equals(a.path("id").asText())) {
                matches.add(a);
            }
        });
        assertThat(matches).as("artifact %s in %s", artifactId, search.body()).hasSize(1);
        JsonNode found = matches.get(0);
        assertThat(found.path("type").asText()).isEqualTo("AVRO");
        // The registry names an Avro artifact after its record, so search?name= finds the record name, not the id.
        assertThat(found.path("name").asText()).isEqualTo(schema.getName());
        String group = groupOf(found);

        String path = "/groups/" + RegistryApi.encode(group) + "/artifacts/" + RegistryApi.encode(artifactId);
        HttpResponse<String> meta = registry.get(path + "/meta");
        assertThat(meta.statusCode()).as(meta.body()).isEqualTo(200);
        assertThat(RegistryApi.json(meta).path("version").asText()).isEqualTo("1");

        Schema.Parser parser = new Schema.Parser();
        List<String> references = new ArrayList<>();
        loadReferences(registry, group, artifactId, "1", parser, new HashSet<>(), references);
        HttpResponse<String> content = registry.get(path + "/versions/1");
        assertThat(content.statusCode()).as(content.body()).isEqualTo(200);
        Schema registered = parser.parse(content.body());
        assertThat(SchemaNormalization.parsingFingerprint64(registered))
                .as("registered schema of %s (references %s)", artifactId, references)
                .isEqualTo(SchemaNormalization.parsingFingerprint64(schema));
        System.out.printf("%s: group=%s, references=%s%n", artifactId, group, references);
        return group;
    }

    /** Parses, dependencies first, every schema that an artifact version refers to. */
    private static void loadReferences(RegistryApi registry, String group, String artifactId, String version,
            Schema.Parser parser, Set<String> loaded, List<String> names) {
        String path = "/groups/" + RegistryApi.encode(group) + "/artifacts/" + RegistryApi.encode(artifactId) + "/versions/" + version;
        HttpResponse<String> refs = registry.get(path + "/references");
        assertThat(refs.statusCode()).as(refs.body()).isEqualTo(200);
        for (JsonNode ref : RegistryApi.json(refs)) {
            String refGroup = groupOf(ref);
            String refId = ref.path("artifactId").asText();
            String refVersion = ref.path("version").asText();
            if (loaded.add(refGroup + "/" + refId + "/" + refVersion)) {
                loadReferences(registry, refGroup, refId, refVersion, parser, loaded, names);
                HttpResponse<String> content = registry.get("/groups/" + RegistryApi.encode(refGroup) + "/artifacts/"
                        + RegistryApi.encode(refId) + "/versions/" + refVersion);
                assertThat(content.statusCode()).as("reference %s: %s", refId, content.body()).isEqualTo(200);
                parser.parse(content.body());
                names.add(refGroup + ":" + refId);
            }
        }
    }

    /** The v2 API leaves groupId out (or null) for the default group, and calls it "default" in paths. */
    private static String groupOf(JsonNode artifact) {
        return artifact.hasNonNull("groupId") ? artifact.get("groupId").asText() : "default";
    }

    private static ImageReceived imageReceived() {
        return ImageReceived.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setImageId(IMAGE_ID)
                .setCaseId(CASE_ID)
                .setHospitalId(HOSPITAL_ID)
                .setReceivedAt(AT)
                .setImage(IMAGE)
                .setOriginalFileName("slide-731-field-04.jpg")
                .setSource("http")
                .build();
    }

    private static PredictionMade predictionMade() {
        return PredictionMade.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setImageId(IMAGE_ID)
                .setCaseId(CASE_ID)
                .setHospitalId(HOSPITAL_ID)
                .setPredictedAt(AT.plusMillis(1_874))
                .setImage(IMAGE)
                .setModel(MODEL)
                .setPredictedGroup(TreatmentGroup.INDETERMINATE)
                .setProbabilities(ClassProbabilities.newBuilder().setBenign(0.21).setIndeterminate(0.64).setMalignant(0.15).build())
                .setTemperature(1.37)
                .setFlaggedForReview(true)
                .setInferenceMillis(83.4)
                .setActivationMaps(ActivationMaps.newBuilder()
                        .setRows(2)
                        .setCols(2)
                        .setBenign(List.of(0.10f, 0.20f, 0.05f, 0.00f))
                        .setIndeterminate(List.of(0.80f, 0.95f, 0.40f, 0.30f))
                        .setMalignant(List.of(0.02f, 0.10f, 0.01f, 0.00f))
                        .build())
                .build();
    }

    private static ExplanationReady explanationReady() {
        return ExplanationReady.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setPredictionEventId(UUID.randomUUID().toString())
                .setImageId(IMAGE_ID)
                .setCaseId(CASE_ID)
                .setHospitalId(HOSPITAL_ID)
                .setExplainedAt(AT.plusMillis(2_310))
                .setModel(MODEL)
                .setExplainedGroup(TreatmentGroup.INDETERMINATE)
                .setMethod("grad-cam")
                .setHeatmapRows(2)
                .setHeatmapCols(3)
                .setHeatmap(List.of(0.0f, 0.25f, 0.5f, 0.75f, 1.0f, 0.125f))
                .setOverlayKey("overlays/9f/9f2c1e0a7b6d4c3e-grad-cam.png")
                .build();
    }

    private static DiagnosisRecorded diagnosisRecorded() {
        return DiagnosisRecorded.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setCaseId(CASE_ID)
                .setHospitalId(HOSPITAL_ID)
                .setRecordedAt(AT.plusSeconds(86_400))
                .setBethesdaCategory(BethesdaCategory.IV)
                .setGroup(TreatmentGroup.INDETERMINATE)
                .setVersion(1)
                .setRecordedBy("dr.novak")
                .setComment("Follicular neoplasm suspected; hemithyroidectomy advised.")
                .build();
    }

    private static RetrainingRequested retrainingRequested() {
        return RetrainingRequested.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setRequestedAt(AT.plusSeconds(15_552_000))
                .setTrigger(RetrainingTrigger.SCHEDULED)
                .setReason("Live model in service for six months.")
                .setLiveModel(MODEL)
                .setManifest(List.of(
                        ConfirmedCase.newBuilder()
                                .setImageId(IMAGE_ID)
                                .setImageKey(IMAGE.getKey())
                                .setBethesdaCategory(BethesdaCategory.IV)
                                .setGroup(TreatmentGroup.INDETERMINATE)
                                .setHospitalId(HOSPITAL_ID)
                                .build(),
                        ConfirmedCase.newBuilder()
                                .setImageId("c1a2b3d4-e5f6-5a7b-8c9d-0e1f2a3b4c5d")
                                .setImageKey("images/3a/3a7d5c1e9b2f4a6d")
                                .setBethesdaCategory(BethesdaCategory.II)
                                .setGroup(TreatmentGroup.BENIGN)
                                .setHospitalId("HOSP-MARIBOR-02")
                                .build()))
                .build();
    }

    private static ModelPublished modelPublished() {
        return ModelPublished.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setPublishedAt(AT.plusSeconds(16_000_000))
                .setModel(MODEL)
                .setVariant("PREMIUM")
                .setLocation("models/thyroid-fnab-premium/2025.11.1")
                .setApprovedBy("dr.horvat")
                .build();
    }

    private static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(AT.plusMillis(950))
                .setService("inference-service")
                .setSourceTopic("images.received")
                .setSourcePartition(3)
                .setSourceOffset(41_207L)
                .setImageId(IMAGE_ID)
                .setCaseId(CASE_ID)
                .setHospitalId(HOSPITAL_ID)
                .setReason("Image bytes not found in the image store.")
                .setErrorClass("java.nio.file.NoSuchFileException")
                .build();
    }
}
