package org.cytotriage.synthetic.dataset;

import java.util.Locale;

/**
 * Train/validation/test proportions, e.g. the 70:15:15 of ThyroidEffi.
 */
public record SplitFractions(double train, double validation, double test) {

    public static final SplitFractions DEFAULT = new SplitFractions(0.7, 0.15, 0.15);

    public SplitFractions {
        if (train < 0 || validation < 0 || test < 0 || Math.abs(train + validation + test - 1) > 1e-6) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "split fractions must be non-negative and sum to 1: %s,%s,%s", train, validation, test));
        }
    }

    /** Parses "0.7,0.15,0.15" (train, validation, test). */
    public static SplitFractions parse(String text) {
        String[] parts = text.split(",");
        if (parts.length != 3) {
            throw new IllegalArgumentException("expected three comma-separated fractions (train,val,test): " + text);
        }
        return new SplitFractions(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()),
                Double.parseDouble(parts[2].trim()));
    }

    double fraction(Split split) {
        return switch (split) {
            case TRAIN -> train;
            case VALIDATION -> validation;
            case TEST -> test;
        };
    }
}
