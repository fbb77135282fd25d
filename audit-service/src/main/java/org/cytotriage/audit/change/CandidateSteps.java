package org.cytotriage.audit.change;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The steps of one retraining as the ledger holds them, oldest first, and what they say: the
 * latest step, the gate's verdict, the candidate. Read for a job's progress, a version's change
 * record and whether a candidate may be approved.
 */
record CandidateSteps(List<ModelChangeRecord> steps) {

    static final String TRAINING = "TRAINING";
    static final String GATE_PASSED = "GATE_PASSED";
    static final String GATE_FAILED = "GATE_FAILED";
    static final String SHADOW_STARTED = "SHADOW_STARTED";
    static final String SHADOW_COMPLETED = "SHADOW_COMPLETED";
    static final String RELEASED = "RELEASED";
    static final String ROLLED_BACK = "ROLLED_BACK";

    /** The steps of the retraining that produced this version of the model (none: not a candidate). */
    static CandidateSteps of(String model, String version) {
        return new CandidateSteps(ModelChangeRecord.ofCandidate(model, version));
    }

    boolean isEmpty() {
        return steps.isEmpty();
    }

    /** The worker's latest step. */
    ModelChangeRecord latest() {
        return steps.get(steps.size() - 1);
    }

    /** The latest step of any of these kinds. */
    Optional<ModelChangeRecord> latest(String... kinds) {
        List<String> wanted = List.of(kinds);
        return latestWith(step -> wanted.contains(step.step));
    }

    /** The first step of this kind. */
    Optional<ModelChangeRecord> first(String kind) {
        return steps.stream().filter(step -> step.step.equals(kind)).findFirst();
    }

    /** The gate's latest verdict: GATE_PASSED or GATE_FAILED. */
    Optional<ModelChangeRecord> gate() {
        return latest(GATE_PASSED, GATE_FAILED);
    }

    /** The latest step that names what this kind of step carries (dataset, recipe, gate, candidate). */
    Optional<ModelChangeRecord> latestWith(Predicate<ModelChangeRecord> carries) {
        return steps.stream().filter(carries).reduce((earlier, later) -> later);
    }
}
