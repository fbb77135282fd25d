package org.cytotriage.retraining;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.cytotriage.core.release.ModelRelease;
import org.cytotriage.infra.ModelReleases;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.model.reference.ShippedModels;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The worker's own setting beside the real servers: the live model is a signed release of the
 * shipped Basic under the model root (with its reference images beside it, as fine-tuning checks
 * its reconstruction against them), candidates are written under the same root, the release key is
 * the run's trusted key written as files, and the plan is the test plan (a smaller reference set and
 * a three-image shadow).
 */
public class WorkerTestResource implements QuarkusTestResourceLifecycleManager {

    static final String LIVE_VERSION = "1.4.0-synthetic";

    private String learningRate = "0.00001";
    private String epochs = "1";

    @Override
    public void init(Map<String, String> initArgs) {
        learningRate = initArgs.getOrDefault("learning-rate", learningRate);
        epochs = initArgs.getOrDefault("epochs", epochs);
    }

    @Override
    public Map<String, String> start() {
        RealInfrastructure infra = RealInfrastructure.shared();
        Path root = ModelReleases.root();
        Path live = root.resolve("live").resolve(ShippedModels.BASIC);
        try {
            if (!Files.exists(live)) {
                copy(ShippedModels.directory(ShippedModels.BASIC), live);
                copy(ShippedModels.directory(ShippedModels.BASIC).resolveSibling("reference-images"), live.resolveSibling("reference-images"));
                ModelReleases.sign(live, ShippedModels.BASIC, LIVE_VERSION, false);
            }
            Path key = ModelRelease.writeKey(infra.releaseKey(), infra.workDirectory().resolve("worker-release-key"));
            Map<String, String> config = new LinkedHashMap<>();
            config.put("cytotriage.retraining.model-directories", live.toString());
            config.put("cytotriage.retraining.candidates", root.resolve("candidates").toString());
            config.put("cytotriage.retraining.work-directory", Files.createTempDirectory(infra.workDirectory(), "retraining-jobs").toString());
            config.put("cytotriage.retraining.release-key", key.toString());
            config.put("cytotriage.retraining.plan", Path.of("src/test/resources/test-plan.json").toAbsolutePath().toString());
            config.put("cytotriage.retraining.learning-rate", learningRate);
            config.put("cytotriage.retraining.epochs", epochs);
            config.put("cytotriage.retraining.batch", "8");
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage the worker's live model", e);
        }
    }

    @Override
    public void stop() {
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.filter(f -> Files.isRegularFile(f) && !f.getFileName().toString().equals(ModelRelease.FILE)).toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }
}
