package org.cytotriage.core.release;

import java.util.Comparator;

/**
 * The order of model versions: dot- or dash-separated parts, numbers compared as numbers
 * ({@code 1.10.0} after {@code 1.9.0}), other parts as text, a number before text ({@code 1.3.0.1}
 * before {@code 1.3.0-synthetic}), a version with more parts after its prefix ({@code 1.3.0.1} after
 * {@code 1.3.0}).
 */
public final class ModelVersions {

    public static final Comparator<String> ORDER = ModelVersions::compare;

    private ModelVersions() {
    }

    public static int compare(String a, String b) {
        String[] left = a.split("[.-]");
        String[] right = b.split("[.-]");
        for (int i = 0; i < Math.min(left.length, right.length); i++) {
            boolean leftNumber = isNumber(left[i]);
            boolean rightNumber = isNumber(right[i]);
            int order = leftNumber && rightNumber ? Long.compare(Long.parseLong(left[i]), Long.parseLong(right[i]))
                    : leftNumber != rightNumber ? (leftNumber ? -1 : 1) : left[i].compareTo(right[i]);
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(left.length, right.length);
    }

    private static boolean isNumber(String part) {
        return !part.isEmpty() && part.length() < 19 && part.chars().allMatch(Character::isDigit);
    }
}
