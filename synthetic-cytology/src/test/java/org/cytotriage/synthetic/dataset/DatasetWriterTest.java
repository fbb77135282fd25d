package org.cytotriage.synthetic.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.cytotriage.synthetic.GeneratorSettings;
import org.cytotriage.synthetic.Site;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetWriterTest {

    private static final DatasetSpec SPEC = new DatasetSpec(20, 3, Site.SITE_B, OutputFormat.BOTH,
            SplitFractions.DEFAULT, DatasetSpec.DEFAULT_SPLIT_SEED, GeneratorSettings.defaults());

    @Test
    void writesImagesMasksLabelsAndManifest(@TempDir Path directory) throws IOException {
        DatasetSummary summary = new DatasetWriter(2).write(SPEC, directory);

        List<String> lines = Files.readAllLines(directory.resolve("labels.csv"));
        assertEquals(DatasetWriter.LABELS_HEADER, lines.get(0));
        assertEquals(21, lines.size());
        for (String line : lines.subList(1, lines.size())) {
            String[] columns = line.split(",");
            assertEquals(7, columns.length, line);
            assertTrue(columns[0].matches("images/case-\\d{6}\\.png"), line);
            assertTrue(Files.isRegularFile(directory.resolve(columns[0])), line);
            assertTrue(Files.isRegularFile(directory.resolve(columns[0].replace(".png", ".jpg"))), line);
            assertTrue(Files.isRegularFile(directory.resolve(columns[6])), line);
            assertEquals("B", columns[4]);
        }
        assertEquals(14, lines.stream().filter(l -> l.contains(",train,")).count());
        assertEquals(summary.count(Split.VALIDATION), lines.stream().filter(l -> l.contains(",val,")).count());
        assertEquals(summary.count(Split.TEST), lines.stream().filter(l -> l.contains(",test,")).count());

        String manifest = Files.readString(directory.resolve("dataset.json"));
        assertTrue(manifest.contains("\"generator\": \"" + SyntheticCytologyGenerator.VERSION + "\""), manifest);
        assertTrue(manifest.contains("\"count\": 20"), manifest);
        assertTrue(manifest.contains("\"train\": {\"total\": 14"), manifest);
        assertTrue(manifest.contains("NOT FOR CLINICAL USE"), manifest);
    }

    @Test
    void outputDoesNotDependOnTheNumberOfThreads(@TempDir Path directory) throws IOException {
        DatasetSpec spec = new DatasetSpec(8, 4, Site.SITE_A, OutputFormat.JPEG, SplitFractions.DEFAULT, 42,
                GeneratorSettings.defaults());
        Path serial = directory.resolve("serial");
        Path parallel = directory.resolve("parallel");
        new DatasetWriter(1).write(spec, serial);
        new DatasetWriter(2).write(spec, parallel);
        List<Path> files = relativeFiles(serial);
        assertEquals(files, relativeFiles(parallel));
        assertEquals(8 * 2 + 2, files.size(), "8 images, 8 masks, labels.csv, dataset.json");
        for (Path file : files) {
            assertArrayEquals(Files.readAllBytes(serial.resolve(file)), Files.readAllBytes(parallel.resolve(file)),
                    file.toString());
        }
    }

    private static List<Path> relativeFiles(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }
}
