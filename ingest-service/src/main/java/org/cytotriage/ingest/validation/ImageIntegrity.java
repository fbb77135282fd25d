package org.cytotriage.ingest.validation;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * Structural checks that catch a damaged upload without decoding its pixels: a PNG must be a
 * sequence of chunks with correct CRCs ending in IEND, a JPEG must end with its EOI marker. A
 * truncated transfer, the usual damage, fails either. Decoding is left to inference-service, which
 * decodes every image anyway; paying for a second full decode at the door cost a measured share of
 * the end-to-end throughput (docs/benchmarks.md). Damage inside a JPEG's entropy-coded data passes
 * here and reaches the dead-letter topic from inference with its reason. Both checks read the file
 * as a stream (PNG) or only its tail (JPEG), never the whole image into memory.
 */
final class ImageIntegrity {

    private static final int PNG_SIGNATURE = 8;
    private static final int IEND = 0x49454E44;
    /** Some cameras pad after the JPEG end marker; a short tail of anything is allowed. */
    private static final int JPEG_TAIL = 256;
    private static final int BUFFER_BYTES = 64 * 1024;

    private ImageIntegrity() {
    }

    /** @return null when the structure is sound, else what is wrong */
    static String problem(ImageFormat format, Path file) throws IOException {
        return switch (format) {
            case PNG -> pngProblem(file);
            case JPEG -> jpegProblem(file);
            case TIFF_LITTLE_ENDIAN, TIFF_BIG_ENDIAN -> null; // offsets anywhere in the file: the header read suffices
        };
    }

    private static String pngProblem(Path file) throws IOException {
        long size = Files.size(file);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), BUFFER_BYTES))) {
            in.skipNBytes(PNG_SIGNATURE);
            long position = PNG_SIGNATURE;
            CRC32 crc = new CRC32();
            byte[] buffer = new byte[BUFFER_BYTES];
            while (position + 12 <= size) {
                long length = Integer.toUnsignedLong(in.readInt());
                if (position + 12 + length > size) {
                    return "it ends inside a chunk (" + size + " bytes, truncated?)";
                }
                // The CRC covers the chunk type and data: read them through it as they stream by.
                in.readFully(buffer, 0, 4);
                int type = ByteBuffer.wrap(buffer, 0, 4).getInt();
                crc.reset();
                crc.update(buffer, 0, 4);
                for (long left = length; left > 0;) {
                    int n = (int) Math.min(buffer.length, left);
                    in.readFully(buffer, 0, n);
                    crc.update(buffer, 0, n);
                    left -= n;
                }
                if ((int) crc.getValue() != in.readInt()) {
                    return "a chunk's CRC does not match at byte " + position;
                }
                if (type == IEND) {
                    return null;
                }
                position += 12 + length;
            }
            return "it has no IEND chunk (" + size + " bytes, truncated?)";
        }
    }

    private static String jpegProblem(Path file) throws IOException {
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            long size = channel.size();
            long start = Math.max(2, size - JPEG_TAIL); // after the start-of-image marker
            byte[] tail = Channels.newInputStream(channel.position(start)).readNBytes((int) (size - start));
            for (int i = tail.length - 2; i >= 0; i--) {
                if (tail[i] == (byte) 0xFF && tail[i + 1] == (byte) 0xD9) {
                    return null;
                }
            }
            return "it has no end-of-image marker (" + size + " bytes, truncated?)";
        }
    }
}
