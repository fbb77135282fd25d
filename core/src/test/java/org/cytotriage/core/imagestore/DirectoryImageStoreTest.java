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
    void storesAHospitalsBytesUnderTheHospitalAndTheirSha256AndReturnsThemBack() {
        DirectoryImageStore store = new DirectoryImageStore(dir);
        byte[] bytes = "pretend image".getBytes(StandardCharsets.UTF_8);

        String key = store.put("hospital-test", bytes);

        assertThat(key).isEqualTo("hospital-test/sha256/" + Sha256.hex(bytes).substring(0, 2) + "/" + Sha256.hex(bytes));
        assertThat(ImageStore.hospitalOf(key)).contains("hospital-test");
        assertThat(store.get(key)).contains(bytes);
        assertThat(store.contains(key)).isTrue();
        assertThat(dir.resolve(key)).exists();
        assertThat(stagingFiles()).isEmpty();
    }

    @Test
    void storingTheSameBytesTwiceGivesTheSameKeyAndAnotherHospitalsCopyAnother() {
        DirectoryImageStore store = new DirectoryImageStore(dir);
        byte[] bytes = {1, 2, 3};
        assertThat(store.put("hospital-test", bytes)).isEqualTo(store.put("hospital-test", bytes.clone()));
        assertThat(store.put("hospital-b", bytes)).isNotEqualTo(store.put("hospital-test", bytes)).startsWith("hospital-b/");
    }

    @Test
    void aKeyFromBeforeTheStoreWasKeptPerHospitalIsStillReadButNamesNoHospital() throws IOException {
        DirectoryImageStore store = new DirectoryImageStore(dir);
        byte[] bytes = {7, 7, 7};
        String legacy = "sha256/" + Sha256.hex(bytes).substring(0, 2) + "/" + Sha256.hex(bytes);
        Files.createDirectories(dir.resolve(legacy).getParent());
        Files.write(dir.resolve(legacy), bytes);
        assertThat(store.get(legacy)).contains(bytes);
        assertThat(ImageStore.hospitalOf(legacy)).isEmpty();
    }

    @Test
    void contentOfNoOneHospitalIsKeptUnderAKeyThatNamesNone() {
        DirectoryImageStore store = new DirectoryImageStore(dir);
        byte[] manifest = {8, 8};
        String key = store.putAcrossHospitals(manifest);
        assertThat(key).isEqualTo("sha256/" + Sha256.hex(manifest).substring(0, 2) + "/" + Sha256.hex(manifest));
        assertThat(ImageStore.hospitalOf(key)).isEmpty();
        assertThat(store.get(key)).contains(manifest);
    }

    @Test
    void aHospitalIdThatIsNotAPlainNameIsRefusedBeforeAnythingIsWritten() {
        DirectoryImageStore store = new DirectoryImageStore(dir);
        assertThatThrownBy(() -> store.put("../elsewhere", new byte[] {1})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.put(null, new byte[] {1})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStreamIsHashedWhileStagedAndAppearsUnderItsKeyOnlyWhenCommitted() {
        DirectoryImageStore store = new DirectoryImageStore(dir);
        byte[] bytes = new byte[300_000]; // several copy buffers
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }

        try (ImageStore.Staged staged = store.stage("hospital-test", new ByteArrayInputStream(bytes))) {
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
        try (ImageStore.Staged staged = store.stage("hospital-test", new ByteArrayInputStream(new byte[] {4, 5, 6}))) {
            key = staged.key();
        }
        assertThat(store.contains(key)).isFalse();
        assertThat(stagingFiles()).isEmpty();
    }

    @Test
    void writersCommittingTheSameContentAtOnceAllGetItsKeyAndOneCopy() {
        DirectoryImageStore store = new DirectoryImageStore(dir);
        byte[] bytes = "same smear".getBytes(StandardCharsets.UTF_8);

        List<String> keys = IntStream.range(0, 16).mapToObj(i -> CompletableFuture.supplyAsync(() -> store.put("hospital-test", bytes)))
                .toList().stream().map(CompletableFuture::join).toList();

        assertThat(keys).containsOnly(ImageStore.keyOf("hospital-test", Sha256.hex(bytes)));
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

        assertThatThrownBy(() -> store.stage("hospital-test", cutOff)).isInstanceOf(UncheckedIOException.class)
                .isNotInstanceOf(ImageStoreException.class).hasMessageContaining("connection reset");
        assertThat(stagingFiles()).isEmpty();
    }

    @Test
    void aStoreWhoseDirectoryIsAFileIsNotWritableAndRefusesContentAsAStoreFailure() throws IOException {
        Path notADirectory = Files.createFile(dir.resolve("volume-not-mounted"));
        DirectoryImageStore store = new DirectoryImageStore(notADirectory);

        assertThat(store.isWritable()).isFalse();
        assertThatThrownBy(() -> store.stage("hospital-test", new ByteArrayInputStream(new byte[] {1})))
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
        assertThat(store.get(ImageStore.keyOf("hospital-test", Sha256.hex(new byte[] {9})))).isEmpty();
        assertThatThrownBy(() -> store.get("../../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.get("../sha256/00/" + "0".repeat(64))).isInstanceOf(IllegalArgumentException.class);
    }

    private List<Path> stagingFiles() {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(path -> path.toString().contains(DirectoryImageStore.STAGING) && Files.isRegularFile(path)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
