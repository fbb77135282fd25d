package org.cytotriage.explain.model;

import java.nio.file.Path;
import java.util.List;

import io.smallrye.config.ConfigMapping;

/** The model versions explain-service can run again for explanations on request. */
@ConfigMapping(prefix = "cytotriage.explain")
public interface ExplainConfig {

    /**
     * Model directories ({@code model.onnx} + {@code model-card.json}) known from the start; versions
     * published later (ModelPublished) are added as they come.
     */
    List<Path> modelDirectories();
}
