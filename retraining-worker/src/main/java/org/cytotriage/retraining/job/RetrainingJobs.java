package org.cytotriage.retraining.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.events.v1.RetrainingRequested;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.retraining.dataset.CaseSplit;
import org.cytotriage.retraining.dataset.ConfirmedImage;
import org.cytotriage.retraining.dataset.ManifestMapper;
import org.cytotriage.retraining.dataset.RetrainingDataset;
import org.cytotriage.retraining.gate.CandidateGate;
import org.cytotriage.retraining.gate.ChangePlan;
import org.cytotriage.retraining.gate.GateResult;
import org.cytotriage.retraining.gate.ReferenceSet;
import org.cytotriage.retraining.models.KnownModels;
import org.cytotriage.retraining.shadow.ShadowTrials;
import org.cytotriage.retraining.stream.ChangeLog;
import org.cytotriage.retraining.stream.ChangeMapper;
import org.cytotriage.retraining.stream.ChangeMapper.Model;
import org.cytotriage.training.ProfileCommand;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * One retraining request, start to verdict: the dataset from its manifest, the fine-tune as a job,
 * the candidate's refitted profile, and the gate. Each step is published as it happens (ChangeLog).
 * A request is trained once: its outcome is written in the job's directory last, and a request that
 * finds one there (delivered again, replayed) is answered by it without training.
 */
@ApplicationScoped
public class RetrainingJobs {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String OUTCOME = "outcome.json";

    /** How a job ended: the candidate it made (if any) and whether the gate passed it. */
    public record Outcome(String requestId, String model, String parentVersion, String candidateVersion, String candidateDirectory,
            boolean passed, String detail) {
    }

    private final RetrainingConfig config;
    private final ChangePlan plan;
    private final KnownModels models;
    private final ImageStore store;
    private final ChangeLog log;
    private final ShadowTrials shadow;
    private final MeterRegistry registry;
    private final Clock clock;

    RetrainingJobs(RetrainingConfig config, KnownModels models, ImageStore store, ChangeLog log, ShadowTrials shadow, MeterRegistry registry) {
        this.config = config;
        this.plan = ChangePlan.read(config.plan());
        this.models = models;
        this.store = store;
        this.log = log;
        this.shadow = shadow;
        this.registry = registry;
        this.clock = Clock.systemUTC();
    }

    public ChangePlan plan() {
        return plan;
    }

