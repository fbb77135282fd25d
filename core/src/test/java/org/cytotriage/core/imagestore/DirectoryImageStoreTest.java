package org.cytotriage.core.imagestore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

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
    }

    @Test
    void storingTheSameBytesTwiceGivesTheSameKey() {
        DirectoryImageStore store = new DirectoryImageStore(dir);
        byte[] bytes = {1, 2, 3};
        assertThat(store.put(bytes)).isEqualTo(store.put(bytes.clone()));
    }

    @Test
    void unknownKeyIsEmptyAndMalformedKeyIsRefused() {
        DirectoryImageStore store = new DirectoryImageStore(dir);
        assertThat(store.get(ImageStore.keyOf(Sha256.hex(new byte[] {9})))).isEmpty();
        assertThatThrownBy(() -> store.get("../../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }
}
