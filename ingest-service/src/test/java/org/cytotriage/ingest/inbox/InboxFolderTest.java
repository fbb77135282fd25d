package org.cytotriage.ingest.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.cytotriage.support.problem.ProblemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InboxFolderTest {

    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    @TempDir
    Path inbox;

    private InboxFolder folder() {
        return new InboxFolder("scanner-1", new Folder(inbox, "hospital-1", "(?<case>[^_]+)_.*", List.of(".part", ".tmp")), SETTLE);
    }

    @Test
    void aFileIsTakenOnlyOnceItsSizeHasStayedTheSameForTheSettleTime() throws IOException {
        InboxFolder folder = folder();
        Path image = Files.write(inbox.resolve("FNA-1_01.jpg"), new byte[100]);
        assertThat(folder.complete(T0)).as("first seen").isEmpty();
        Files.write(image, new byte[200]); // the scanner is still writing
        assertThat(folder.complete(T0.plusSeconds(3))).as("grown since it was first seen").isEmpty();
        assertThat(folder.complete(T0.plusSeconds(4))).as("unchanged for 1 s").isEmpty();
        assertThat(folder.complete(T0.plusSeconds(5))).as("unchanged for the settle time").containsExactly(image);
    }

    @Test
    void aFileRewrittenWithTheSameSizeWaitsAgain() throws IOException {
        InboxFolder folder = folder();
        Path image = Files.write(inbox.resolve("FNA-1_01.jpg"), new byte[100]);
        folder.complete(T0);
        Files.setLastModifiedTime(image, FileTime.from(Instant.now().plusSeconds(60)));
        assertThat(folder.complete(T0.plusSeconds(2))).isEmpty();
        assertThat(folder.complete(T0.plusSeconds(4))).containsExactly(image);
    }

    @Test
    void filesStillBeingWrittenUnderTheScannersSuffixSidecarsAndHiddenFilesAreNeverTaken() throws IOException {
        InboxFolder folder = folder();
        Files.write(inbox.resolve("FNA-1_01.jpg.part"), new byte[10]);
        Files.write(inbox.resolve("FNA-1_02.tmp"), new byte[10]);
        Files.write(inbox.resolve(".FNA-1_03.jpg"), new byte[10]);
        Files.writeString(inbox.resolve("scan.jpg.case"), "FNA-9");
        Path image = Files.write(inbox.resolve("scan.jpg"), new byte[10]);
        folder.complete(T0);
        assertThat(folder.complete(T0.plus(SETTLE))).containsExactly(image);
    }

    @Test
    void theCaseIdComesFromTheSidecarWhenThereIsOneAndFromTheNamePatternOtherwise() throws IOException {
        InboxFolder folder = folder();
        Path named = Files.write(inbox.resolve("FNA-2026-0042_01.jpg"), new byte[1]);
        Path withSidecar = Files.write(inbox.resolve("FNA-2026-0042_02.jpg"), new byte[1]);
        Files.writeString(inbox.resolve("FNA-2026-0042_02.jpg.case"), "  FNA-2026-0077 \nignored\n");
        Path neither = Files.write(inbox.resolve("scan0001.jpg"), new byte[1]);

        assertThat(folder.caseIdOf(named)).isEqualTo("FNA-2026-0042");
        assertThat(folder.caseIdOf(withSidecar)).isEqualTo("FNA-2026-0077");
        assertThatThrownBy(() -> folder.caseIdOf(neither)).isInstanceOf(ProblemException.class)
                .hasMessageContaining("does not match").hasMessageContaining("scan0001.jpg.case");
    }

    @Test
    void anAcceptedFileGoesToDoneWithItsSidecarAndASecondOfTheSameNameIsKeptBesideIt() throws IOException {
        InboxFolder folder = folder();
        Files.write(inbox.resolve("FNA-1_01.jpg"), new byte[] {1});
        Files.writeString(inbox.resolve("FNA-1_01.jpg.case"), "FNA-1");
        Path first = folder.done(inbox.resolve("FNA-1_01.jpg"));
        Files.write(inbox.resolve("FNA-1_01.jpg"), new byte[] {2});
        Path second = folder.done(inbox.resolve("FNA-1_01.jpg"));

        assertThat(first).isEqualTo(inbox.resolve("done/FNA-1_01.jpg"));
        assertThat(inbox.resolve("done/FNA-1_01.jpg.case")).hasContent("FNA-1");
        assertThat(second).isEqualTo(inbox.resolve("done/FNA-1_01~2.jpg"));
        assertThat(Files.readAllBytes(second)).containsExactly(2);
        assertThat(inbox.resolve("FNA-1_01.jpg")).doesNotExist();
        assertThat(inbox.resolve("FNA-1_01.jpg.case")).doesNotExist();
    }

    @Test
    void aRefusedFileGoesToFailedWithItsReasonBesideIt() throws IOException {
        InboxFolder folder = folder();
        Files.write(inbox.resolve("FNA-1_01.jpg"), new byte[] {1});
        Path failed = folder.failed(inbox.resolve("FNA-1_01.jpg"), "{\"detail\":\"not an image\"}");

        assertThat(failed).isEqualTo(inbox.resolve("failed/FNA-1_01.jpg"));
        assertThat(inbox.resolve("failed/FNA-1_01.jpg.reason.json")).hasContent("{\"detail\":\"not an image\"}");
        assertThat(inbox.resolve("FNA-1_01.jpg")).doesNotExist();
    }

    private record Folder(Path path, String hospitalId, String caseIdPattern, List<String> inProgressSuffixes) implements InboxConfig.Folder {
    }
}
