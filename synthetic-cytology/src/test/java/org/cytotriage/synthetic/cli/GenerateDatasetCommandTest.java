package org.cytotriage.synthetic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GenerateDatasetCommandTest {

    @Test
    void writesTheRequestedNumberOfCasesWithTheRequestedSplit(@TempDir Path directory) throws IOException {
        int exit = GenerateDatasetCommand.commandLine().execute("--out", directory.toString(), "--count", "10",
                "--seed", "8", "--site", "A", "--format", "jpeg", "--split", "0.6,0.2,0.2", "--threads", "2");
        assertEquals(0, exit);
        List<String> rows = Files.readAllLines(directory.resolve("labels.csv"));
        assertEquals(11, rows.size());
        assertTrue(rows.get(1).startsWith("images/case-"), rows.get(1));
        assertTrue(rows.get(1).contains(".jpg,"), rows.get(1));
        assertEquals(6, rows.stream().filter(r -> r.contains(",train,")).count());
        assertEquals(2, rows.stream().filter(r -> r.contains(",val,")).count());
        assertEquals(2, rows.stream().filter(r -> r.contains(",test,")).count());
        assertTrue(Files.isRegularFile(directory.resolve("dataset.json")));
    }

    @Test
    void rejectsAnUnknownSiteAsAUsageError(@TempDir Path directory) {
        CommandLine commandLine = GenerateDatasetCommand.commandLine();
        StringWriter errors = new StringWriter();
        commandLine.setErr(new PrintWriter(errors));
        int exit = commandLine.execute("--out", directory.toString(), "--site", "C");
        assertEquals(2, exit);
        assertTrue(errors.toString().contains("unknown site"), errors.toString());
    }
}
