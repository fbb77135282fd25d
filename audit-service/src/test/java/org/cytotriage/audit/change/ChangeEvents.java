package org.cytotriage.audit.change;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.cytotriage.events.v1.ChangeStep;
import org.cytotriage.events.v1.EpochProgress;
import org.cytotriage.events.v1.GateCriterion;
import org.cytotriage.events.v1.GateReport;
import org.cytotriage.events.v1.ModelChange;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.events.v1.RetrainingDataset;

/** The retraining worker's steps as it publishes them, for the change-control tests. */
final class ChangeEvents {

    private ChangeEvents() {
    }

    static ModelRef model(String name, String version) {
        return ModelRef.newBuilder().setName(name).setVersion(version).setSha256((version.replace(".", "") + "f".repeat(64)).substring(0, 64))
                .build();
    }

    /** A step; its event id derived from the request, step and epoch, as the worker derives it. */
    static ModelChange.Builder step(String requestId, ModelRef parent, ModelRef candidate, ChangeStep step, Instant at, String detail) {
        return ModelChange.newBuilder().setEventId(UUID.nameUUIDFromBytes((requestId + "/" + step + "/" + at).getBytes(StandardCharsets.UTF_8))
                .toString()).setOccurredAt(at).setRequestId(requestId).setParent(parent).setCandidate(candidate).setStep(step).setDetail(detail);
    }

    static EpochProgress epoch(int epoch, int epochs, double loss, double validationMacroF1) {
        return EpochProgress.newBuilder().setEpoch(epoch).setEpochs(epochs).setLoss(loss).setValidationMacroF1(validationMacroF1).build();
    }

    static RetrainingDataset dataset() {
        return RetrainingDataset.newBuilder().setManifestSha256("d".repeat(64)).setImages(120).setTrainImages(80).setValidationImages(20)
                .setHeldOutImages(20).setUnusable(1).setSplitSeed(42).build();
    }

    static Map<String, String> recipe() {
        return Map.of("epochs", "3", "learningRate", "0.0001", "seed", "7", "code", "training@abc123");
    }

    static GateReport gate(boolean macroF1Passes) {
        GateCriterion macroF1 = GateCriterion.newBuilder().setName("macro-F1 not worse").setDataset("held-out").setCandidate(0.81).setLive(0.80)
                .setEstimate(macroF1Passes ? 0.01 : -0.09).setLower(macroF1Passes ? -0.03 : -0.14).setUpper(macroF1Passes ? 0.05 : -0.04)
                .setBound(-0.05).setPassed(macroF1Passes).setRule("the lower 95 % bound of macro-F1 less the live model's is above -0.05")
                .build();
        GateCriterion bethesdaV = GateCriterion.newBuilder().setName("Bethesda V recall").setDataset("reference").setCandidate(0.9).setLive(null)
                .setEstimate(0.9).setLower(0.82).setUpper(0.95).setBound(0.8).setPassed(true)
                .setRule("the lower 95 % bound of Bethesda V recall is at least 0.80").build();
        return GateReport.newBuilder().setPlan("change-control/plan 1.0").setPlanSha256("a".repeat(64)).setPassed(macroF1Passes)
                .setCriteria(List.of(macroF1, bethesdaV)).build();
    }
}
