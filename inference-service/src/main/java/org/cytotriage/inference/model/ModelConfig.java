package org.cytotriage.inference.model;

import java.nio.file.Path;

import org.cytotriage.model.run.SessionSettings;

import ai.onnxruntime.OrtSession;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The model and how it runs; defaults chosen by measurement (docs/benchmarks.md). */
@ConfigMapping(prefix = "cytotriage.inference")
public interface ModelConfig {

    /** The model served at start-up: a directory with {@code model.onnx} and {@code model-card.json}. */
    Path modelDirectory();

    /** ONNX Runtime intra-op threads per session. */
    @WithDefault("2")
    int intraOpThreads();

    @WithDefault("ALL_OPT")
    OrtSession.SessionOptions.OptLevel graphOptimization();

    @WithDefault("true")
    boolean cpuArena();

    /** Off by default: spinning intra-op threads would take the cores from the decoding threads. */
    @WithDefault("false")
    boolean spinning();

    /** Images per ONNX Runtime run. */
    @WithDefault("8")
    int batchSize();

    /** Threads that fetch, decode and preprocess images while the model runs; 0 means one per core. */
    @WithDefault("0")
    int decodeThreads();

    /** Predictions whose top calibrated probability is below this are flagged for expert review. */
    @WithDefault("0.6")
    double reviewThreshold();

    default SessionSettings sessionSettings() {
        return new SessionSettings(intraOpThreads(), graphOptimization(), cpuArena(), spinning());
    }
}
