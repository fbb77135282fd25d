package org.cytotriage.inference.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.cytotriage.model.card.ModelCard;
import org.jboss.logging.Logger;

/**
 * A model directory whose files may still be arriving: a model volume filled after the replica
 * started. training/ writes the card after model.onnx, so its presence means the
 * model is complete; a model copied in another order fails its sha256 check instead of loading half.
 */
final class ModelFiles {

    private static final Logger LOG = Logger.getLogger(ModelFiles.class);

    private ModelFiles() {
    }

    /** Returns once the directory holds a model card, checking every {@code poll}. */
    static void awaitCard(Path directory, Duration poll) throws InterruptedException {
        Path card = directory.resolve(ModelCard.FILE);
        if (Files.exists(card)) {
            return;
        }
        LOG.infof("waiting for the model: no %s yet", card);
        while (!Files.exists(card)) {
            Thread.sleep(poll.toMillis());
        }
    }
}
