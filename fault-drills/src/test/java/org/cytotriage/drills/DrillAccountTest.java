package org.cytotriage.drills;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cytotriage.drills.AuditSnapshot.Row;
import org.cytotriage.drills.TopicSnapshot.DeadLetterSeen;
import org.cytotriage.events.Topics;
import org.junit.jupiter.api.Test;

class DrillAccountTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final String BASIC = "thyroideffi-basic 1.3.0";

    private final List<Row> images = new ArrayList<>();
    private final List<Row> predictions = new ArrayList<>();
    private final List<Row> explanations = new ArrayList<>();

    @Test
    void anAcceptedImageWithAPredictionAndAnExplanationIsCompleteAndNothingIsLost() {
        List<Upload> uploads = List.of(accepted("a", 0), accepted("b", 1));
        recordComplete("a", 2, 3);
        recordComplete("b", 3, 4);

        DrillAccount account = account(uploads, TopicSnapshot.empty());

        assertThat(account.complete()).containsExactly("a", "b");
        assertThat(account.unsettled()).isEmpty();
        assertThat(account.settled()).isTrue();
    }

    @Test
    void refusedAndUnansweredUploadsAreNotAcceptedAndSoNeverLost() {
        List<Upload> uploads = List.of(accepted("a", 0), upload("b", 1, 503), upload("c", 2, Upload.NO_ANSWER), upload("d", 3, 422));
        recordComplete("a", 1, 2);

        DrillAccount account = account(uploads, TopicSnapshot.empty());

        assertThat(account.accepted()).containsExactly("a");
        assertThat(account.count(Upload.Outcome.REFUSED)).isEqualTo(1);
        assertThat(account.count(Upload.Outcome.UNANSWERED)).isEqualTo(1);
        assertThat(account.count(Upload.Outcome.REJECTED)).isEqualTo(1);
        assertThat(account.unsettled()).isEmpty();
    }

    @Test
    void anAcceptedImageWithAPredictionButNoExplanationIsUnsettledAtThatStage() {
        List<Upload> uploads = List.of(accepted("a", 0), accepted("b", 0), accepted("c", 0));
        images.add(new Row("a", null, at(1)));
        images.add(new Row("b", null, at(1)));
        predictions.add(new Row("b", BASIC, at(2)));

        DrillAccount account = account(uploads, TopicSnapshot.empty());

        assertThat(account.unsettled()).containsExactly("a", "b", "c");
        assertThat(account.unsettledByStage()).containsExactly(Map.entry(DrillAccount.Stage.IMAGE_ONLY, 1),
                Map.entry(DrillAccount.Stage.NO_EXPLANATION, 1), Map.entry(DrillAccount.Stage.NOT_ON_RECORD, 1));
        assertThat(account.completedAt("b")).isEmpty();
    }

    @Test
    void aDeadLetterNamingTheImageOrOnlyItsCaseSettlesIt() {
        List<Upload> uploads = List.of(accepted("a", 0), accepted("b", 0), accepted("c", 0));
        TopicSnapshot topics = new TopicSnapshot(Map.of(), List.of(new DeadLetterSeen("a", "case-a", "inference-service", "undecodable"),
                new DeadLetterSeen(null, "case-b", "explain-service", "no maps")), 0);

        DrillAccount account = account(uploads, topics);

        assertThat(account.deadLettered()).containsExactly("a", "b");
        assertThat(account.unsettled()).containsExactly("c");
    }

    @Test
    void aDeadLetterOfAnotherDrillsImageCountsForNothingHere() {
        TopicSnapshot topics = new TopicSnapshot(Map.of(), List.of(new DeadLetterSeen("elsewhere", "case-elsewhere", "x", "y")), 0);

        DrillAccount account = account(List.of(accepted("a", 0)), topics);

        assertThat(account.deadLettered()).isEmpty();
        assertThat(account.unsettled()).containsExactly("a");
    }

    @Test
    void twoPredictionsOfOneImageByOneModelAreRecordedTwiceButByTwoModelsAreNot() {
        List<Upload> uploads = List.of(accepted("a", 0), accepted("b", 0), accepted("c", 0));
        recordComplete("a", 1, 2);
        predictions.add(new Row("a", BASIC, at(5)));
        recordComplete("b", 1, 2);
        predictions.add(new Row("b", "thyroideffi-premium 1.3.0", at(3)));
        recordComplete("c", 1, 2);
        explanations.add(new Row("c", BASIC, at(6)));

        DrillAccount account = account(uploads, TopicSnapshot.empty());

        assertThat(account.recordedTwice()).containsExactly("a", "c");
    }

    @Test
    void anImageIsCompleteWhenTheLaterOfItsFirstPredictionAndFirstExplanationIsRecorded() {
        List<Upload> uploads = List.of(accepted("a", 0));
        predictions.add(new Row("a", BASIC, at(4)));
        explanations.add(new Row("a", BASIC, at(3))); // audit records whatever arrives first
        predictions.add(new Row("a", "other 1", at(9)));

        assertThat(account(uploads, TopicSnapshot.empty()).completedAt("a")).contains(at(4));
    }

    @Test
    void duplicatesOnATopicAreImagesWithMoreThanOneDistinctEventOfThisDrill() {
        List<Upload> uploads = List.of(accepted("a", 0), accepted("b", 0));
        TopicSnapshot topics = new TopicSnapshot(Map.of(
                Topics.PREDICTIONS, Map.of("a", Set.of("e1", "e2"), "b", Set.of("e3"), "other-drill", Set.of("e4", "e5")),
                Topics.IMAGES, Map.of("a", Set.of("e6"), "b", Set.of("e7"))), List.of(), 0);

        DrillAccount account = account(uploads, topics);

        assertThat(account.duplicatesOn(Topics.PREDICTIONS)).isEqualTo(1);
        assertThat(account.duplicatesOn(Topics.IMAGES)).isZero();
        assertThat(account.duplicatesOn(Topics.EXPLANATIONS)).isZero();
    }

    @Test
    void timeToRecoverRunsFromTheFaultToTheFirstCompletionOfAnImageSentAfterIt() {
        Instant fault = at(10);
        List<Upload> uploads = List.of(accepted("before", 9), upload("refused", 11, 503), accepted("first-after", 12),
                accepted("second-after", 13));
        recordComplete("before", 30, 31); // held up by the fault: not the recovery
        recordComplete("first-after", 34, 35);
        recordComplete("second-after", 32, 33); // a healthy partition can finish a later image first

        assertThat(account(uploads, TopicSnapshot.empty()).recovery(fault)).contains(Duration.ofSeconds(23));
    }

    @Test
    void timeToRecoverIsEmptyWhenNoImageSentAfterTheFaultWasRecorded() {
        List<Upload> uploads = List.of(accepted("before", 9), accepted("after", 12));
        recordComplete("before", 10, 11);

        assertThat(account(uploads, TopicSnapshot.empty()).recovery(at(10))).isEmpty();
    }

    @Test
    void theBacklogIsDrainedWhenTheLastImageAcceptedBeforeTheRestartIsCompleteLeavingDeadLettersOut() {
        Instant fault = at(10);
        Instant restored = at(20);
        List<Upload> uploads = List.of(accepted("early", 5), accepted("held", 15), accepted("dead", 16), accepted("later", 25));
        recordComplete("early", 6, 7);
        recordComplete("held", 40, 41);
        recordComplete("later", 60, 61); // sent after the part was back: not the backlog
        TopicSnapshot topics = new TopicSnapshot(Map.of(), List.of(new DeadLetterSeen("dead", "case-dead", "inference-service", "x")), 0);

        assertThat(account(uploads, topics).backlogDrained(fault, restored)).contains(Duration.ofSeconds(31));
    }

    @Test
    void theBacklogIsNotDrainedWhileAnImageAcceptedBeforeTheRestartIsUnsettled() {
        List<Upload> uploads = List.of(accepted("held", 15));

        assertThat(account(uploads, TopicSnapshot.empty()).backlogDrained(at(10), at(20))).isEmpty();
    }

    @Test
    void theMedianLatencyCountsOnlyImagesSentBeforeTheFault() {
        List<Upload> uploads = List.of(accepted("a", 0), accepted("b", 1), accepted("c", 2), accepted("slow-after", 11));
        recordComplete("a", 1, 1);
        recordComplete("b", 2, 4);
        recordComplete("c", 3, 7);
        recordComplete("slow-after", 50, 90);

        assertThat(account(uploads, TopicSnapshot.empty()).medianLatency(at(10))).contains(Duration.ofSeconds(3));
    }

    @Test
    void anUploadRefusedAtTheDoorButPublishedAndRecordedIsReportedNotLost() {
        List<Upload> uploads = List.of(upload("timed-out", 0, 500), upload("cut-off", 0, Upload.NO_ANSWER), upload("gone", 0, 503));
        images.add(new Row("timed-out", null, at(40)));
        predictions.add(new Row("cut-off", BASIC, at(41)));

        DrillAccount account = account(uploads, TopicSnapshot.empty());

        assertThat(account.recordedThoughNotAccepted()).containsExactly("timed-out", "cut-off");
        assertThat(account.unsettled()).isEmpty();
    }

    @Test
    void ingestsImageIdRuleGivesTheSameIdForTheSameBytesAndCaseOnly() {
        String sha = "ab".repeat(32);

        assertThat(Upload.imageIdOf("h", "case-1", sha)).isEqualTo(Upload.imageIdOf("h", "case-1", sha))
                .isNotEqualTo(Upload.imageIdOf("h", "case-2", sha)).isNotEqualTo(Upload.imageIdOf("other", "case-1", sha)).hasSize(36);
    }

    private DrillAccount account(List<Upload> uploads, TopicSnapshot topics) {
        return DrillAccount.of(uploads, new AuditSnapshot(images, predictions, explanations), topics);
    }

    private void recordComplete(String imageId, int predictedAt, int explainedAt) {
        images.add(new Row(imageId, null, at(predictedAt)));
        predictions.add(new Row(imageId, BASIC, at(predictedAt)));
        explanations.add(new Row(imageId, BASIC, at(explainedAt)));
    }

    private static Upload accepted(String imageId, int sentAt) {
        return upload(imageId, sentAt, 202);
    }

    private static Upload upload(String imageId, int sentAt, int status) {
        return new Upload("case-" + imageId, imageId, at(sentAt), at(sentAt).plusMillis(50), status, null);
    }

    private static Instant at(int second) {
        return T0.plusSeconds(second);
    }
}
