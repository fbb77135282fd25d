package org.cytotriage.audit.change;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.audit.database.RecordingTransaction;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ModelChange;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.support.failure.IncomingRecords;
import org.cytotriage.support.tracing.KafkaTracing;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.common.annotation.Blocking;

/**
 * Records the retraining worker's steps into the change ledger and a candidate's shadow predictions
 * into their own table, as they are published. Idempotent: a step's event id (which the worker
 * derives from the request and step, so a repeated step has the same one) and a shadow prediction's
 * image and version are unique keys, and a redelivery adds nothing. While the database is away,
 * recording waits for it ({@link RecordingTransaction}); a record that cannot be read, or is out of
 * its schema's bounds, becomes a dead letter ({@link IncomingRecords}) before it reaches the database.
 */
@ApplicationScoped
public class ChangeLedgerRecorder {

    private static final Logger LOG = Logger.getLogger(ChangeLedgerRecorder.class);

    private final RecordingTransaction transaction;
    private final EntityManager entityManager;
    private final KafkaTracing tracing;
    private final ObjectMapper json;

    ChangeLedgerRecorder(RecordingTransaction transaction, EntityManager entityManager, KafkaTracing tracing, ObjectMapper json) {
        this.transaction = transaction;
        this.entityManager = entityManager;
        this.tracing = tracing;
        this.json = json;
    }

    @Incoming(Topics.MODEL_CHANGES)
    @Blocking
    public void onChange(ConsumerRecord<String, ModelChange> record) {
        ModelChangeRecord change = ModelChangeMapper.toRecord(IncomingRecords.payload(record, ModelChange.class), json);
        transaction.run(() -> {
            if (!change.appendTo(entityManager)) {
                LOG.debugf("model change %s (%s of request %s) already on record", change.eventId, change.step, change.requestId);
            }
        });
    }

    @Incoming(Topics.SHADOW_PREDICTIONS)
    @Blocking
    public void onShadowPrediction(ConsumerRecord<String, PredictionMade> record) {
        PredictionMade event = IncomingRecords.payload(record, PredictionMade.class);
        try (KafkaTracing.Processing traced = tracing.process("audit " + Topics.SHADOW_PREDICTIONS, record.headers(), event.getCaseId(),
                event.getImageId())) {
            ShadowPredictionRecord shadow = ModelChangeMapper.toShadowRecord(event);
            transaction.run(() -> {
                if (!shadow.appendTo(entityManager)) {
                    LOG.debugf("shadow prediction of image %s by %s %s already on record", shadow.imageId, shadow.modelName,
                            shadow.modelVersion);
                }
            });
        }
    }
}
