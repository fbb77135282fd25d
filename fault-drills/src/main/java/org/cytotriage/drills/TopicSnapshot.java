package org.cytotriage.drills;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What was published on the topics for the drill's cases: per topic, each image's distinct event
 * ids (a second event id for an image is a duplicate that at-least-once delivery allows, e.g. a
 * prediction made again after a crash before its commit); and the dead letters.
 */
record TopicSnapshot(Map<String, Map<String, Set<String>>> events, List<DeadLetterSeen> deadLetters, int unreadable) {

    /** A DeadLetter record: the image and case it names (either may be null), who sent it and why. */
    record DeadLetterSeen(String imageId, String caseId, String service, String reason) {
    }

    Map<String, Set<String>> events(String topic) {
        return events.getOrDefault(topic, Map.of());
    }

    static TopicSnapshot empty() {
        return new TopicSnapshot(Map.of(), List.of(), 0);
    }
}
