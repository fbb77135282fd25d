package org.cytotriage.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.avro.Schema;
import org.cytotriage.events.v1.DeadLetter;
import org.cytotriage.events.v1.DiagnosisRecorded;
import org.cytotriage.events.v1.ExplanationReady;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.ImageRef;
import org.cytotriage.events.v1.ModelPublished;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.events.v1.RetrainingRequested;
import org.junit.jupiter.api.Test;

class FieldLimitsTest {

    private static final List<Schema> EVENTS = List.of(ImageReceived.getClassSchema(), PredictionMade.getClassSchema(),
            ExplanationReady.getClassSchema(), DiagnosisRecorded.getClassSchema(), RetrainingRequested.getClassSchema(),
            ModelPublished.getClassSchema(), DeadLetter.getClassSchema());

    @Test
    void everyStringFieldOfEveryEventIsBounded() {
        List<String> unbounded = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Schema event : EVENTS) {
            unboundedStrings(event, seen, unbounded);
        }
        assertThat(unbounded).as("string fields without a maxLength").isEmpty();
        assertThat(seen).as("records walked, nested ones included").contains("org.cytotriage.events.v1.ImageRef",
                "org.cytotriage.events.v1.ModelRef", "org.cytotriage.events.v1.ConfirmedCase");
    }

    @Test
    void aRecordWithinItsLimitsHasNoViolations() {
        assertThat(FieldLimits.violations(image("x".repeat(255), "k".repeat(200)))).isEmpty();
    }

    @Test
    void aFieldOneCharacterPastItsLimitIsNamedWithItsPathAndLimit() {
        assertThat(FieldLimits.violations(image("x".repeat(256), "k".repeat(201)))).containsExactly(
                "image.key has 201 characters; at most 200 are allowed",
                "originalFileName has 256 characters; at most 255 are allowed");
    }

    @Test
    void theLimitOfAFieldIsReadFromItsSchema() {
        assertThat(FieldLimits.maxLength(ImageReceived.getClassSchema(), "caseId")).hasValue(64);
        assertThat(FieldLimits.maxLength(ImageReceived.getClassSchema(), "receivedAt")).isEmpty();
    }

    private static ImageReceived image(String fileName, String key) {
        return ImageReceived.newBuilder().setEventId("e").setImageId("i").setCaseId("c").setHospitalId("h")
                .setReceivedAt(Instant.EPOCH).setSource("http").setOriginalFileName(fileName)
                .setImage(ImageRef.newBuilder().setKey(key).setSha256("s").setMediaType("image/png").setSizeBytes(1)
                        .setWidth(1).setHeight(1).build())
                .build();
    }

    private static void unboundedStrings(Schema record, Set<String> seen, List<String> unbounded) {
        if (!seen.add(record.getFullName())) {
            return;
        }
        for (Schema.Field field : record.getFields()) {
            for (Schema type : branches(field.schema())) {
                if (type.getType() == Schema.Type.STRING && FieldLimits.maxLength(field).isEmpty()) {
                    unbounded.add(record.getName() + "." + field.name());
                } else if (type.getType() == Schema.Type.RECORD) {
                    unboundedStrings(type, seen, unbounded);
                } else if (type.getType() == Schema.Type.ARRAY && type.getElementType().getType() == Schema.Type.RECORD) {
                    unboundedStrings(type.getElementType(), seen, unbounded);
                }
            }
        }
    }

    private static List<Schema> branches(Schema schema) {
        return schema.getType() == Schema.Type.UNION ? schema.getTypes() : List.of(schema);
    }
}
