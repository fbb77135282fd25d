package org.cytotriage.synthetic.dataset;

import org.cytotriage.core.bethesda.BethesdaCategory;

/**
 * One case of a dataset before it is drawn: its file stem, labels, split and the seed that
 * reproduces it with {@link org.cytotriage.synthetic.SyntheticCytologyGenerator#generate}.
 */
public record PlannedCase(int index, BethesdaCategory category, long seed, Split split) {

    /** "case-000042": zero-padded so files sort in plan order. */
    public String stem() {
        return String.format("case-%06d", index);
    }
}
