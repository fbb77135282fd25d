package org.cytotriage.core.imagestore;

import java.util.Optional;

/**
 * Where image bytes live (claim check: events carry the key, never the bytes). Content-addressed by
 * sha256, so storing the same bytes twice is a no-op that returns the same key. A directory is the
 * default; an S3-compatible bucket is the production option behind the same interface.
 */
public interface ImageStore {

    /** Stores the bytes (idempotent) and returns their key. */
    String put(byte[] bytes);

    /** The bytes under a key, or empty when there are none. */
    Optional<byte[]> get(String key);

    boolean contains(String key);

    /** Whether the store can be written now; health checks call this. */
    boolean isWritable();

    /** The content address of some bytes: {@code sha256/<first two hex digits>/<hex digest>}. */
    static String keyOf(String sha256Hex) {
        return "sha256/" + sha256Hex.substring(0, 2) + "/" + sha256Hex;
    }
}
