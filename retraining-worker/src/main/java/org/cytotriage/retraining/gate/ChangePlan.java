package org.cytotriage.retraining.gate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.cytotriage.core.imagestore.Sha256;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The predetermined change-control plan (change-control/retraining-plan.json): which models a
 * retraining may change and how, the recipe's bounds, how the data is split, the locked reference
 * set, and the criteria a candidate must meet against the live model. Read once; its sha256 goes into
 * every gate report, so a verdict names exactly the plan it was made under.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChangePlan(String id, String version, Scope scope, Recipe recipe, DataSplit data, Reference reference, Bootstrap bootstrap,
        List<Criterion> criteria, Shadow shadow, List<String> approvals, String sha256) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Scope(List<String> models, List<String> mayChange, List<String> mayNotChange) {
    }

    /** A setting's default and the bounds a request's recipe must stay within. */
    public record Bounded(double defaultValue, double min, double max) {

        @JsonCreator
        static Bounded of(@JsonProperty("default") double defaultValue,
                @JsonProperty("min") double min,
                @JsonProperty("max") double max) {
            return new Bounded(defaultValue, min, max);
        }

        /** The value asked for, or the default; refused outside the bounds. */
        public double choose(Optional<? extends Number> asked, String name) {
            double value = asked.map(Number::doubleValue).orElse(defaultValue);
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " " + value + " lies outside the plan's bounds [" + min + ", " + max + "]");
            }
            return value;
        }
    }

    /** {@code bethesdaVWeight}: a Bethesda V case's weight in the training loss; {@code epochSelection} says how the kept epoch is chosen. */
    public record Recipe(Bounded epochs, Bounded learningRate, Bounded batch, Bounded tileShare, Bounded bethesdaVWeight,
            String epochSelection, long seed) {
    }

    public record DataSplit(Map<String, Double> split, long splitSeed, int minimumImages) {
    }

    /** The locked synthetic reference set: the generator's version and seeds fix every image and mask. */
    public record Reference(String generator, String site, long seed, int casesPerGroup) {
    }

    public record Bootstrap(int resamples, long seed, double confidence) {
    }

    /**
     * One acceptance criterion. {@code compare}: the candidate's figure, or its difference to the live
     * model's on the same images. {@code test}: which part of the estimate meets the bound
     * (lower-at-least: the 95 % interval's lower end, non-inferiority; upper-at-least: its upper end, "not
     * shown lower", for a figure on too few cases to test non-inferiority, such as Bethesda V recall;
     * estimate-at-least / estimate-at-most: the point estimate).
     */
    public record Criterion(String name, String metric, String dataset, String compare, String test, double bound) {

        public boolean passes(double estimate, double lower, double upper) {
            return switch (test) {
                case "lower-at-least" -> lower >= bound;
                case "upper-at-least" -> upper >= bound;
                case "estimate-at-least" -> estimate >= bound;
                case "estimate-at-most" -> estimate <= bound;
                case "upper-at-most" -> upper <= bound;
                default -> throw new IllegalStateException("criterion '" + name + "' has an unknown test " + test);
            };
        }

        public boolean difference() {
            return "difference".equals(compare);
        }

        /** The rule in words, as the gate report prints it. */
        public String rule() {
            String of = difference() ? metric + " (candidate - live)" : metric + " (candidate)";
            return switch (test) {
                case "lower-at-least" -> "lower end of the 95 % interval of " + of + " >= " + bound;
                case "upper-at-least" -> "upper end of the 95 % interval of " + of + " >= " + bound;
                case "estimate-at-least" -> of + " >= " + bound;
                case "estimate-at-most" -> of + " <= " + bound;
                case "upper-at-most" -> "upper end of the 95 % interval of " + of + " <= " + bound;
                default -> test + " " + bound;
            };
        }
    }

    /**
     * How long a passed candidate runs beside the live model before it may be approved (whichever comes
     * first), and the review rule and conformal coverage its shadow predictions use: the live service's.
     */
    public record Shadow(int images, int days, double reviewThreshold, double conformalCoverage) {
    }

    public String label() {
        return id + " " + version;
    }

    public static ChangePlan read(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            ChangePlan plan = new ObjectMapper().readValue(bytes, ChangePlan.class);
            return new ChangePlan(plan.id, plan.version, plan.scope, plan.recipe, plan.data, plan.reference, plan.bootstrap, plan.criteria,
                    plan.shadow, plan.approvals, Sha256.hex(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the change-control plan " + file, e);
        }
    }
}
