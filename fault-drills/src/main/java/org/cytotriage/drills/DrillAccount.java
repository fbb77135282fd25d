package org.cytotriage.drills;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.cytotriage.drills.AuditSnapshot.Row;

/**
 * The arithmetic of a drill: the uploads sent (by image id) classified against what audit-service
 * recorded and what went to the dead-letter topic. Pure: no clock, no I/O.
 *
 * <ul>
 * <li><b>complete</b>: accepted, with a prediction and an explanation on record;</li>
 * <li><b>dead-lettered</b>: accepted, named by a DeadLetter (its image id, or its case id when the
 * dead letter has no image id: every drill upload is a case of its own);</li>
 * <li><b>unsettled</b>: accepted, neither complete nor dead-lettered: lost, once the system has
 * settled;</li>
 * <li><b>recorded twice</b>: an image with more than one prediction, or more than one explanation,
 * on record for one model.</li>
 * </ul>
 */
final class DrillAccount {

    /** How far an unsettled image got in audit's record. */
    enum Stage {
        NOT_ON_RECORD("not on record"),
        IMAGE_ONLY("image recorded, no prediction"),
        NO_EXPLANATION("predicted, no explanation"),
        NO_PREDICTION("explained, no prediction");

        final String text;

        Stage(String text) {
            this.text = text;
        }
    }

    private final Map<String, Upload> uploads = new LinkedHashMap<>();
    private final Set<String> imagesOnRecord;
    private final Map<String, List<Row>> predictions;
    private final Map<String, List<Row>> explanations;
    private final Set<String> deadLettered = new TreeSet<>();
    private final TopicSnapshot topics;

    private DrillAccount(List<Upload> sent, AuditSnapshot audit, TopicSnapshot topics) {
        sent.forEach(upload -> uploads.put(upload.imageId(), upload));
        this.topics = topics;
        imagesOnRecord = audit.images().stream().map(Row::imageId).collect(Collectors.toSet());
        predictions = audit.predictions().stream().collect(Collectors.groupingBy(Row::imageId));
        explanations = audit.explanations().stream().collect(Collectors.groupingBy(Row::imageId));
        Map<String, String> imageOfCase = new HashMap<>();
        sent.forEach(upload -> imageOfCase.put(upload.caseId(), upload.imageId()));
        for (TopicSnapshot.DeadLetterSeen letter : topics.deadLetters()) {
            String imageId = letter.imageId() != null ? letter.imageId() : imageOfCase.get(letter.caseId());
            if (imageId != null && uploads.containsKey(imageId)) {
                deadLettered.add(imageId);
            }
        }
    }

    static DrillAccount of(List<Upload> sent, AuditSnapshot audit, TopicSnapshot topics) {
        return new DrillAccount(sent, audit, topics);
    }

    int sent() {
        return uploads.size();
    }

    int count(Upload.Outcome outcome) {
        return (int) uploads.values().stream().filter(upload -> upload.outcome() == outcome).count();
    }

    Set<String> accepted() {
        return ids(upload -> upload.accepted());
    }

    Set<String> complete() {
        return ids(upload -> upload.accepted() && completedAt(upload.imageId()).isPresent());
    }

    /** Accepted images that a DeadLetter names (complete or not). */
    Set<String> deadLettered() {
        return ids(upload -> upload.accepted() && deadLettered.contains(upload.imageId()));
    }

    /** Accepted, neither complete nor dead-lettered: what is left; lost once the system has settled. */
    Set<String> unsettled() {
        return ids(upload -> upload.accepted() && completedAt(upload.imageId()).isEmpty() && !deadLettered.contains(upload.imageId()));
    }

    boolean settled() {
        return unsettled().isEmpty();
    }

    /** The unsettled images by how far they got. */
    Map<Stage, Integer> unsettledByStage() {
        Map<Stage, Integer> stages = new LinkedHashMap<>();
        for (String imageId : unsettled()) {
            stages.merge(stage(imageId), 1, Integer::sum);
        }
        return stages;
    }

