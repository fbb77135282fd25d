package org.cytotriage.inference.model;

import java.nio.file.Path;
import java.time.Duration;

import org.cytotriage.model.run.SessionSettings;

import ai.onnxruntime.OrtSession;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The model and how it runs; defaults chosen by measurement (docs/benchmarks.md). */
@ConfigMapping(prefix = "cytotriage.inference")
public interface ModelConfig {

    /** The model served at start-up: a directory with {@code model.onnx} and {@code model-card.json}. */
    Path modelDirectory();

    /** How often to look for the model's card while the model directory is still empty. */
    @WithDefault("1s")
    Duration filesPollInterval();

    /**
     * ONNX Runtime intra-op threads per run. One by default: a single-threaded run costs about a
     * quarter less CPU per image than a two-threaded one and loses nothing when decoding shares the
     * cores (docs/benchmarks.md); the service runs as many models at once as the cores allow.
     */
    @WithDefault("1")
    int intraOpThreads();

    @WithDefault("ALL_OPT")
    OrtSession.SessionOptions.OptLevel graphOptimization();

    @WithDefault("true")
    boolean cpuArena();

    /** Off by default: spinning intra-op threads would take the cores from the decoding threads. */
    @WithDefault("false")
    boolean spinning();

    /**
     * Images per ONNX Runtime run, at most: a single-threaded Basic run is as fast per image at 4 as at
     * 1 and slower at 8 or 16 (docs/benchmarks.md); larger batches only hold more memory.
     */
    @WithDefault("4")
    int batchSize();

    /** Threads that fetch, decode and preprocess images while the model runs; 0 means one per core. */
    @WithDefault("0")
    int decodeThreads();

    /** Predictions whose top calibrated probability is below this are flagged for expert review. */
    @WithDefault("0.6")
    double reviewThreshold();

    /**
     * Target coverage of the conformal prediction sets: per group, the share of its images whose set
     * holds it. The model's card must be calibrated for it (training/ fits 0.80, 0.90 and 0.95).
     */
    @WithDefault("0.90")
    double conformalCoverage();

    default SessionSettings sessionSettings() {
        return new SessionSettings(intraOpThreads(), graphOptimization(), cpuArena(), spinning());
    }
}
