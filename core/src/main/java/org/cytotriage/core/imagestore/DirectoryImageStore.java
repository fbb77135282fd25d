package org.cytotriage.core.imagestore;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image store in a directory (local disk or a shared volume). Content is written to a staging
 * file in the store's own {@value #STAGING} directory, hashed on the way, and renamed to its
 * content address, so a reader never sees half an image, even with several writers, and the
 * rename stays on one volume.
 */
public final class DirectoryImageStore implements ImageStore {

    static final String STAGING = "incoming";
    /** A hospital's key, or one from before the store was kept per hospital (still read). */
    private static final Pattern KEY = Pattern.compile("(?:" + HOSPITAL.pattern() + "/)?sha256/[0-9a-f]{2}/[0-9a-f]{64}");
    private static final int BUFFER_BYTES = 64 * 1024;

    private final Path root;
    private final Path staging;

    public DirectoryImageStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.staging = this.root.resolve(STAGING);
    }

    @Override
    public String put(String hospitalId, byte[] bytes) {
        try (Staged staged = stage(hospitalId, new ByteArrayInputStream(bytes))) {
            staged.commit();
            return staged.key();
        }
    }

    @Override
    public String putAcrossHospitals(byte[] bytes) {
        try (Staged staged = stageAs(null, new ByteArrayInputStream(bytes))) {
            staged.commit();
            return staged.key();
        }
    }

    @Override
    public Staged stage(String hospitalId, InputStream content) {
        return stageAs(ImageStore.requireHospital(hospitalId), content);
    }

    /** {@code hospitalId} null: content of no one hospital. */
    private Staged stageAs(String hospitalId, InputStream content) {
        Path file = newStagingFile();
        try {
            MessageDigest digest = Sha256.digest();
            long size = 0;
            byte[] buffer = new byte[BUFFER_BYTES];
            try (OutputStream out = Files.newOutputStream(file)) {
                for (int n = read(content, buffer); n >= 0; n = read(content, buffer)) {
                    digest.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                    size += n;
                }
            } catch (IOException e) {
                throw new ImageStoreException("cannot write to the image store at " + staging + ": " + e.getMessage(), e);
            }
            return new StagedFile(hospitalId, file, Sha256.hex(digest), size);
        } catch (RuntimeException e) {
            deleteQuietly(file);
            throw e;
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        Path path = pathOf(key);
        try {
            return Files.exists(path) ? Optional.of(Files.readAllBytes(path)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read image " + key, e);
        }
    }

    @Override
    public boolean contains(String key) {
        return Files.exists(pathOf(key));
    }

    /** Writes and removes a file where uploads are staged: a directory that merely exists may still refuse writes. */
    @Override
    public boolean isWritable() {
        try {
            Files.delete(newStagingFile());
            return true;
        } catch (IOException | ImageStoreException e) {
            return false;
        }
    }

    @Override
    public long usableSpace() {
        try {
            Files.createDirectories(root);
            return Files.getFileStore(root).getUsableSpace();
        } catch (IOException e) {
            throw new ImageStoreException("cannot read the free space of " + root + ": " + e.getMessage(), e);
        }
    }

    private Path newStagingFile() {
        try {
            Files.createDirectories(staging);
            return Files.createTempFile(staging, "", ".tmp");
        } catch (IOException e) {
            throw new ImageStoreException("cannot write to the image store at " + staging + ": " + e.getMessage(), e);
        }
    }

    private static int read(InputStream content, byte[] buffer) {
        try {
            return content.read(buffer);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the content: " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A staging file that cannot be removed is left behind; it holds no key and nothing reads it.
        }
    }

    private Path pathOf(String key) {
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("not an image store key: " + key);
        }
        return root.resolve(key);
    }

    private final class StagedFile implements Staged {

        private final String hospitalId;
        private final Path file;
        private final String sha256;
        private final long size;

        StagedFile(String hospitalId, Path file, String sha256, long size) {
            this.hospitalId = hospitalId;
            this.file = file;
            this.sha256 = sha256;
            this.size = size;
        }

        @Override
        public String sha256() {
            return sha256;
        }

        @Override
        public String key() {
            return hospitalId == null ? "sha256/" + sha256.substring(0, 2) + "/" + sha256 : ImageStore.keyOf(hospitalId, sha256);
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public Path file() {
            return file;
        }

        @Override
        public void commit() {
            Path target = pathOf(key());
            try {
                Files.createDirectories(target.getParent());
                Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                // Another writer stored the same bytes first: same content, same key.
            } catch (IOException e) {
                throw new ImageStoreException("cannot store image " + key() + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            deleteQuietly(file); // nothing left to remove once committed
        }
    }
}
