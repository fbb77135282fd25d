package org.cytotriage.retraining.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/** A real Python child process, as the job runs training/. */
class TrainingProcessTest {

    @TempDir
    Path directory;

    @Test
    void handsOnEachProgressLineOnceAsTheJobWritesIt() throws IOException {
        Files.writeString(directory.resolve("job.py"), """
                import json, sys
                with open(sys.argv[1], "w") as f:
                    for k in range(1, 4):
                        f.write(json.dumps({"stage": "training", "epoch": k, "epochs": 3}) + "\\n"); f.flush()
                    f.write('{"stage": "don')  # a line still being written when the job ends is no line
                """);
        List<JsonNode> lines = new ArrayList<>();

        TrainingProcess.run("/usr/bin/python3", directory, "job", List.of(directory.resolve("progress.jsonl").toString()),
                directory.resolve("progress.jsonl"), directory.resolve("job.log"), lines::add);

        assertThat(lines).extracting(l -> l.get("epoch").asInt()).containsExactly(1, 2, 3);
    }

    @Test
    void aJobThatFailsSaysWhyFromTheTailOfItsLog() throws IOException {
        Files.writeString(directory.resolve("broken.py"), "raise SystemExit('no usable images in the validation split')\n");

        assertThatThrownBy(() -> TrainingProcess.run("/usr/bin/python3", directory, "broken", List.of(), directory.resolve("p.jsonl"),
                directory.resolve("broken.log"), line -> {
                })).isInstanceOf(TrainingProcess.FailedException.class)
                .hasMessageContaining("status 1").hasMessageContaining("no usable images in the validation split");
    }
}
