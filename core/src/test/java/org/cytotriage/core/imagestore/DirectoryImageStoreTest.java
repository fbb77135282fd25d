package org.cytotriage.core.imagestore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Percentage.withPercentage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryImageStoreTest {

    @TempDir
    Path dir;

    @Test
    void storesBytesUnderTheirSha256AndReturnsThemBack() {
        DirectoryImageStore store = new DirectoryImageStore(dir);
        byte[] bytes = "pretend image".getBytes(StandardCharsets.UTF_8);

        String key = store.put(bytes);

        assertThat(key).isEqualTo("sha256/" + Sha256.hex(bytes).substring(0, 2) + "/" + Sha256.hex(bytes));
        assertThat(store.get(key)).contains(bytes);
        assertThat(store.contains(key)).isTrue();
        assertThat(dir.resolve(key)).exists();
        assertThat(stagingFiles()).isEmpty();
    }

    @Test
    void storingTheSameBytesTwiceGivesTheSameKey() {
        DirectoryImageStore store = new DirectoryImageStore(dir);
        byte[] bytes = {1, 2, 3};
        assertThat(store.put(bytes)).isEqualTo(store.put(bytes.clone()));
    }

    @Test
    void aStreamIsHashedWhileStagedAndAppearsUnderItsKeyOnlyWhenCommitted() {
        DirectoryImageStore store = new DirectoryImageStore(dir);
        byte[] bytes = new byte[300_000]; // several copy buffers
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }

        try (ImageStore.Staged staged = store.stage(new ByteArrayInputStream(bytes))) {
            assertThat(staged.sha256()).isEqualTo(Sha256.hex(bytes));
            assertThat(staged.size()).isEqualTo(bytes.length);
            assertThat(staged.file()).hasBinaryContent(bytes);
            assertThat(store.contains(staged.key())).as("not visible before commit").isFalse();

            staged.commit();

            assertThat(store.get(staged.key())).contains(bytes);
        }
        assertThat(stagingFiles()).isEmpty();
    }

    @Test
    void closingAStagedImageWithoutCommittingLeavesNothingBehind() {
        DirectoryImageStore store = new DirectoryImageStore(dir);
        String key;
        try (ImageStore.Staged staged = store.stage(new ByteArrayInputStream(new byte[] {4, 5, 6}))) {
            key = staged.key();
        }
        assertThat(store.contains(key)).isFalse();
        assertThat(stagingFiles()).isEmpty();
    }

    @Test
    void writersCommittingTheSameContentAtOnceAllGetItsKeyAndOneCopy() {
        DirectoryImageStore store = new DirectoryImageStore(dir);
        byte[] bytes = "same smear".getBytes(StandardCharsets.UTF_8);

        List<String> keys = IntStream.range(0, 16).mapToObj(i -> CompletableFuture.supplyAsync(() -> store.put(bytes)))
                .toList().stream().map(CompletableFuture::join).toList();

        assertThat(keys).containsOnly(ImageStore.keyOf(Sha256.hex(bytes)));
        assertThat(store.get(keys.get(0))).contains(bytes);
        assertThat(stagingFiles()).isEmpty();
    }

    @Test
    void contentThatCannotBeReadIsAReadFailureNotAStoreFailureAndLeavesNothingBehind() {
        DirectoryImageStore store = new DirectoryImageStore(dir);
        // 100 kB, then the connection drops: every read from then on fails, as a socket's would.
        InputStream cutOff = new InputStream() {
            private int left = 100_000;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    throw new IOException("connection reset");
                }
                left--;
                return 7;
            }
        };

        assertThatThrownBy(() -> store.stage(cutOff)).isInstanceOf(UncheckedIOException.class)
                .isNotInstanceOf(ImageStoreException.class).hasMessageContaining("connection reset");
        assertThat(stagingFiles()).isEmpty();
    }

    @Test
    void aStoreWhoseDirectoryIsAFileIsNotWritableAndRefusesContentAsAStoreFailure() throws IOException {
        Path notADirectory = Files.createFile(dir.resolve("volume-not-mounted"));
        DirectoryImageStore store = new DirectoryImageStore(notADirectory);

        assertThat(store.isWritable()).isFalse();
        assertThatThrownBy(() -> store.stage(new ByteArrayInputStream(new byte[] {1})))
                .isInstanceOf(ImageStoreException.class).hasMessageContaining("cannot write to the image store");
    }

    @Test
    void aWritableStoreSaysSoAndReportsTheFreeSpaceOfItsVolume() throws IOException {
        DirectoryImageStore store = new DirectoryImageStore(dir.resolve("not-yet-created"));
        assertThat(store.isWritable()).isTrue();
        assertThat(store.usableSpace()).isPositive().isCloseTo(Files.getFileStore(dir).getUsableSpace(), withPercentage(5));
        assertThat(stagingFiles()).as("the writability probe removes its file").isEmpty();
    }

    @Test
    void unknownKeyIsEmptyAndMalformedKeyIsRefused() {
        DirectoryImageStore store = new DirectoryImageStore(dir);
        assertThat(store.get(ImageStore.keyOf(Sha256.hex(new byte[] {9})))).isEmpty();
        assertThatThrownBy(() -> store.get("../../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }

    private List<Path> stagingFiles() {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(path -> path.toString().contains(DirectoryImageStore.STAGING) && Files.isRegularFile(path)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
