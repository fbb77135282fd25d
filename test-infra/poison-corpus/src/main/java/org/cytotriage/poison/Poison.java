package org.cytotriage.poison;

import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One record of the corpus, as bytes on a topic under its own key.
 *
 * @param name what the record is, for the test's table
 * @param reason a fragment of the dead letter's reason this record must get, or null for a record
 *        at its bounds, which must be processed (at least: not refused for its length)
 */
public record Poison(String name, String topic, String key, byte[] value, RecordHeaders headers, String reason) {

    public boolean mustBeProcessed() {
        return reason == null;
    }
}