    /** The outcome of a request already taken, if any. */
    public Optional<Outcome> outcome(String requestId) {
        Path file = config.workDirectory().resolve(requestId).resolve(OUTCOME);
        try {
            return Files.exists(file) ? Optional.of(JSON.readValue(file.toFile(), Outcome.class)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Takes the request, unless it was taken before; returns how it ended. */
    public Outcome take(RetrainingRequested request) {
        String requestId = request.getEventId();
        Optional<Outcome> done = outcome(requestId);
        if (done.isPresent()) {
            return done.get();
        }
        Model parent = new Model(request.getLiveModel().getName(), request.getLiveModel().getVersion(), request.getLiveModel().getSha256());
        Path workspace = fresh(config.workDirectory().resolve(requestId));
        Outcome outcome;
        try {
            outcome = train(request, parent, workspace);
        } catch (TrainingProcess.InterruptedException e) {
            // Stopped with the worker, not failed: no outcome, so the request (unacknowledged) is trained after the restart.
            throw e;
        } catch (RuntimeException e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            log.record(ChangeMapper.step(requestId, parent, "JOB_FAILED", reason, now()).build());
            outcome = new Outcome(requestId, parent.name(), parent.version(), null, null, false, reason);
        }
        write(workspace.resolve(OUTCOME), outcome);
        // A failed job asks someone to look (alert CytoTriageRetrainingFailed); a refused candidate is the gate working.
        String ended = outcome.candidateVersion() == null ? "failed" : outcome.passed() ? "passed" : "refused";
        registry.counter("cytotriage.retraining.jobs", "model", parent.name(), "outcome", ended).increment();
        return outcome;
    }

    private Outcome train(RetrainingRequested request, Model parent, Path workspace) {
        String requestId = request.getEventId();
        KnownModels.Known live = models.find(parent.name(), parent.version())
                .filter(k -> k.card().sha256().equals(parent.sha256()))
                .orElseThrow(() -> new IllegalStateException("the live model " + parent.name() + " " + parent.version() + " (sha256 "
                        + parent.sha256() + ") is not one this worker knows the directory of"));
        if (!plan.scope().models().contains(parent.name())) {
            throw new IllegalStateException(parent.name() + " is outside the scope of " + plan.label() + " (" + plan.scope().models() + ")");
        }
        Map<String, String> recipe = recipe(live.card());
        log.record(ChangeMapper.queued(requestId, parent, "retraining " + parent.name() + " " + parent.version() + " ("
                + request.getTrigger() + ": " + request.getReason() + ") under " + plan.label(), recipe, now()));

        List<ConfirmedImage> manifest = request.getManifestRef() != null
                ? ManifestMapper.read(store.get(request.getManifestRef().getKey()).orElseThrow(() -> new IllegalStateException(
                        "the manifest " + request.getManifestRef().getKey() + " is not in the image store")), request.getManifestRef())
                : ManifestMapper.inline(request.getManifest());
        CaseSplit split = CaseSplit.of(plan.data().split(), plan.data().splitSeed());
        RetrainingDataset dataset = RetrainingDataset.write(workspace.resolve("dataset"), manifest, split, store);
        String manifestSha256 = request.getManifestRef() == null ? "inline" : request.getManifestRef().getSha256();
        ChangeMapper.DatasetSummary summary = new ChangeMapper.DatasetSummary(manifestSha256, manifest.size(), dataset.count(CaseSplit.TRAIN),
                dataset.count(CaseSplit.VALIDATION), dataset.count(CaseSplit.HELD_OUT), dataset.unusable().size(), plan.data().splitSeed());
        log.record(ChangeMapper.dataset(requestId, parent, summary, String.format("%d confirmed images: %d train, %d validation, %d held out"
                + " (split by case)%s", manifest.size(), summary.train(), summary.validation(), summary.heldOut(),
                dataset.unusable().isEmpty() ? "" : "; left out: " + String.join("; ", dataset.unusable())), now()));
        int usable = summary.train() + summary.validation() + summary.heldOut();
        if (usable < plan.data().minimumImages() || summary.train() == 0 || summary.validation() == 0 || summary.heldOut() == 0) {
            throw new IllegalStateException(usable + " usable images (" + summary.train() + "/" + summary.validation() + "/"
                    + summary.heldOut() + "): the plan asks for at least " + plan.data().minimumImages() + " and every split non-empty");
        }

        String version = CandidateVersion.of(parent.version(), requestId);
        Path candidate = fresh(config.candidates().resolve(parent.name()).resolve(version));
        Path lineage = workspace.resolve("lineage.json");
        Map<String, Object> lineageFields = new LinkedHashMap<>();
        lineageFields.put("requestId", requestId);
        lineageFields.put("trigger", request.getTrigger().name());
        lineageFields.put("reason", request.getReason());
        lineageFields.put("manifestSha256", manifestSha256);
        lineageFields.put("manifestImages", manifest.size());
        lineageFields.put("plan", plan.label());
        lineageFields.put("planSha256", plan.sha256());
        lineageFields.put("recipe", recipe);
        write(lineage, lineageFields);
        // The candidate's site A figures (the drift reference audit-service reads once it is live) on the plan's reference set.
        Path reference = new ReferenceSet(plan.reference()).write(config.workDirectory().resolve("reference-set")
                .resolve(plan.sha256().substring(0, 16)));
        fineTune(requestId, parent, live.directory(), dataset.directory(), reference, candidate, version, recipe, lineage, workspace);
        profile(candidate, dataset.directory(), reference, workspace);

        ModelCard card = ModelCard.read(candidate);
        Model made = new Model(card.name(), card.version(), card.sha256());
        log.record(ChangeMapper.withCandidate(requestId, parent, made, "EVALUATING", "judging " + version + " against " + parent.version()
                + " on the locked reference set and " + summary.heldOut() + " held-out confirmed images under " + plan.label(), now()));
        GateResult gate = new CandidateGate(plan, config.threads()).evaluate(live.directory(), candidate, dataset);
        log.record(ChangeMapper.gate(requestId, parent, made, gate, now()));
        if (gate.passed()) {
            shadow.start(requestId, parent, made, candidate, plan.shadow().images(), plan.shadow().days());
        }
        return new Outcome(requestId, parent.name(), parent.version(), version, candidate.toString(), gate.passed(),
                gate.passed() ? "gate passed" : gate.reasons());
    }

    /** The plan's recipe, each setting the configured one or the plan's default, within the plan's bounds. */
    private Map<String, String> recipe(ModelCard parent) {
        Map<String, String> recipe = new LinkedHashMap<>();
        recipe.put("epochs", String.valueOf((int) plan.recipe().epochs().choose(config.epochs(), "epochs")));
        recipe.put("learningRate", String.valueOf(plan.recipe().learningRate().choose(config.learningRate(), "learning rate")));
        recipe.put("batch", String.valueOf((int) plan.recipe().batch().choose(config.batch(), "batch")));
        recipe.put("tileShare", String.valueOf(plan.recipe().tileShare().choose(Optional.empty(), "tile share")));
        recipe.put("bethesdaVWeight", String.valueOf(plan.recipe().bethesdaVWeight().choose(Optional.empty(), "Bethesda V weight")));
        recipe.put("epochSelection", plan.recipe().epochSelection());
        recipe.put("seed", String.valueOf(plan.recipe().seed()));
        recipe.put("parent", parent.name() + " " + parent.version() + " sha256:" + parent.sha256());
        recipe.put("code", TrainingCode.version(config.trainingDirectory()));
        recipe.put("method", "fine-tune from the live model, BatchNorm statistics frozen; temperature, conformal thresholds and "
                + "assessability profile refitted");
        config.limit().ifPresent(limit -> recipe.put("limit", String.valueOf(limit)));
        return recipe;
    }

    private void fineTune(String requestId, Model parent, Path liveDirectory, Path dataset, Path reference, Path candidate, String version,
            Map<String, String> recipe, Path lineage, Path workspace) {
        List<String> arguments = new ArrayList<>(List.of("--parent", liveDirectory.toAbsolutePath().toString(),
                "--data", dataset.toAbsolutePath().toString(), "--out", candidate.toAbsolutePath().toString(), "--version", version,
                "--epochs", recipe.get("epochs"), "--lr", recipe.get("learningRate"), "--batch", recipe.get("batch"),
                "--tile-share", recipe.get("tileShare"), "--bethesda-v-weight", recipe.get("bethesdaVWeight"),
                "--seed", recipe.get("seed"), "--threads", String.valueOf(config.threads()),
                "--report", "siteA=" + reference.toAbsolutePath(),
                "--lineage", lineage.toAbsolutePath().toString(), "--progress", workspace.resolve("progress.jsonl").toAbsolutePath().toString()));
        config.limit().ifPresent(limit -> arguments.addAll(List.of("--limit", String.valueOf(limit))));
        TrainingProcess.run(config.python(), config.trainingDirectory(), "cytotriage_training.finetune", arguments,
                workspace.resolve("progress.jsonl"), workspace.resolve("finetune.log"), line -> onProgress(requestId, parent, line));
    }

    private void onProgress(String requestId, Model parent, JsonNode line) {
        if ("training".equals(line.path("stage").asText())) {
            log.record(ChangeMapper.epoch(requestId, parent, new ChangeMapper.Epoch(line.path("epoch").asInt(), line.path("epochs").asInt(),
                    line.path("loss").asDouble(), line.path("validationMacroF1").asDouble()), now()));
        }
    }

    /**
     * The candidate's assessability profile and conformal thresholds, refitted as every shipped model's
     * were: the services' runtime measures the candidate on the job's data, training/ fits them.
     */
    private void profile(Path candidate, Path dataset, Path reference, Path workspace) {
        Path dumps = workspace.resolve("profiles");
        // siteA: the reference set, so the card's site A figures carry the assessed share the drift reference reads too.
        int status = ProfileCommand.run("--model=" + candidate.toAbsolutePath(),
                "--data=train=" + dataset.toAbsolutePath() + ":train+val,heldOut=" + dataset.toAbsolutePath() + ":heldout,siteA="
                        + reference.toAbsolutePath() + ":test",
                "--threads=" + config.threads(), "--out=" + dumps.toAbsolutePath());
        if (status != 0) {
            throw new IllegalStateException("profiling the candidate in " + candidate + " ended with status " + status);
        }
        TrainingProcess.run(config.python(), config.trainingDirectory(), "cytotriage_training.profile",
                List.of("--model", candidate.toAbsolutePath().toString(), "--dumps", dumps.toAbsolutePath().toString()),
                workspace.resolve("profile-progress.jsonl"), workspace.resolve("profile.log"), line -> {
                });
    }

    /** An empty directory: what a job that died half way left there is thrown away, and the job starts over. */
    private static Path fresh(Path directory) {
        try {
            if (Files.exists(directory)) {
                try (Stream<Path> walk = Files.walk(directory)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + directory, e);
        }
    }

    private static void write(Path file, Object value) {
        try {
            JSON.writeValue(file.toFile(), value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private Instant now() {
        return Instant.now(clock);
    }
}
