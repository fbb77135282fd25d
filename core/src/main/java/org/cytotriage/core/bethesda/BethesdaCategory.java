package org.cytotriage.core.bethesda;

import java.util.Arrays;
import java.util.Locale;

/**
 * The Bethesda System for Reporting Thyroid Cytopathology (TBSRTC) diagnostic categories. A final
 * diagnosis keeps its category; the treatment group is derived from it, never stored instead of it.
 */
public enum BethesdaCategory {
    I(1, "Nondiagnostic", TreatmentGroup.INDETERMINATE),
    II(2, "Benign", TreatmentGroup.BENIGN),
    III(3, "Atypia of undetermined significance", TreatmentGroup.INDETERMINATE),
    IV(4, "Follicular neoplasm", TreatmentGroup.INDETERMINATE),
    V(5, "Suspicious for malignancy", TreatmentGroup.INDETERMINATE),
    VI(6, "Malignant", TreatmentGroup.MALIGNANT);

    private final int number;
    private final String title;
    private final TreatmentGroup group;

    BethesdaCategory(int number, String title, TreatmentGroup group) {
        this.number = number;
        this.title = title;
        this.group = group;
    }

    public int number() {
        return number;
    }

    public String title() {
        return title;
    }

    public TreatmentGroup group() {
        return group;
    }

    /**
     * Parses the forms a laboratory system sends: a Roman numeral ("V"), an Arabic one ("5"), or
     * either with a "Bethesda " prefix.
     *
     * @throws IllegalArgumentException naming the accepted forms when the text is none of them
     */
    public static BethesdaCategory parse(String text) {
        if (text != null) {
            String token = text.trim().toUpperCase(Locale.ROOT).replaceFirst("^BETHESDA\\s+", "");
            for (BethesdaCategory category : values()) {
                if (category.name().equals(token) || String.valueOf(category.number).equals(token)) {
                    return category;
                }
            }
        }
        throw new IllegalArgumentException("unknown Bethesda category '" + text
                + "': expected one of " + Arrays.toString(values()) + " or 1-6");
    }
}
