package org.cytotriage.model.assess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.cytotriage.core.imagestore.Sha256;
import org.cytotriage.model.card.ModelCard;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a model needs to tell whether an image is one it may answer for: the limits of the cheap
 * {@link ImageMeasures} on its training images, and the distribution of its pooled last feature map
 * (the input of its linear head) on them. Fitted by {@code training/} ({@code cytotriage_training.assessability})
 * and kept in the model directory, covered by the card's sha256 of the file and by the release
 * signature over the directory, so a retrained model brings its own.
 *
 * <p>The out-of-distribution score is a Mahalanobis distance in the leading principal components
 * of the training features plus the part of the feature vector those components do not explain,
 * each divided by its mean on the training images (so both are about 1 for a training image):
 * {@code (sum_i p_i^2 / lambda_i / k + residual^2 / residualScale) / 2}. The threshold is the
 * validation split's quantile that lets at least 99 % of in-distribution images through.
 *
 * @param measures per measure, the interval a smear's value lies in
 * @param features the feature distribution and the score's threshold
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AssessabilityProfile(String method, Map<ImageMeasures.Measure, Limits> measures, Features features,
        String label) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A measure's interval; a bound may be absent. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Limits(Double min, Double max) {
    }

    /**
     * @param view which view's features are pooled (0: the whole image)
     * @param mean the training features' mean
     * @param components the leading principal components, unit vectors, [k][features]
     * @param variances the training features' variance along each component
     * @param residualScale the mean squared residual outside the components on the training images
     * @param threshold images scoring above it are out of distribution
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Features(int view, double[] mean, double[][] components, double[] variances, double residualScale,
            double threshold) {
    }

    /** The profile a card names, read from its directory and checked against the card's sha256 of it. */
    public static AssessabilityProfile read(Path modelDirectory, ModelCard card) {
        ModelCard.Assessability named = card.assessability();
        if (named == null) {
            throw new IllegalStateException("model " + card.name() + " " + card.version()
                    + " has no assessability profile: it cannot tell which images it must not answer for");
        }
        Path file = modelDirectory.resolve(named.file()).normalize();
        if (!file.getParent().equals(modelDirectory.normalize())) {
            throw new IllegalStateException("the assessability profile " + named.file() + " is not a file of " + modelDirectory);
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            String sha256 = Sha256.hex(bytes);
            if (!sha256.equals(named.sha256())) {
                throw new IllegalStateException(file + " has sha256 " + sha256 + " but the card says " + named.sha256());
            }
            return JSON.readValue(bytes, AssessabilityProfile.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The verdict on one image from its measures and the pooled features of {@link Features#view()}. */
    public Verdict assess(ImageMeasures measured, float[] pooledFeatures) {
        List<String> reasons = new ArrayList<>();
        measures.forEach((measure, limits) -> {
            double value = measured.value(measure);
            if (limits.min() != null && value < limits.min()) {
                reasons.add(String.format("%s: %s %.4f below %.4f", whenLow(measure), measure.name().toLowerCase(), value, limits.min()));
            } else if (limits.max() != null && value > limits.max()) {
                reasons.add(String.format("%s: %s %.4f above %.4f", whenHigh(measure), measure.name().toLowerCase(), value, limits.max()));
            }
        });
        double score = outOfDistribution(pooledFeatures);
        if (!(score <= features.threshold())) {
            reasons.add(String.format("unlike the model's training images (stain, colour or content): "
                    + "out-of-distribution score %.3f above %.3f", score, features.threshold()));
        }
        return new Verdict(reasons.isEmpty(), List.copyOf(reasons), score, measured);
    }

    /** The score of pooled features; about 1 for a training image, NaN-free for any finite input. */
    public double outOfDistribution(float[] pooled) {
        double[] mean = features.mean();
        if (pooled.length != mean.length) {
            throw new IllegalArgumentException(pooled.length + " features, the profile has " + mean.length);
        }
        double[] centred = new double[mean.length];
        double total = 0;
        for (int i = 0; i < centred.length; i++) {
            centred[i] = pooled[i] - mean[i];
            total += centred[i] * centred[i];
        }
        double mahalanobis = 0;
        double explained = 0;
        double[][] components = features.components();
        for (int c = 0; c < components.length; c++) {
            double projection = 0;
            double[] component = components[c];
            for (int i = 0; i < centred.length; i++) {
                projection += component[i] * centred[i];
            }
            explained += projection * projection;
            mahalanobis += projection * projection / features.variances()[c];
        }
        double residual = Math.max(0, total - explained);
        return (mahalanobis / components.length + residual / features.residualScale()) / 2;
    }

    private static String whenLow(ImageMeasures.Measure measure) {
        return switch (measure) {
            case COVERAGE -> "blank, or too few cells";
            case CONTRAST -> "blank or nearly uniform";
            case FOCUS -> "out of focus";
            case CHROMA -> "no stain colour (not a stained smear)";
            case REDNESS, BLUENESS -> "stain colours unlike the training images'";
        };
    }

    private static String whenHigh(ImageMeasures.Measure measure) {
        return switch (measure) {
            case COVERAGE -> "stained from edge to edge, unlike a smear";
            case CONTRAST -> "contrast beyond any smear's";
            case FOCUS -> "noise or texture sharper than any smear";
            case CHROMA -> "colours more saturated than any stain the model was trained on";
            case REDNESS, BLUENESS -> "stain colours unlike the training images'";
        };
    }
}
