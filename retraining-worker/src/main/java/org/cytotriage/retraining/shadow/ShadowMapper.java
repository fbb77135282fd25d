package org.cytotriage.retraining.shadow;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.cytotriage.events.v1.AssessabilityVerdict;
import org.cytotriage.events.v1.Assessment;
import org.cytotriage.events.v1.ClassProbabilities;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.events.v1.PredictionSet;
import org.cytotriage.events.v1.TreatmentGroup;
import org.cytotriage.model.assess.Verdict;
import org.cytotriage.model.card.ModelCard;

/**
 * The only place the worker writes PredictionMade's Avro: a candidate's shadow prediction, on its own
 * topic. It carries no activation maps: nothing explains a shadow prediction, because nobody is shown one.
 */
final class ShadowMapper {

    private ShadowMapper() {
    }

    static PredictionMade toEvent(ImageReceived image, ModelCard card, double[] p, int group, boolean review, double millis, Verdict verdict,
            Set<org.cytotriage.core.bethesda.TreatmentGroup> set, double coverage) {
        return PredictionMade.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setImageId(image.getImageId())
                .setCaseId(image.getCaseId())
                .setHospitalId(image.getHospitalId())
                .setPredictedAt(Instant.now())
                .setImage(image.getImage())
                .setModel(ModelRef.newBuilder().setName(card.name()).setVersion(card.version()).setSha256(card.sha256()).build())
                .setPredictedGroup(TreatmentGroup.values()[group])
                .setProbabilities(new ClassProbabilities(p[0], p[1], p[2]))
                .setTemperature(card.calibration().temperature())
                .setFlaggedForReview(review)
                .setInferenceMillis(millis)
                .setAssessment(Assessment.newBuilder()
                        .setVerdict(verdict.assessable() ? AssessabilityVerdict.ASSESSABLE : AssessabilityVerdict.NOT_ASSESSABLE)
                        .setReasons(List.copyOf(verdict.reasons()))
                        .setOutOfDistribution(verdict.outOfDistribution())
                        .setCoverage(verdict.measures().coverage())
                        .setContrast(verdict.measures().contrast())
                        .setFocus(verdict.measures().focus())
                        .build())
                .setPredictionSet(PredictionSet.newBuilder().setTargetCoverage(coverage)
                        .setGroups(set.stream().map(g -> TreatmentGroup.valueOf(g.name())).toList()).build())
                .build();
    }
}
