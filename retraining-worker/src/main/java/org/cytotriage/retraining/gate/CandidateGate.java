package org.cytotriage.retraining.gate;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.bethesda.TreatmentGroup;
import org.cytotriage.core.imagestore.Sha256;
import org.cytotriage.model.gradcam.GradCam;
import org.cytotriage.model.gradcam.Heatmap;
import org.cytotriage.model.preprocess.ImageDecoder;
import org.cytotriage.model.preprocess.ModelInputs;
import org.cytotriage.model.reference.ReferenceCases;
import org.cytotriage.model.run.LoadedModel;
import org.cytotriage.model.run.ModelOutput;
import org.cytotriage.retraining.dataset.CaseSplit;
import org.cytotriage.retraining.dataset.RetrainingDataset;
import org.cytotriage.synthetic.LesionMask;
import org.cytotriage.synthetic.SyntheticCase;

/**
 * The candidate against the live model, by the plan's criteria, on the same images: the locked
 * synthetic reference set (generated from the plan's generator version and seed, with the lesion
 * masks Grad-CAM is judged against) and the confirmed cases held out of training. Both models run in
 * the services' own runtime, so what is judged is what would be served; the candidate's reference
 * vectors check that this runtime reproduces PyTorch.
 */
public final class CandidateGate {

    private static final int BATCH = 8;

    private final ChangePlan plan;
    private final int threads;

    public CandidateGate(ChangePlan plan, int threads) {
        this.plan = plan;
        this.threads = threads;
    }

    public GateResult evaluate(Path liveDirectory, Path candidateDirectory, RetrainingDataset dataset) {
        try (LoadedModel live = LoadedModel.load(liveDirectory, threads);
                LoadedModel candidate = LoadedModel.load(candidateDirectory, threads)) {
            List<Scored> reference = new ArrayList<>();
            String referenceSha256 = scoreReference(live, candidate, reference);
            List<Scored> heldOut = scoreHeldOut(live, candidate, dataset);
            double parity = parity(candidate, candidateDirectory);
            List<GateResult.Criterion> criteria = new ArrayList<>();
            for (ChangePlan.Criterion criterion : plan.criteria()) {
                criteria.add(judge(criterion, reference, heldOut, parity));
            }
            return new GateResult(plan.label(), plan.sha256(), criteria.stream().allMatch(GateResult.Criterion::passed), criteria,
                    referenceSha256, reference.size(), heldOut.size());
        }
    }

    private GateResult.Criterion judge(ChangePlan.Criterion criterion, List<Scored> reference, List<Scored> heldOut, double parity) {
        if (criterion.metric().equals("parity")) {
            return new GateResult.Criterion(criterion.name(), criterion.dataset(), parity, null, parity, parity, parity, criterion.bound(),
                    criterion.passes(parity, parity, parity), criterion.rule() + " (largest difference of a logit or probability)");
        }
        List<Scored> images = switch (criterion.dataset()) {
            case "reference" -> reference;
            case "held-out" -> heldOut;
            case "reference+held-out" -> concat(reference, heldOut);
            default -> throw new IllegalStateException("criterion '" + criterion.name() + "' names an unknown dataset " + criterion.dataset());
        };
        GateMetrics.Estimate e = GateMetrics.estimate(images, GateMetrics.named(criterion.metric()), criterion.difference(), plan.bootstrap());
        // A figure that cannot be computed (no Bethesda V image, no held-out case) is not met: the gate does not pass on no evidence.
        boolean passed = !Double.isNaN(e.estimate()) && criterion.passes(e.estimate(), e.lower(), e.upper());
        return new GateResult.Criterion(criterion.name(), criterion.dataset(), e.candidate(), e.live(), e.estimate(), e.lower(), e.upper(),
                criterion.bound(), passed, criterion.rule() + " (" + images.size() + " images)");
    }

