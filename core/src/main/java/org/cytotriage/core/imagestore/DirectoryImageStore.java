package org.cytotriage.core.imagestore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image store in a directory (local disk or a shared volume). Writes go to a temporary file and
 * are moved into place, so a reader never sees half an image, even with several writers.
 */
public final class DirectoryImageStore implements ImageStore {

    private static final Pattern KEY = Pattern.compile("sha256/[0-9a-f]{2}/[0-9a-f]{64}");

    private final Path root;

    public DirectoryImageStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String put(byte[] bytes) {
        String key = ImageStore.keyOf(Sha256.hex(bytes));
        Path target = pathOf(key);
        if (Files.exists(target)) {
            return key;
        }
        try {
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(target.getParent(), ".incoming-", ".tmp");
            Files.write(temp, bytes);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                // Another writer stored the same bytes first: same content, same key.
                Files.deleteIfExists(temp);
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store image " + key, e);
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

    @Override
    public boolean isWritable() {
        try {
            Files.createDirectories(root);
            return Files.isWritable(root);
        } catch (IOException e) {
            return false;
        }
    }

    private Path pathOf(String key) {
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("not an image store key: " + key);
        }
        return root.resolve(key);
    }
}
