package org.cytotriage.core.imagestore;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where image bytes live (claim check: events carry the key, never the bytes). Kept per hospital and
 * content-addressed by sha256 within it, so storing the same bytes twice for a hospital is a no-op
 * that returns the same key, and a key says whose image it is (explain-service scopes by it). A directory is the
 * default; an S3-compatible bucket is the production option behind the same interface.
 */
public interface ImageStore {

    /** Stores a hospital's bytes (idempotent) and returns their key: {@link #stage} and {@link Staged#commit} in one step. */
    String put(String hospitalId, byte[] bytes);

    /**
     * Stores bytes of no one hospital (a retraining manifest that spans hospitals) under
     * {@code sha256/...}: a key no hospital-scoped reader is shown ({@link #hospitalOf} is empty).
     */
    String putAcrossHospitals(byte[] bytes);

    /**
     * Writes the content to a staging file in the store, hashing it on the way, without holding it
     * in memory. Nothing is visible under a key until {@link Staged#commit}; closing the staged
     * image without committing removes the staging file.
     *
     * @throws ImageStoreException when the store cannot take the bytes (out of space, unwritable)
     * @throws java.io.UncheckedIOException when the content cannot be read
     */
    Staged stage(String hospitalId, InputStream content);

    /** The bytes under a key, or empty when there are none. */
    Optional<byte[]> get(String key);

    boolean contains(String key);

    /** Whether the store can be written now; health checks call this. */
    boolean isWritable();

    /** Bytes the store can still take ({@link Long#MAX_VALUE} for a store without such a bound). */
    long usableSpace();

    /** A hospital id as a key holds it: letters, digits, '.', '_', '-', starting with a letter or digit (never a path). */
    Pattern HOSPITAL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** The address of a hospital's bytes: {@code <hospital>/sha256/<first two hex digits>/<hex digest>}. */
    static String keyOf(String hospitalId, String sha256Hex) {
        return requireHospital(hospitalId) + "/sha256/" + sha256Hex.substring(0, 2) + "/" + sha256Hex;
    }

    /** The hospital id, if a key can hold it; refused otherwise (a path, nothing at all). */
    static String requireHospital(String hospitalId) {
        if (hospitalId == null || !HOSPITAL.matcher(hospitalId).matches()) {
            throw new IllegalArgumentException("not a hospital id for an image store key: " + hospitalId);
        }
        return hospitalId;
    }

    /**
     * Whose image a key holds; empty for a key of the store before it was kept per hospital
     * ({@code sha256/...}), which no hospital-scoped reader is shown.
     */
    static Optional<String> hospitalOf(String key) {
        int slash = key == null ? -1 : key.indexOf("/sha256/");
        return slash > 0 ? Optional.of(key.substring(0, slash)) : Optional.empty();
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
