package org.cytotriage.drills;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.cytotriage.events.Topics;

/** One drill's row of the table, and the details printed under it. */
record DrillResult(String drill, int sent, int accepted, int refused, int unanswered, int rejected, int complete, int deadLettered,
        int lost, int recordedTwice, int duplicateImages, int duplicatePredictions, int duplicateExplanations,
        Optional<Duration> recovery, Optional<Duration> backlogDrained, Optional<Duration> latencyBefore, List<String> notes) {

    /**
     * When things happened in a drill: the fault, the moment the part answered again, and how long
     * the wait for the accepted images to settle took (or, when they did not, its bound).
     */
    record Timeline(Instant fault, Instant restored, boolean settledInTime, Duration settleWait) {
    }

    static final String HEADER = "| drill | sent | accepted | refused (5xx / no answer) | recorded complete | dead-lettered | **lost** "
            + "| **recorded twice** | duplicates on topics (images / predictions / explanations) | p50 latency before the fault "
            + "| time to recover | backlog drained | notes |";
    static final String RULE = "|---|---|---|---|---|---|---|---|---|---|---|---|---|";

    static DrillResult of(String drill, DrillAccount account, Timeline timeline, List<String> extraNotes) {
        List<String> notes = new ArrayList<>();
        Map<DrillAccount.Stage, Integer> stages = account.unsettledByStage();
        if (!stages.isEmpty()) {
            notes.add("left after " + (timeline.settledInTime() ? "" : "the bounded wait of ") + Math.round(seconds(timeline.settleWait()))
                    + " s: " + stages.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().text).collect(Collectors.joining(", ")));
        }
        Set<String> recordedAnyway = account.recordedThoughNotAccepted();
        if (!recordedAnyway.isEmpty()) {
            notes.add(recordedAnyway.size() + " refused or unanswered but recorded all the same");
        }
        int rejected = account.count(Upload.Outcome.REJECTED);
        if (rejected > 0) {
            notes.add(rejected + " rejected with 4xx");
        }
        notes.addAll(extraNotes);
        return new DrillResult(drill, account.sent(), account.accepted().size(), account.count(Upload.Outcome.REFUSED),
                account.count(Upload.Outcome.UNANSWERED), rejected, account.complete().size(), account.deadLettered().size(),
                account.unsettled().size(), account.recordedTwice().size(), account.duplicatesOn(Topics.IMAGES),
                account.duplicatesOn(Topics.PREDICTIONS), account.duplicatesOn(Topics.EXPLANATIONS),
                account.recovery(timeline.fault()), account.backlogDrained(timeline.fault(), timeline.restored()),
                account.medianLatency(timeline.fault()), List.copyOf(notes));
    }

    /** Nothing lost and nothing recorded twice: the drill's goal. */
    boolean passed() {
        return lost == 0 && recordedTwice == 0;
    }

    String row() {
        return String.format(Locale.ROOT, "| %s | %d | %d | %d / %d | %d | %d | **%d** | **%d** | %d / %d / %d | %s | %s | %s | %s |", drill,
                sent, accepted, refused, unanswered, complete, deadLettered, lost, recordedTwice, duplicateImages,
                duplicatePredictions, duplicateExplanations, latencyBefore.map(DrillResult::format).orElse("-"),
                recovery.map(DrillResult::format).orElse("not recovered"),
                backlogDrained.map(DrillResult::format).orElse("not drained"), String.join("; ", notes));
    }

    static String format(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", seconds(duration));
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
