package org.cytotriage.audit.casefile;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ExplanationReady;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.PredictionMade;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.common.annotation.Blocking;

/**
 * Records images, predictions and explanations as they are published. Idempotent: an event whose
 * id (or natural key) is already on record is a redelivery and adds nothing; the unique keys in the
 * schema back this up against concurrent replicas.
 */
@ApplicationScoped
public class CaseFileRecorder {

    private static final Logger LOG = Logger.getLogger(CaseFileRecorder.class);

    @Incoming(Topics.IMAGES)
    @Blocking
    @Transactional
    public void onImage(ImageReceived event) {
        if (ImageRecord.findById(event.getImageId()) != null) {
            LOG.debugf("image %s already on record", event.getImageId());
            return;
        }
        CaseRecord.ensure(event.getCaseId(), event.getHospitalId());
        CaseFileMapper.toRecord(event).persist();
    }

    @Incoming(Topics.PREDICTIONS)
    @Blocking
    @Transactional
    public void onPrediction(PredictionMade event) {
        if (PredictionRecord.count("eventId = ?1 or (imageId = ?2 and modelName = ?3 and modelVersion = ?4)", event.getEventId(),
                event.getImageId(), event.getModel().getName(), event.getModel().getVersion()) > 0) {
            LOG.debugf("prediction of image %s by %s %s already on record", event.getImageId(), event.getModel().getName(),
                    event.getModel().getVersion());
            return;
        }
        CaseRecord.ensure(event.getCaseId(), event.getHospitalId());
        CaseFileMapper.toRecord(event).persist();
    }

    @Incoming(Topics.EXPLANATIONS)
    @Blocking
    @Transactional
    public void onExplanation(ExplanationReady event) {
        if (ExplanationRecord.count("eventId = ?1 or (imageId = ?2 and modelName = ?3 and modelVersion = ?4 and explainedGroup = ?5)",
                event.getEventId(), event.getImageId(), event.getModel().getName(), event.getModel().getVersion(),
                event.getExplainedGroup().name()) > 0) {
            return;
        }
        CaseRecord.ensure(event.getCaseId(), event.getHospitalId());
        CaseFileMapper.toRecord(event).persist();
    }
}
