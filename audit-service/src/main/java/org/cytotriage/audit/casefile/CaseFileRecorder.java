package org.cytotriage.audit.casefile;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.audit.database.RecordingTransaction;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ExplanationReady;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.support.failure.IncomingRecords;
import org.cytotriage.support.tracing.KafkaTracing;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.common.annotation.Blocking;

/**
 * Records images, predictions and explanations as they are published. Idempotent: an event whose
 * id (or natural key) is already on record is a redelivery and adds nothing; the unique keys in the
 * schema back this up against concurrent replicas. While the database is away, recording waits for
 * it ({@link RecordingTransaction}) and the events wait in Kafka. A record that cannot be read, or
 * does not fit its schema's bounds, becomes a dead letter ({@link IncomingRecords}) before it reaches
 * the database.
 */
@ApplicationScoped
public class CaseFileRecorder {

    private static final Logger LOG = Logger.getLogger(CaseFileRecorder.class);

    private final KafkaTracing tracing;
    private final RecordingTransaction transaction;
    private final Event<CaseFileChanged> changed;

    CaseFileRecorder(KafkaTracing tracing, RecordingTransaction transaction, Event<CaseFileChanged> changed) {
        this.tracing = tracing;
        this.transaction = transaction;
        this.changed = changed;
    }

    @Incoming(Topics.IMAGES)
    @Blocking
    public void onImage(ConsumerRecord<String, ImageReceived> record) {
        ImageReceived event = IncomingRecords.payload(record, ImageReceived.class);
        try (KafkaTracing.Processing traced = tracing.process("audit " + Topics.IMAGES, record.headers(), event.getCaseId(),
                event.getImageId())) {
            transaction.run(() -> recordImage(event, traced.traceId()));
        }
    }

    private void recordImage(ImageReceived event, String traceId) {
        if (ImageRecord.findById(event.getImageId()) != null) {
            LOG.debugf("image %s already on record", event.getImageId());
            return;
        }
        CaseRecord.ensure(event.getCaseId(), event.getHospitalId());
        ImageRecord image = CaseFileMapper.toRecord(event);
        image.traceId = traceId;
        image.persist();
        changed.fire(new CaseFileChanged(event.getCaseId(), event.getHospitalId(), event.getImageId()));
    }

    @Incoming(Topics.PREDICTIONS)
    @Blocking
    public void onPrediction(ConsumerRecord<String, PredictionMade> record) {
        PredictionMade event = IncomingRecords.payload(record, PredictionMade.class);
        try (KafkaTracing.Processing traced = tracing.process("audit " + Topics.PREDICTIONS, record.headers(), event.getCaseId(),
                event.getImageId())) {
            transaction.run(() -> recordPrediction(event, traced.traceId()));
        }
    }

    private void recordPrediction(PredictionMade event, String traceId) {
        if (PredictionRecord.count("eventId = ?1 or (imageId = ?2 and modelName = ?3 and modelVersion = ?4)", event.getEventId(),
                event.getImageId(), event.getModel().getName(), event.getModel().getVersion()) > 0) {
            LOG.debugf("prediction of image %s by %s %s already on record", event.getImageId(), event.getModel().getName(),
                    event.getModel().getVersion());
            return;
        }
        CaseRecord.ensure(event.getCaseId(), event.getHospitalId());
        PredictionRecord prediction = CaseFileMapper.toRecord(event);
        prediction.traceId = traceId;
        prediction.persist();
        changed.fire(new CaseFileChanged(event.getCaseId(), event.getHospitalId(), event.getImageId()));
    }

    @Incoming(Topics.EXPLANATIONS)
    @Blocking
    public void onExplanation(ConsumerRecord<String, ExplanationReady> record) {
        ExplanationReady event = IncomingRecords.payload(record, ExplanationReady.class);
        try (KafkaTracing.Processing traced = tracing.process("audit " + Topics.EXPLANATIONS, record.headers(), event.getCaseId(),
                event.getImageId())) {
            transaction.run(() -> recordExplanation(event, traced.traceId()));
        }
    }

    private void recordExplanation(ExplanationReady event, String traceId) {
        if (ExplanationRecord.count("eventId = ?1 or (imageId = ?2 and modelName = ?3 and modelVersion = ?4 and explainedGroup = ?5)",
                event.getEventId(), event.getImageId(), event.getModel().getName(), event.getModel().getVersion(),
                event.getExplainedGroup().name()) > 0) {
            return;
        }
        CaseRecord.ensure(event.getCaseId(), event.getHospitalId());
        ExplanationRecord explanation = CaseFileMapper.toRecord(event);
        explanation.traceId = traceId;
        explanation.persist();
    }
}
