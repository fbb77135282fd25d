package org.cytotriage.explain.model;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The model versions explain-service can run again, and how overlays are drawn. */
@ConfigMapping(prefix = "cytotriage.explain")
public interface ExplainConfig {

    /**
     * Overlay width in pixels at most (the workstation shows it beside the full-resolution original):
     * at 640 px an overlay costs about a third of one at 1024 (docs/benchmarks.md, Explain).
     */
    @WithDefault("640")
    int overlayWidth();

    /**
     * Model directories ({@code model.onnx} + {@code model-card.json}) known from the start; versions
     * published later (ModelPublished) are added as they come.
     */
    List<Path> modelDirectories();

    /**
     * How long a prediction by a model version this service does not know waits for the version's
     * publication before it is a dead letter (a forged record, or a model never published).
     */
    @WithDefault("30s")
    Duration unknownModelPatience();
}
