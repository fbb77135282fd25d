package org.cytotriage.synthetic.dataset;

/** The three dataset partitions, named as labels.csv and dataset.json spell them. */
public enum Split {
    TRAIN("train"),
    VALIDATION("val"),
    TEST("test");

    private final String label;

    Split(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
