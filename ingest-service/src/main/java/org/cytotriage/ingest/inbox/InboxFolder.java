package org.cytotriage.ingest.inbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cytotriage.support.problem.ProblemException;

/**
 * One inbox folder on disk: which of its files are complete, whose case each is, and where each goes
 * when it has been dealt with: {@code done/} once accepted, {@code failed/} with a
 * {@code <name>.reason.json} (the problem an upload would have been answered with) beside it.
 * <p>
 * A file stays where the scanner put it until it has been dealt with, so a file the service was in
 * the middle of when it died is simply taken again after the restart; ingest publishes an image
 * once whatever number of times its bytes are offered for its case (upload.ReceiptBook), so taking
 * it again cannot predict it twice. The folder is looked at by polling, not by a watch service:
 * scanners write to network shares, where file events are not delivered.
 */
final class InboxFolder {

    static final String DONE = "done";
    static final String FAILED = "failed";
    static final String SIDECAR = ".case";
    static final String REASON = ".reason.json";

    private final String name;
    private final InboxConfig.Folder config;
    private final Pattern caseId;
    private final Duration settle;
    /** What each file looked like when first seen so; a file is complete once that has not changed for {@code settle}. */
    private final Map<Path, Seen> seen = new HashMap<>();

    InboxFolder(String name, InboxConfig.Folder config, Duration settle) {
        this.name = name;
        this.config = config;
        this.caseId = Pattern.compile(config.caseIdPattern());
        this.settle = settle;
        try {
            Files.createDirectories(config.path().resolve(DONE));
            Files.createDirectories(config.path().resolve(FAILED));
        } catch (IOException e) {
            throw new UncheckedIOException("inbox " + name + ": cannot create done/ and failed/ in " + config.path(), e);
        }
    }

    String name() {
        return name;
    }

    Path path() {
        return config.path();
    }

    String hospitalId() {
        return config.hospitalId();
    }

    /** The files complete at {@code now}, oldest first. */
    List<Path> complete(Instant now) throws IOException {
        Map<Path, Seen> present = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(config.path(), this::isImageCandidate)) {
            for (Path file : files) {
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(file, BasicFileAttributes.class);
                } catch (NoSuchFileException gone) {
                    continue;
                }
                if (!attributes.isRegularFile()) {
                    continue;
                }
                Seen current = new Seen(attributes.size(), attributes.lastModifiedTime().toMillis(), now);
                Seen before = seen.get(file);
                present.put(file, before != null && before.sameFile(current) ? before : current);
            }
        }
        seen.clear();
        seen.putAll(present);
        List<Path> complete = new ArrayList<>();
        present.forEach((file, first) -> {
            if (!first.since().plus(settle).isAfter(now)) {
                complete.add(file);
            }
        });
        complete.sort((a, b) -> Long.compare(present.get(a).modified(), present.get(b).modified()));
        return complete;
    }

    private boolean isImageCandidate(Path file) {
        String fileName = file.getFileName().toString();
        return !fileName.startsWith(".") && !fileName.endsWith(SIDECAR)
                && config.inProgressSuffixes().stream().noneMatch(fileName::endsWith);
    }

    /** The case the image belongs to: its sidecar's first line, or the folder's pattern on its name. */
    String caseIdOf(Path image) throws IOException {
        Path sidecar = sidecarOf(image);
        if (Files.exists(sidecar)) {
            return Files.readAllLines(sidecar, StandardCharsets.UTF_8).stream().map(String::strip).findFirst().orElse("");
        }
        Matcher matcher = caseId.matcher(image.getFileName().toString());
        if (!matcher.matches()) {
            throw new ProblemException(ProblemException.UNPROCESSABLE, "no-case-id", "Image not accepted",
                    "the file name does not match the inbox's case id pattern '" + caseId.pattern()
                            + "' and there is no sidecar file " + sidecar.getFileName() + " holding the case id");
        }
        return matcher.group("case");
    }

    /** Accepted: into {@code done/}, its sidecar with it. */
    Path done(Path image) throws IOException {
        return moveWithSidecar(image, config.path().resolve(DONE));
    }

    /**
     * Refused: the reason first, then the file into {@code failed/} beside it; a service that dies in
     * between finds the file where it was and refuses it again.
     */
    Path failed(Path image, String problemJson) throws IOException {
        Path failed = config.path().resolve(FAILED);
        Path target = vacant(failed, image.getFileName().toString());
        Files.writeString(failed.resolve(target.getFileName() + REASON), problemJson, StandardCharsets.UTF_8);
        return moveWithSidecar(image, target);
    }

    private Path moveWithSidecar(Path image, Path targetOrDirectory) throws IOException {
        Path target = Files.isDirectory(targetOrDirectory) ? vacant(targetOrDirectory, image.getFileName().toString()) : targetOrDirectory;
        Files.move(image, target, StandardCopyOption.ATOMIC_MOVE);
        Path sidecar = sidecarOf(image);
        if (Files.exists(sidecar)) {
            Files.move(sidecar, sidecarOf(target), StandardCopyOption.ATOMIC_MOVE);
        }
        seen.remove(image);
        return target;
    }

    /** {@code name} in {@code directory}, or {@code <stem>~2<ext>}, {@code ~3}... when a file of that name is already there. */
    static Path vacant(Path directory, String name) {
        Path candidate = directory.resolve(name);
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 ? name.substring(dot) : "";
        for (int n = 2; Files.exists(candidate); n++) {
            candidate = directory.resolve(stem + "~" + n + extension);
        }
        return candidate;
    }

    private static Path sidecarOf(Path image) {
        return image.resolveSibling(image.getFileName() + SIDECAR);
    }

    /** A file's size and modification time, and since when they have been so. */
    private record Seen(long size, long modified, Instant since) {

        boolean sameFile(Seen other) {
            return size == other.size && modified == other.modified;
        }
    }
}
