package org.cytotriage.synthetic;

/**
 * Per-pixel white noise from an integer hash of (x, y, salt): fine chromatin grain and camera noise
 * without drawing millions of values from the case's random stream, and identical whatever order
 * the pixels are visited in.
 */
final class PixelNoise {

    private PixelNoise() {
    }

    /** A value in [-1, 1). */
    static float signed(int x, int y, int salt) {
        int h = x * 0x27d4eb2d ^ y * 0x165667b1 ^ salt * 0x9e3779b9;
        h ^= h >>> 15;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return (h >> 8) * 0x1.0p-23f;
    }
}
