package org.cytotriage.drills;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.cytotriage.drills.AuditSnapshot.Row;
import org.junit.jupiter.api.Test;

class DrillResultTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void aRowCountsEachColumnAndSaysWhatWasLeftAfterTheBoundedWait() {
        List<Upload> uploads = List.of(upload("a", 0, 202), upload("b", 1, 202), upload("c", 12, 202), upload("d", 11, 503),
                upload("e", 11, Upload.NO_ANSWER));
        AuditSnapshot audit = new AuditSnapshot(List.of(new Row("a", null, at(1)), new Row("b", null, at(2))),
                List.of(new Row("a", "m 1", at(2)), new Row("b", "m 1", at(3)), new Row("c", "m 1", at(30))),
                List.of(new Row("a", "m 1", at(3)), new Row("c", "m 1", at(31))));

        DrillResult result = DrillResult.of("inference", DrillAccount.of(uploads, audit, TopicSnapshot.empty()),
                new DrillResult.Timeline(at(10), at(20), false, java.time.Duration.ofSeconds(180)), List.of("down 5.0 s"));

        assertThat(result.row()).startsWith("| inference | 5 | 3 | 1 / 1 | 2 | 0 | **1** | **0** | 0 / 0 / 0 | 3.0 s | 21.0 s | not drained |")
                .contains("left after the bounded wait of 180 s: 1 predicted, no explanation").contains("down 5.0 s");
        assertThat(result.passed()).isFalse();
        assertThat(DrillResult.HEADER.split("\\|")).hasSameSizeAs(DrillResult.RULE.split("\\|"));
    }

    @Test
    void aDrillWithNothingLostAndNothingRecordedTwicePasses() {
        List<Upload> uploads = List.of(upload("a", 0, 202));
        AuditSnapshot audit = new AuditSnapshot(List.of(), List.of(new Row("a", "m 1", at(1))), List.of(new Row("a", "m 1", at(2))));

        DrillResult result = DrillResult.of("audit", DrillAccount.of(uploads, audit, TopicSnapshot.empty()),
                new DrillResult.Timeline(at(10), at(20), true, java.time.Duration.ofSeconds(3)), List.of());

        assertThat(result.passed()).isTrue();
        assertThat(result.row()).contains("| **0** | **0** |").contains("| not recovered |");
    }

    private static Upload upload(String imageId, int sentAt, int status) {
        return new Upload("case-" + imageId, imageId, at(sentAt), at(sentAt), status, null);
    }

    private static Instant at(int second) {
        return T0.plusSeconds(second);
    }
}
