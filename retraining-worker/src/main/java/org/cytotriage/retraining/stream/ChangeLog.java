package org.cytotriage.retraining.stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ModelChange;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Publishes each step of a job on fnab.model-changes (key: the model's name) and waits for the
 * broker's acknowledgement: audit-service keeps the ledger from these events and is its only writer,
 * so the worker keeps no second record of its own to disagree with it.
 */
@ApplicationScoped
public class ChangeLog {

    private static final Logger LOG = Logger.getLogger(ChangeLog.class);

    private final MutinyEmitter<ModelChange> changes;

    ChangeLog(@Channel(Topics.MODEL_CHANGES) MutinyEmitter<ModelChange> changes) {
        this.changes = changes;
    }

    public void record(ModelChange change) {
        LOG.infof("%s %s: %s %s", change.getParent().getName(), change.getRequestId(), change.getStep(), change.getDetail());
        changes.sendMessageAndAwait(Message.of(change)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(change.getParent().getName()).build()));
    }
}
