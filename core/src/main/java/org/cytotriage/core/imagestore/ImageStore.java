package org.cytotriage.core.imagestore;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where image bytes live (claim check: events carry the key, never the bytes). Content-addressed by
 * sha256, so storing the same bytes twice is a no-op that returns the same key. A directory is the
 * default; an S3-compatible bucket is the production option behind the same interface.
 */
public interface ImageStore {

    /** Stores the bytes (idempotent) and returns their key: {@link #stage} and {@link Staged#commit} in one step. */
    String put(byte[] bytes);

    /**
     * Writes the content to a staging file in the store, hashing it on the way, without holding it
     * in memory. Nothing is visible under a key until {@link Staged#commit}; closing the staged
     * image without committing removes the staging file.
     *
     * @throws ImageStoreException when the store cannot take the bytes (out of space, unwritable)
     * @throws java.io.UncheckedIOException when the content cannot be read
     */
    Staged stage(InputStream content);

    /** The bytes under a key, or empty when there are none. */
    Optional<byte[]> get(String key);

    boolean contains(String key);

    /** Whether the store can be written now; health checks call this. */
    boolean isWritable();

    /** Bytes the store can still take ({@link Long#MAX_VALUE} for a store without such a bound). */
    long usableSpace();

    /** The content address of some bytes: {@code sha256/<first two hex digits>/<hex digest>}. */
    static String keyOf(String sha256Hex) {
        return "sha256/" + sha256Hex.substring(0, 2) + "/" + sha256Hex;
    }

    /** Content written to the store's staging area, not yet under its key. */
    interface Staged extends AutoCloseable {

        String sha256();

        /** The key the content will have once committed. */
        String key();

        long size();

        /** The staging file, to read the content back (e.g. to validate it) before committing. */
        Path file();

        /** Moves the content to its key, atomically: a reader never sees part of it. */
        void commit();

        /** Removes the staging file unless it was committed. */
        @Override
        void close();
    }
}
