package org.cytotriage.ingest.inbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.core.imagestore.ImageStoreException;
import org.cytotriage.ingest.availability.UnavailableException;
import org.cytotriage.ingest.upload.IngestService;
import org.cytotriage.support.problem.ProblemException;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.scheduler.Scheduled;

/**
 * Takes the complete files of every inbox folder into ingest, the same path an upload takes
 * (IngestService.accept: the same validation, the same image id, the same once-only publication),
 * with the folder's hospital. Whatever ingest refuses goes to {@code failed/} with its problem;
 * whatever it cannot take now (Kafka, the registry or the image store away) stays in the folder for
 * the next sweep, and the rest of that folder waits with it.
 * <p>
 * One sweep at a time, each file in turn: a scanner's folder is a queue, not a burst, and a sweep
 * that overlapped the last would offer the same file twice.
 */
@ApplicationScoped
public class InboxWatcher {

    private static final Logger LOG = Logger.getLogger(InboxWatcher.class);
    static final String SOURCE = "inbox";

    private final IngestService ingest;
    private final ObjectMapper json;
    private final List<InboxFolder> folders;

    InboxWatcher(IngestService ingest, ObjectMapper json, InboxConfig config) {
        this.ingest = ingest;
        this.json = json;
        this.folders = config.folders().entrySet().stream()
                .map(folder -> new InboxFolder(folder.getKey(), folder.getValue(), config.settle())).toList();
        folders.forEach(folder -> LOG.infof("inbox %s: watching %s for hospital %s", folder.name(), folder.path(), folder.hospitalId()));
    }

    @Scheduled(every = "${cytotriage.ingest.inbox.poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        for (InboxFolder folder : folders) {
            try {
                sweep(folder);
            } catch (IOException | UncheckedIOException e) {
                LOG.warnf("inbox %s: cannot read the folder (%s); looked at again in the next sweep", folder.name(), e.getMessage());
            }
        }
    }

    private void sweep(InboxFolder folder) throws IOException {
        for (Path file : folder.complete(Instant.now())) {
            if (!take(folder, file)) {
                return;
            }
        }
    }

    /** False when ingest cannot take images now: the file stays, and so do the ones after it. */
    private boolean take(InboxFolder folder, Path file) throws IOException {
        String fileName = file.getFileName().toString();
        try {
            IngestService.Receipt receipt;
            try (InputStream content = Files.newInputStream(file)) {
                receipt = ingest.accept(new IngestService.Upload(folder.caseIdOf(file), folder.hospitalId(), fileName, SOURCE), content);
            }
            Path done = folder.done(file);
            LOG.infof("inbox %s: %s accepted as image %s of case %s%s", folder.name(), fileName, receipt.imageId(), receipt.caseId(),
                    receipt.published() ? "" : " (these bytes were already accepted for the case)");
            LOG.debugf("inbox %s: moved to %s", folder.name(), done);
            return true;
        } catch (NoSuchFileException gone) {
            return true; // removed by the scanner, or taken by another replica watching the same share
        } catch (UnavailableException | ImageStoreException e) {
            LOG.warnf("inbox %s: %s stays for the next sweep: %s", folder.name(), fileName, e.getMessage());
            return false;
        } catch (ProblemException refused) {
            Path failed = folder.failed(file, reason(refused, fileName));
            LOG.infof("inbox %s: %s refused (%s), moved to %s", folder.name(), fileName, refused.getMessage(), failed);
            return true;
        }
    }

    private String reason(ProblemException refused, String fileName) {
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(refused.toProblem(fileName));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a problem detail is plain data and always writes as JSON", e);
        }
    }
}
