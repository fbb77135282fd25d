package org.cytotriage.synthetic.dataset;

/**
 * How dataset images are encoded. PNG is lossless; JPEG (at
 * {@link org.cytotriage.synthetic.ImageEncoding#JPEG_QUALITY}) is what microscope cameras usually
 * send. With BOTH, labels.csv names the PNG and the JPEG lies beside it with the same stem.
 */
public enum OutputFormat {
    PNG,
    JPEG,
    BOTH;

    boolean writesPng() {
        return this != JPEG;
    }

    boolean writesJpeg() {
        return this != PNG;
    }
}
