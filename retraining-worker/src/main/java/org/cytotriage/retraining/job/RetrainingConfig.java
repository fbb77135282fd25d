package org.cytotriage.retraining.job;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the worker works, what it runs, and which plan it follows. Defaults in application.properties. */
@ConfigMapping(prefix = "cytotriage.retraining")
public interface RetrainingConfig {

    /** The change-control plan (change-control/retraining-plan.json): what a retraining may change, its recipe's bounds, the gate. */
    Path plan();

    /** Each job's dataset, logs and state, by request id: a request found done here is not trained again. */
    Path workDirectory();

    /**
     * Where candidates are written ({@code <candidates>/<model>/<version>}): under the services' model
     * root, so that a released candidate is where every service may read it.
     */
    Path candidates();

    /** Model directories known before any publication (the shipped models); published ones are added as they come. */
    List<Path> modelDirectories();

    /** Debian's interpreter, the one that sees python3-torch. */
    String python();

    /** The training/ folder: cytotriage_training is run from here. */
    Path trainingDirectory();

    /** Threads for PyTorch and ONNX Runtime. */
    @WithDefault("2")
    int threads();

    /** The recipe's overrides within the plan's bounds (tests and the demo: fewer epochs); the plan's defaults otherwise. */
    Optional<Integer> epochs();

    Optional<Integer> batch();

    Optional<Double> learningRate();

    /**
     * The release key's private file ({@code <name>.key}, {@code <name>.pub} beside it; release keygen):
     * what the services' trust lists must hold for the releases the worker carries out.
     */
    Optional<Path> releaseKey();

    /** Cap on images per split given to training (tests); none in production. */
    Optional<Integer> limit();
}