    private Stage stage(String imageId) {
        boolean predicted = predictions.containsKey(imageId);
        boolean explained = explanations.containsKey(imageId);
        if (predicted) {
            return Stage.NO_EXPLANATION; // unsettled, so not both
        }
        if (explained) {
            return Stage.NO_PREDICTION;
        }
        return imagesOnRecord.contains(imageId) ? Stage.IMAGE_ONLY : Stage.NOT_ON_RECORD;
    }

    /** Images of this drill with more than one prediction, or more than one explanation, for one model. */
    Set<String> recordedTwice() {
        Set<String> twice = new TreeSet<>();
        for (Map<String, List<Row>> rows : List.of(predictions, explanations)) {
            rows.forEach((imageId, records) -> {
                if (uploads.containsKey(imageId) && records.stream().collect(Collectors.groupingBy(Row::model, Collectors.counting()))
                        .values().stream().anyMatch(n -> n > 1)) {
                    twice.add(imageId);
                }
            });
        }
        return twice;
    }

    /** Images of this drill with more than one distinct event on the topic. */
    int duplicatesOn(String topic) {
        return (int) topics.events(topic).entrySet().stream()
                .filter(entry -> uploads.containsKey(entry.getKey()) && entry.getValue().size() > 1).count();
    }

    /** Uploads refused or unanswered whose image audit recorded all the same (ingest had published it). */
    Set<String> recordedThoughNotAccepted() {
        return ids(upload -> !upload.accepted() && (imagesOnRecord.contains(upload.imageId()) || predictions.containsKey(upload.imageId())
                || explanations.containsKey(upload.imageId())));
    }

    /** When the image was recorded complete: the later of its first prediction and first explanation. */
    Optional<Instant> completedAt(String imageId) {
        Optional<Instant> predicted = first(predictions.get(imageId));
        Optional<Instant> explained = first(explanations.get(imageId));
        if (predicted.isEmpty() || explained.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(predicted.get().isAfter(explained.get()) ? predicted.get() : explained.get());
    }

    /**
     * Time to recover: from the fault until the first image sent after it (at or after the fault,
     * accepted) is recorded complete; empty when none is.
     */
    Optional<Duration> recovery(Instant fault) {
        return uploads.values().stream().filter(upload -> upload.accepted() && !upload.sentAt().isBefore(fault))
                .map(upload -> completedAt(upload.imageId())).flatMap(Optional::stream).min(Comparator.naturalOrder())
                .map(done -> nonNegative(Duration.between(fault, done)));
    }

    /**
     * Backlog drained: from the fault until the last image accepted before the faulty part was back
     * (sent before {@code restored}) is recorded complete; dead-lettered images are left out. Empty
     * while any of them is still unsettled.
     */
    Optional<Duration> backlogDrained(Instant fault, Instant restored) {
        List<Instant> done = new ArrayList<>();
        for (Upload upload : uploads.values()) {
            if (!upload.accepted() || !upload.sentAt().isBefore(restored) || deadLettered.contains(upload.imageId())) {
                continue;
            }
            Optional<Instant> completed = completedAt(upload.imageId());
            if (completed.isEmpty()) {
                return Optional.empty();
            }
            done.add(completed.get());
        }
        return done.stream().max(Comparator.naturalOrder()).map(last -> nonNegative(Duration.between(fault, last)));
    }

    /** Median time from upload to complete record of the accepted images sent before {@code before}. */
    Optional<Duration> medianLatency(Instant before) {
        List<Duration> latencies = uploads.values().stream().filter(upload -> upload.accepted() && upload.sentAt().isBefore(before))
                .map(upload -> completedAt(upload.imageId()).map(done -> Duration.between(upload.sentAt(), done)))
                .flatMap(Optional::stream).sorted().toList();
        return latencies.isEmpty() ? Optional.empty() : Optional.of(latencies.get((latencies.size() - 1) / 2));
    }

    private Set<String> ids(Predicate<Upload> match) {
        return uploads.values().stream().filter(match).map(Upload::imageId).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static Optional<Instant> first(List<Row> rows) {
        return rows == null ? Optional.empty() : rows.stream().map(Row::recordedAt).min(Comparator.naturalOrder());
    }

    private static Duration nonNegative(Duration duration) {
        return duration.isNegative() ? Duration.ZERO : duration;
    }
}
