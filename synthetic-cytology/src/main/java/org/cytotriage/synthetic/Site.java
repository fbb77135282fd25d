package org.cytotriage.synthetic;

import java.util.Locale;

/**
 * The hospital whose laboratory stained and photographed a synthetic smear. Each site applies its
 * own {@link SiteShift}, so a model trained on one site can be tested on another (the distribution
 * shift ThyroidEffi met at external validation).
 */
public enum Site {
    /** The training site: the reference stain, no extra blur. */
    SITE_A("A", SiteShift.NONE),
    /**
     * A second hospital: a more magenta, less saturated stain, a brighter and slightly
     * blurred camera. Morphology is unchanged; only the look differs.
     */
    SITE_B("B", new SiteShift(14.0, 0.78, 0.80, 1.07, 1));

    private final String code;
    private final SiteShift shift;

    Site(String code, SiteShift shift) {
        this.code = code;
        this.shift = shift;
    }

    /** The short code used on the command line and in labels.csv ("A", "B"). */
    public String code() {
        return code;
    }

    public SiteShift shift() {
        return shift;
    }

    /** Accepts the short code ("B") or the constant name ("SITE_B"), in any case. */
    public static Site parse(String text) {
        String token = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
        for (Site site : values()) {
            if (site.code.equals(token) || site.name().equals(token)) {
                return site;
            }
        }
        throw new IllegalArgumentException("unknown site '" + text + "': expected A or B");
    }
}