    /** Generates the reference set, scores it with both models, and returns the sha256 of its images (the lock). */
    private String scoreReference(LoadedModel live, LoadedModel candidate, List<Scored> scored) {
        ReferenceSet reference = new ReferenceSet(plan.reference());
        MessageDigest lock = Sha256.digest();
        List<ReferenceSet.Entry> entries = reference.entries();
        for (int start = 0; start < entries.size(); start += BATCH) {
            List<BufferedImage> images = new ArrayList<>();
            List<LesionMask> masks = new ArrayList<>();
            List<BethesdaCategory> truths = new ArrayList<>();
            for (ReferenceSet.Entry entry : entries.subList(start, Math.min(entries.size(), start + BATCH))) {
                SyntheticCase c = reference.generate(entry);
                byte[] jpeg = c.jpegBytes();
                lock.update(jpeg);
                images.add(ImageDecoder.decode(jpeg));
                masks.add(c.mask());
                truths.add(entry.category());
            }
            score(live, candidate, images, truths, masks, scored);
        }
        return Sha256.hex(lock);
    }

    private List<Scored> scoreHeldOut(LoadedModel live, LoadedModel candidate, RetrainingDataset dataset) {
        List<Scored> scored = new ArrayList<>();
        List<RetrainingDataset.Entry> heldOut = dataset.images(CaseSplit.HELD_OUT);
        try {
            for (int start = 0; start < heldOut.size(); start += BATCH) {
                List<BufferedImage> images = new ArrayList<>();
                List<BethesdaCategory> truths = new ArrayList<>();
                for (RetrainingDataset.Entry entry : heldOut.subList(start, Math.min(heldOut.size(), start + BATCH))) {
                    images.add(ImageDecoder.decode(Files.readAllBytes(entry.file())));
                    truths.add(entry.image().bethesda());
                }
                score(live, candidate, images, truths, null, scored);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the held-out cases in " + dataset.directory(), e);
        }
        return scored;
    }

    private static void score(LoadedModel live, LoadedModel candidate, List<BufferedImage> images, List<BethesdaCategory> truths,
            List<LesionMask> masks, List<Scored> scored) {
        List<ModelOutput> liveOutputs = live.run(images.stream().map(i -> ModelInputs.of(i, live.card())).toList());
        List<ModelOutput> candidateOutputs = candidate.run(images.stream().map(i -> ModelInputs.of(i, candidate.card())).toList());
        for (int i = 0; i < images.size(); i++) {
            BethesdaCategory truth = truths.get(i);
            LesionMask mask = masks == null ? null : masks.get(i);
            scored.add(new Scored(truth, liveOutputs.get(i).probabilities(live.card().calibration().temperature()),
                    candidateOutputs.get(i).probabilities(candidate.card().calibration().temperature()),
                    onLesion(live, liveOutputs.get(i), truth, mask), onLesion(candidate, candidateOutputs.get(i), truth, mask)));
        }
    }

    /** The share of the true group's Grad-CAM on the lesion; NaN for a benign case or a smear without lesion cells. */
    private static double onLesion(LoadedModel model, ModelOutput output, BethesdaCategory truth, LesionMask mask) {
        if (mask == null || mask.isEmpty() || truth.group() == TreatmentGroup.BENIGN) {
            return Double.NaN;
        }
        Heatmap heatmap = GradCam.ofClass(output, truth.group().ordinal(), model.card().preprocessing().views());
        return mask.shareOf(heatmap.values(), heatmap.rows(), heatmap.cols());
    }

    /** The largest difference between this runtime and PyTorch over the candidate's reference vectors (logits and calibrated probabilities). */
    private static double parity(LoadedModel candidate, Path directory) {
        double worst = 0;
        ReferenceCases reference = ReferenceCases.read(directory);
        if (reference.cases().isEmpty()) {
            return Double.POSITIVE_INFINITY;
        }
        try {
            for (ReferenceCases.Case c : reference.cases()) {
                float[] input = ModelInputs.of(ImageDecoder.decode(Files.readAllBytes(c.png())), candidate.card());
                ModelOutput output = candidate.run(List.of(input)).get(0);
                double[] probabilities = output.probabilities(candidate.card().calibration().temperature());
                for (int k = 0; k < probabilities.length; k++) {
                    worst = Math.max(worst, Math.abs(probabilities[k] - c.probabilities()[k]));
                    worst = Math.max(worst, Math.abs(output.logits()[k] - c.logits()[k]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the candidate's reference images in " + directory, e);
        }
        return worst;
    }

    private static List<Scored> concat(List<Scored> a, List<Scored> b) {
        List<Scored> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
