package org.cytotriage.core.imagestore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class ImageStoreExceptionTest {

    /** /dev/full answers every write with ENOSPC: the words Java reports for a full volume, from the operating system itself. */
    @Test
    void aRealFullDeviceIsRecognisedAsOutOfSpace() {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "needs Linux's /dev/full");

        IOException enospc = catchThrowableOfType(IOException.class, () -> {
            try (OutputStream out = Files.newOutputStream(full)) {
                out.write(new byte[4096]);
                out.flush();
            }
        });

        assertThat(new ImageStoreException("cannot store", enospc).outOfSpace()).isTrue();
    }

    @Test
    void anUnwritableVolumeIsNotOutOfSpace() {
        assertThat(new ImageStoreException("cannot store", new AccessDeniedException("/var/lib/cytotriage/images")).outOfSpace()).isFalse();
    }
}
