package org.cytotriage.ingest.validation;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * Structural checks that catch a damaged upload without decoding its pixels: a PNG must be a
 * sequence of chunks with correct CRCs ending in IEND, a JPEG must end with its EOI marker. A
 * truncated transfer, the usual damage, fails either. Decoding is left to inference-service, which
 * decodes every image anyway; paying for a second full decode at the door cost a measured share of
 * the end-to-end throughput (docs/benchmarks.md). Damage inside a JPEG's entropy-coded data passes
 * here and reaches the dead-letter topic from inference with its reason.
 */
final class ImageIntegrity {

    private static final int PNG_SIGNATURE = 8;
    private static final int IEND = 0x49454E44;

    private ImageIntegrity() {
    }

    /** @return null when the structure is sound, else what is wrong */
    static String problem(ImageFormat format, byte[] bytes) {
        return switch (format) {
            case PNG -> pngProblem(bytes);
            case JPEG -> jpegProblem(bytes);
            case TIFF_LITTLE_ENDIAN, TIFF_BIG_ENDIAN -> null; // offsets anywhere in the file: the header read suffices
        };
    }

    private static String pngProblem(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int position = PNG_SIGNATURE;
        CRC32 crc = new CRC32();
        while (position + 12 <= bytes.length) {
            long length = Integer.toUnsignedLong(buffer.getInt(position));
            int type = buffer.getInt(position + 4);
            if (position + 12 + length > bytes.length) {
                return "it ends inside a chunk (" + bytes.length + " bytes, truncated?)";
            }
            crc.reset();
            crc.update(bytes, position + 4, 4 + (int) length);
            if ((int) crc.getValue() != buffer.getInt(position + 8 + (int) length)) {
                return "a chunk's CRC does not match at byte " + position;
            }
            if (type == IEND) {
                return null;
            }
            position += 12 + (int) length;
        }
        return "it has no IEND chunk (" + bytes.length + " bytes, truncated?)";
    }

    // Some cameras pad after the end marker; a short tail of anything is allowed.
    private static String jpegProblem(byte[] bytes) {
        for (int i = bytes.length - 2; i >= Math.max(2, bytes.length - 256); i--) {
            if (bytes[i] == (byte) 0xFF && bytes[i + 1] == (byte) 0xD9) {
                return null;
            }
        }
        return "it has no end-of-image marker (" + bytes.length + " bytes, truncated?)";
    }
}
