package org.cytotriage.retraining.shadow;

import java.time.Instant;

import org.cytotriage.retraining.stream.ChangeMapper.Model;

/**
 * A passed candidate running beside the live model: until it has predicted {@code images} new images
 * or {@code until} has come, whichever is first.
 */
public record ShadowTrial(String requestId, Model parent, Model candidate, String directory, int images, Instant startedAt, Instant until,
        int predicted) {

    public ShadowTrial counted() {
        return new ShadowTrial(requestId, parent, candidate, directory, images, startedAt, until, predicted + 1);
    }

    public boolean complete(Instant now) {
        return predicted >= images || !now.isBefore(until);
    }
}
