package org.cytotriage.inference.model;

import java.nio.file.Path;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "cytotriage.inference")
public interface ModelConfig {

    /** The live model's directory: {@code model.onnx} and {@code model-card.json}. */
    Path modelDirectory();

    /** ONNX Runtime intra-op threads per session. */
    @WithDefault("2")
    int intraOpThreads();

    /** Predictions whose top probability is below this are flagged for expert review. */
    @WithDefault("0.6")
    double reviewThreshold();
}
