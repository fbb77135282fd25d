package org.cytotriage.ingest.validation;

import java.util.Arrays;
import java.util.Optional;

/** The accepted image formats, recognised by their magic bytes, never by file name or header. */
public enum ImageFormat {
    JPEG("image/jpeg", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}),
    PNG("image/png", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}),
    TIFF_LITTLE_ENDIAN("image/tiff", new byte[] {'I', 'I', 42, 0}),
    TIFF_BIG_ENDIAN("image/tiff", new byte[] {'M', 'M', 0, 42});

    /** How many leading bytes {@link #detect} needs at most. */
    public static final int MAGIC_BYTES = Arrays.stream(values()).mapToInt(format -> format.magic.length).max().orElseThrow();

    private final String mediaType;
    private final byte[] magic;

    ImageFormat(String mediaType, byte[] magic) {
        this.mediaType = mediaType;
        this.magic = magic;
    }

    public String mediaType() {
        return mediaType;
    }

    /** @param leading the content's first bytes (up to {@link #MAGIC_BYTES}; fewer when the content is shorter) */
    public static Optional<ImageFormat> detect(byte[] leading) {
        return Arrays.stream(values())
                .filter(format -> leading.length >= format.magic.length
                        && Arrays.equals(leading, 0, format.magic.length, format.magic, 0, format.magic.length))
                .findFirst();
    }
}
