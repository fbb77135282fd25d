package org.cytotriage.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.cytotriage.events.v1.DeadLetter;
import org.cytotriage.events.v1.PredictionMade;
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
    void deadLetterReadsAndIsReadByRelease10() throws IOException {
        Schema released = released("DeadLetter-1.0.avsc");
        Schema current = DeadLetter.getClassSchema();

        assertThat(released.getField("sourceKey")).as("a field 1.1 added").isNull();
        assertReadEitherWay(released, current);
    }

    /** Services on either version read each other's events. */
    private static void assertReadEitherWay(Schema released, Schema current) {
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(current, released).getType())
                .as("today's consumers read released %s events", current.getName()).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(released, current).getType())
                .as("released %s consumers read today's events", current.getName()).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    private static Schema released(String name) throws IOException {
        try (InputStream in = ReleasedSchemasTest.class.getResourceAsStream("/released/" + name)) {
            return new Schema.Parser().parse(in);
        }
    }
}
