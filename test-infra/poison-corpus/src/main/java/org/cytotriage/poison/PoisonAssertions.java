package org.cytotriage.poison;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** What every service's poison corpus test asserts of its verdicts. */
public final class PoisonAssertions {

    private PoisonAssertions() {
    }

    /**
     * Each record that must be refused has exactly one dead letter, with its reason and its place on
     * the topic; a record at its bounds may be refused for what it names (a key, a model), never
     * for its length.
     */
    public static void assertEveryBadRecordDeadLetteredOnce(List<PoisonCorpus.Verdict> verdicts) {
        assertThat(verdicts).isNotEmpty();
        for (PoisonCorpus.Verdict verdict : verdicts) {
            if (verdict.poison().mustBeProcessed()) {
                assertThat(verdict.letters()).as("%s: not refused for its length", verdict.poison().name())
                        .noneMatch(letter -> letter.getReason().contains("characters; at most"));
            } else {
                assertThat(verdict.letters()).as("dead letters of %s", verdict.poison().name()).hasSize(1);
                var letter = verdict.letters().get(0);
                assertThat(letter.getReason()).as("reason for %s", verdict.poison().name()).contains(verdict.poison().reason());
                assertThat(letter.getSourceTopic()).isEqualTo(verdict.poison().topic());
                assertThat(letter.getSourcePartition()).isNotNull();
                assertThat(letter.getSourceOffset()).isNotNull();
            }
        }
    }
}
