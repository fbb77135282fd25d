package org.cytotriage.synthetic;

import java.util.SplittableRandom;
import org.cytotriage.core.bethesda.BethesdaCategory;

/**
 * What one case shows, as continuous strengths drawn per case from category-specific
 * distributions. The distributions of neighbouring categories overlap on purpose (III reaches into
 * benign, V into malignant), as readings do in practice; {@link GeneratorSettings#classOverlap()}
 * widens or narrows them. Half of the benign cases carry reactive groups whose coarse atypia
 * reaches that of III to VI: only the fine nuclear features ({@link NuclearFeatures}) tell them
 * apart, as grooves and inclusions tell papillary carcinoma from reactive change in practice.
 *
 * @param atypia coarse nuclear atypia of the atypical (or reactive) groups, 0 (benign) to 1
 *        (papillary carcinoma): size, crowding, pallor, how many nuclei carry marks and spots
 * @param fineAtypia fine nuclear atypia of those groups: whether the marks are grooves and the
 *        spots pseudo-inclusions, visible only at tile resolution
 * @param benignAtypia nuclear atypia of the benign-looking groups
 * @param groupCount follicular cell groups (tissue fragments) in the field
 * @param atypicalGroups how many of them are atypical, or reactive in II (drawn with {@code atypia} and
 *        {@code fineAtypia}, marked in the mask)
 * @param atypicalNucleusShare within an atypical group, the share of nuclei that are atypical (the
 *        rest look benign): III mixes a few enlarged nuclei into normal ones
 * @param papillaryShare share of atypical groups arranged as branching papillae
 * @param microfollicleShare share of atypical groups arranged as microfollicles
 * @param macrofollicleShare share of benign groups arranged as macrofollicles round colloid
 * @param marksBenignGroups whether benign groups carry the diagnosis (Bethesda II only)
 * @param groupSize size scale of the benign groups (1 = about 110 px across)
 * @param atypicalGroupSize size scale of the atypical groups; small in V, so evidence is local
 * @param colloid amount of colloid, 0 to 1
 * @param blood amount of blood, 0 to 1
 * @param scatteredCells isolated benign cells and bare nuclei between the groups
 */
record Morphology(double atypia, double fineAtypia, double benignAtypia, int groupCount, int atypicalGroups, double atypicalNucleusShare,
        double papillaryShare, double microfollicleShare, double macrofollicleShare, boolean marksBenignGroups,
        double groupSize, double atypicalGroupSize, double colloid, double blood, int scatteredCells) {

    /** Draws one case's morphology; the order of draws is fixed, so a seed always gives the same case. */
    static Morphology sample(BethesdaCategory category, GeneratorSettings settings, SplittableRandom rng) {
        double spread = settings.classOverlap();
        double cellularity = settings.cellularity();
        double benign = Draws.strength(rng, 0.08, 0.06 * spread);
        return switch (category) {
            case I -> new Morphology(benign, benign, benign, Draws.between(rng, 0, 2), 0, 0, 0, 0, 0, false,
                    Draws.uniform(rng, 0.12, 0.25), 0, Draws.uniform(rng, 0, 0.35), Draws.uniform(rng, 0.65, 1),
                    Draws.between(rng, 0, 6));
            case II -> {
                int groups = groups(rng, 4, 9, cellularity);
                boolean reactive = Draws.chance(rng, 0.5);
                yield new Morphology(reactive ? Draws.strength(rng, 0.40, 0.12 * spread) : benign,
                        Draws.strength(rng, 0.03, 0.03 * spread), benign, groups,
                        reactive ? atypical(groups, Draws.uniform(rng, 0.2, 0.5)) : 0, Draws.uniform(rng, 0.6, 0.9),
                        0, 0, Draws.uniform(rng, 0.2, 0.45), true, Draws.uniform(rng, 0.7, 1.3),
                        Draws.uniform(rng, 0.5, 1.0), Draws.uniform(rng, 0.55, 1), Draws.uniform(rng, 0.1, 0.5),
                        scattered(rng, cellularity));
            }
            case III -> {
                int groups = groups(rng, 4, 8, cellularity);
                yield new Morphology(Draws.strength(rng, 0.42, 0.12 * spread), Draws.strength(rng, 0.32, 0.08 * spread),
                        benign, groups, atypical(groups, Draws.uniform(rng, 0.2, 0.5)), Draws.uniform(rng, 0.5, 0.8),
                        0, Draws.uniform(rng, 0, 0.15), Draws.uniform(rng, 0.1, 0.3), false,
                        Draws.uniform(rng, 0.6, 1.1), Draws.uniform(rng, 0.5, 1.0),
                        Draws.uniform(rng, 0.3, 0.7), Draws.uniform(rng, 0.15, 0.55), scattered(rng, cellularity));
            }
            case IV -> {
                int groups = groups(rng, 5, 9, cellularity);
                yield new Morphology(Draws.strength(rng, 0.24, 0.10 * spread), Draws.strength(rng, 0.12, 0.06 * spread),
                        benign, groups, atypical(groups, Draws.uniform(rng, 0.6, 0.95)), 1, 0,
                        Draws.uniform(rng, 0.75, 1), 0, false, Draws.uniform(rng, 0.6, 1.1), Draws.uniform(rng, 0.6, 1.1),
                        Draws.uniform(rng, 0, 0.25), Draws.uniform(rng, 0.15, 0.55), scattered(rng, cellularity));
            }
            case V -> {
                int groups = groups(rng, 4, 7, cellularity);
                yield new Morphology(Draws.strength(rng, 0.52, 0.12 * spread), Draws.strength(rng, 0.60, 0.08 * spread),
                        benign, groups, atypical(groups, Draws.uniform(rng, 0.25, 0.55)), Draws.uniform(rng, 0.6, 0.9),
                        Draws.uniform(rng, 0.2, 0.5), Draws.uniform(rng, 0, 0.15), Draws.uniform(rng, 0.1, 0.3),
                        false, Draws.uniform(rng, 0.5, 1.0), Draws.uniform(rng, 0.35, 0.75),
                        Draws.uniform(rng, 0.1, 0.45), Draws.uniform(rng, 0.15, 0.55), scattered(rng, cellularity));
            }
            case VI -> {
                int groups = groups(rng, 3, 8, cellularity);
                yield new Morphology(Draws.strength(rng, 0.60, 0.12 * spread), Draws.strength(rng, 0.90, 0.05 * spread),
                        benign, groups, atypical(groups, Draws.uniform(rng, 0.4, 0.8)), Draws.uniform(rng, 0.8, 1),
                        Draws.uniform(rng, 0.3, 0.6), 0, 0, false, Draws.uniform(rng, 0.6, 1.1),
                        Draws.uniform(rng, 0.5, 1.0), Draws.uniform(rng, 0, 0.2), Draws.uniform(rng, 0.15, 0.55),
                        scattered(rng, cellularity));
            }
        };
    }

    private static int groups(SplittableRandom rng, int low, int high, double cellularity) {
        return Math.max(1, (int) StrictMath.round(Draws.between(rng, low, high) * cellularity));
    }

    // Categories with atypia always show at least one atypical group: the mask is never empty.
    private static int atypical(int groups, double fraction) {
        return Math.max(1, Math.min(groups, (int) StrictMath.round(groups * fraction)));
    }

    private static int scattered(SplittableRandom rng, double cellularity) {
        return (int) StrictMath.round(Draws.between(rng, 3, 16) * cellularity);
    }
}
