package org.cytotriage.retraining.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.stream.Stream;

import org.cytotriage.core.imagestore.Sha256;

/**
 * The version of the code a candidate is trained with, for its lineage: the sha256 over the Python
 * package that trains it (every .py file of cytotriage_training, by name and content). A deployment
 * without its git history still says exactly which training code ran.
 */
public final class TrainingCode {

    private TrainingCode() {
    }

    public static String version(Path trainingDirectory) {
        Path packageDirectory = trainingDirectory.resolve("cytotriage_training");
        try (Stream<Path> files = Files.walk(packageDirectory)) {
            List<Path> sources = files.filter(p -> p.toString().endsWith(".py")).sorted().toList();
            MessageDigest digest = Sha256.digest();
            for (Path source : sources) {
                digest.update(packageDirectory.relativize(source).toString().getBytes(StandardCharsets.UTF_8));
                digest.update(Files.readAllBytes(source));
            }
            return "cytotriage_training sha256:" + Sha256.hex(digest);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the training code in " + packageDirectory, e);
        }
    }
}
