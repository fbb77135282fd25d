package org.cytotriage.retraining.gate;

import java.util.List;

/** The gate's verdict on a candidate, with every figure: what ModelChange's GateReport carries. */
public record GateResult(String plan, String planSha256, boolean passed, List<Criterion> criteria, String referenceSha256,
        int referenceImages, int heldOutImages) {

    public record Criterion(String name, String dataset, double candidate, Double live, double estimate, double lower, double upper,
            double bound, boolean passed, String rule) {
    }

    /** The criteria not met, in words: why a refused candidate stays a candidate. */
    public String reasons() {
        return criteria.stream().filter(c -> !c.passed())
                .map(c -> String.format("%s: %.4f [%.4f, %.4f], needs %s", c.name(), c.estimate(), c.lower(), c.upper(), c.rule()))
                .reduce((a, b) -> a + "; " + b).orElse("every criterion met");
    }
}
