package org.cytotriage.retraining.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.cytotriage.core.imagestore.ImageStore;

/**
 * A retraining dataset on disk, in the layout training/ reads (labels.csv: file, split, bethesda,
 * group, site, seed, mask; the images beside it): the manifest's images fetched from the image store
 * and split by case. Confirmed hospital images have no generator seed and no lesion mask; the site
 * column holds the hospital.
 */
public record RetrainingDataset(Path directory, Map<String, List<RetrainingDataset.Entry>> splits, List<String> unusable) {

    /** A manifest entry as written: its image file in the dataset. */
    public record Entry(ConfirmedImage image, Path file) {
    }

    public static RetrainingDataset write(Path directory, List<ConfirmedImage> manifest, CaseSplit split, ImageStore store) {
        Map<String, List<Entry>> splits = new TreeMap<>();
        List<String> unusable = new ArrayList<>();
        try {
            Files.createDirectories(directory.resolve("images"));
            try (Writer labels = Files.newBufferedWriter(directory.resolve("labels.csv"), StandardCharsets.UTF_8)) {
                labels.write("file,split,bethesda,group,site,seed,mask\n");
                for (ConfirmedImage image : manifest) {
                    Optional<byte[]> bytes = store.get(image.imageKey());
                    String extension = bytes.map(RetrainingDataset::extension).orElse(null);
                    if (extension == null) {
                        unusable.add(image.imageId() + (bytes.isEmpty() ? ": not in the image store" : ": neither JPEG nor PNG"));
                        continue;
                    }
                    String file = "images/" + image.imageId() + extension;
                    Files.write(directory.resolve(file), bytes.get());
                    String part = split.of(image.caseKey());
                    splits.computeIfAbsent(part, k -> new ArrayList<>()).add(new Entry(image, directory.resolve(file)));
                    labels.write(String.join(",", file, part, image.bethesda().name(), image.bethesda().group().name(),
                            image.hospitalId(), "", "") + "\n");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the retraining dataset in " + directory, e);
        }
        return new RetrainingDataset(directory, splits, unusable);
    }

    public int count(String split) {
        return splits.getOrDefault(split, List.of()).size();
    }

    public List<Entry> images(String split) {
        return splits.getOrDefault(split, List.of());
    }

    /** By the magic numbers ingest validated them with; anything else is not an image training can read. */
    private static String extension(byte[] bytes) {
        if (bytes.length > 3 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8) {
            return ".jpg";
        }
        if (bytes.length > 8 && (bytes[0] & 0xff) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G') {
            return ".png";
        }
        return null;
    }
}
