package org.cytotriage.retraining.stream;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.cytotriage.events.v1.ChangeStep;
import org.cytotriage.events.v1.EpochProgress;
import org.cytotriage.events.v1.GateCriterion;
import org.cytotriage.events.v1.GateReport;
import org.cytotriage.events.v1.ModelChange;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.events.v1.RetrainingDataset;
import org.cytotriage.retraining.gate.GateResult;

/** The only place the worker writes ModelChange's Avro. */
public final class ChangeMapper {

    /** The model a job starts from or makes. */
    public record Model(String name, String version, String sha256) {
    }

    /** What the job trained and judged on. */
    public record DatasetSummary(String manifestSha256, int images, int train, int validation, int heldOut, int unusable, long splitSeed) {
    }

    /** An epoch's figures. */
    public record Epoch(int epoch, int epochs, double loss, double validationMacroF1) {
    }

    private ChangeMapper() {
    }

    public static ModelChange.Builder step(String requestId, Model parent, String step, String detail, Instant at) {
        return ModelChange.newBuilder()
                .setEventId(eventId(requestId, step))
                .setOccurredAt(at)
                .setRequestId(requestId)
                .setParent(ref(parent))
                .setStep(ChangeStep.valueOf(step))
                .setDetail(detail.length() > 4000 ? detail.substring(0, 3997) + "..." : detail);
    }

    public static ModelChange epoch(String requestId, Model parent, Epoch e, Instant at) {
        return step(requestId, parent, "TRAINING", String.format("epoch %d of %d: loss %.4f, validation macro-F1 %.4f", e.epoch(), e.epochs(),
                e.loss(), e.validationMacroF1()), at)
                .setEventId(eventId(requestId, "TRAINING " + e.epoch()))
                .setProgress(EpochProgress.newBuilder().setEpoch(e.epoch()).setEpochs(e.epochs()).setLoss(e.loss())
                        .setValidationMacroF1(e.validationMacroF1()).build())
                .build();
    }

    public static ModelChange queued(String requestId, Model parent, String detail, Map<String, String> recipe, Instant at) {
        return step(requestId, parent, "QUEUED", detail, at).setRecipe(Map.copyOf(recipe)).build();
    }

    public static ModelChange dataset(String requestId, Model parent, DatasetSummary d, String detail, Instant at) {
        return step(requestId, parent, "PREPARING_DATA", detail, at)
                .setDataset(RetrainingDataset.newBuilder().setManifestSha256(d.manifestSha256()).setImages(d.images())
                        .setTrainImages(d.train()).setValidationImages(d.validation()).setHeldOutImages(d.heldOut())
                        .setUnusable(d.unusable()).setSplitSeed(d.splitSeed()).build())
                .build();
    }

    public static ModelChange gate(String requestId, Model parent, Model candidate, GateResult result, Instant at) {
        String step = result.passed() ? "GATE_PASSED" : "GATE_FAILED";
        String detail = (result.passed() ? "the candidate meets every criterion of " : "the candidate stays a candidate; not met under ")
                + result.plan() + (result.passed() ? "" : ": " + result.reasons()) + " (reference set " + result.referenceImages()
                + " images, sha256 " + result.referenceSha256() + "; held-out " + result.heldOutImages() + " images)";
        return step(requestId, parent, step, detail, at)
                .setCandidate(ref(candidate))
                .setGate(GateReport.newBuilder().setPlan(result.plan()).setPlanSha256(result.planSha256()).setPassed(result.passed())
                        .setCriteria(result.criteria().stream().map(c -> GateCriterion.newBuilder().setName(c.name())
                                .setDataset(c.dataset()).setCandidate(c.candidate()).setLive(c.live()).setEstimate(c.estimate())
                                .setLower(c.lower()).setUpper(c.upper()).setBound(c.bound()).setPassed(c.passed()).setRule(c.rule())
                                .build()).toList())
                        .build())
                .build();
    }

    public static ModelChange withCandidate(String requestId, Model parent, Model candidate, String step, String detail, Instant at) {
        return step(requestId, parent, step, detail, at).setCandidate(ref(candidate)).build();
    }

    /** The same step of the same request has the same id: a step repeated after a restart is recorded once. */
    static String eventId(String requestId, String step) {
        return UUID.nameUUIDFromBytes((requestId + " " + step).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static ModelRef ref(Model model) {
        return model == null ? null : ModelRef.newBuilder().setName(model.name()).setVersion(model.version()).setSha256(model.sha256()).build();
    }
}
