package org.cytotriage.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.cytotriage.events.v1.ChangeDecision;
import org.cytotriage.events.v1.DeadLetter;
import org.cytotriage.events.v1.DiagnosisRecorded;
import org.cytotriage.events.v1.ExplanationReady;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.ModelChange;
import org.cytotriage.events.v1.ModelPublished;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.events.v1.RetrainingRequested;
import org.cytotriage.infra.ProjectLayout;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** A lint of the event contracts as written in src/main/avro. */
class EventContractTest {

    private static final String NAMESPACE = "org.cytotriage.events.v1";
    private static final Map<String, Schema> EVENTS = Map.of(
            "ImageReceived", ImageReceived.getClassSchema(),
            "PredictionMade", PredictionMade.getClassSchema(),
            "ExplanationReady", ExplanationReady.getClassSchema(),
            "DiagnosisRecorded", DiagnosisRecorded.getClassSchema(),
            "RetrainingRequested", RetrainingRequested.getClassSchema(),
            "ModelPublished", ModelPublished.getClassSchema(),
            "DeadLetter", DeadLetter.getClassSchema(),
            "ModelChange", ModelChange.getClassSchema(),
            "ChangeDecision", ChangeDecision.getClassSchema());

    private static final Path AVRO = avroDirectory();
    private static final Path COMMON = AVRO.resolve("common");

    @Test
    void everySchemaFileDeclaresTheEventsNamespace() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(AVRO)) {
            files = walk.filter(p -> p.toString().endsWith(".avsc")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(EVENTS.size());
        for (Path file : files) {
            JsonNode schema = RegistryApi.JSON.readTree(file.toFile());
            assertThat(schema.path("namespace").asText(null)).as("namespace of %s", AVRO.relativize(file)).isEqualTo(NAMESPACE);
            assertThat(schema.path("name").asText() + ".avsc").as("file name of %s", AVRO.relativize(file))
                    .isEqualTo(file.getFileName().toString());
        }
    }

    @Test
    void everyEventHasAStringEventIdAndATimestampMillisField() throws IOException {
        Map<String, Schema> parsed = new TreeMap<>();
        try (Stream<Path> top = Files.list(AVRO)) {
            for (Path file : top.filter(p -> p.toString().endsWith(".avsc")).toList()) {
                Schema schema = parseWithCommonTypes(file);
                parsed.put(schema.getName(), schema);
            }
        }
        assertThat(parsed.keySet()).as("top-level event schemas").containsExactlyInAnyOrderElementsOf(EVENTS.keySet());

        for (Schema event : parsed.values()) {
            assertThat(event.getType()).as(event.getName()).isEqualTo(Schema.Type.RECORD);
            assertThat(event.getNamespace()).as(event.getName()).isEqualTo(NAMESPACE);

            Schema.Field eventId = event.getField("eventId");
            assertThat(eventId).as("%s.eventId", event.getName()).isNotNull();
            assertThat(eventId.schema().getType()).as("%s.eventId type", event.getName()).isEqualTo(Schema.Type.STRING);

            List<String> timestamps = event.getFields().stream()
                    .filter(f -> f.schema().getType() == Schema.Type.LONG
                            && f.schema().getLogicalType() instanceof LogicalTypes.TimestampMillis)
                    .map(Schema.Field::name)
                    .collect(Collectors.toList());
            assertThat(timestamps).as("%s: required timestamp-millis fields", event.getName()).isNotEmpty();

            // The generated class is built from this very file (same parsing canonical form).
            assertThat(SchemaNormalization.parsingFingerprint64(event)).as("%s generated class vs .avsc", event.getName())
                    .isEqualTo(SchemaNormalization.parsingFingerprint64(EVENTS.get(event.getName())));
        }
    }

    /** An event schema refers to the shared types by name, so those are parsed first. */
    private static Schema parseWithCommonTypes(Path file) throws IOException {
        Schema.Parser parser = new Schema.Parser();
        try (Stream<Path> common = Files.list(COMMON)) {
            for (Path shared : common.filter(p -> p.toString().endsWith(".avsc")).sorted().toList()) {
                parser.parse(shared.toFile());
            }
        }
        return parser.parse(file.toFile());
    }

    private static Path avroDirectory() {
        Path local = Path.of("src/main/avro");
        if (Files.isDirectory(local)) {
            return local.toAbsolutePath();
        }
        return ProjectLayout.locate().root().resolve("schemas/src/main/avro");
    }
}
