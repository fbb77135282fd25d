package org.cytotriage.model.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.cytotriage.model.preprocess.ImageDecoder;
import org.cytotriage.model.preprocess.ModelInputs;
import org.cytotriage.model.preprocess.UndecodableImageException;
import org.cytotriage.model.reference.ReferenceCases;
import org.cytotriage.model.reference.ShippedModels;
import org.junit.jupiter.api.Test;

class PipelinedRunnerTest {

    @Test
    void batchedOverlappedRunsGiveEachImageItsOwnOutputInOrderAndKeepFailuresApart() throws IOException {
        Path directory = ShippedModels.directory(ShippedModels.BASIC);
        List<byte[]> images = new ArrayList<>();
        for (ReferenceCases.Case c : ReferenceCases.read(directory).cases()) {
            images.add(Files.readAllBytes(c.jpeg()));
            images.add(Files.readAllBytes(c.png()));
        }
        images.add(3, new byte[] {1, 2, 3}); // undecodable, between good images
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger prepared = new AtomicInteger();
        PipelinedRunner.Observer observer = new PipelinedRunner.Observer() {
            @Override
            public void prepared(long nanos) {
                prepared.incrementAndGet();
            }

            @Override
            public void ran(int batchSize, long nanos) {
                runs.incrementAndGet();
            }
        };
        try (LoadedModel model = LoadedModel.load(directory, 2);
                PipelinedRunner runner = new PipelinedRunner(3, 2, 1, observer)) {
            var results = runner.run(images, bytes -> ModelInputs.of(ImageDecoder.decode(bytes), model.card()), model);

            assertThat(results).hasSize(images.size());
            assertThat(prepared).hasValue(images.size() - 1);
            assertThat(runs).as("ceil(%d / 3) model runs", images.size()).hasValue((images.size() + 2) / 3);
            for (int i = 0; i < images.size(); i++) {
                var result = results.get(i);
                assertThat(result.item()).isSameAs(images.get(i));
                if (i == 3) {
                    assertThat(result.failure()).isInstanceOf(UndecodableImageException.class);
                    continue;
                }
                float[] alone = model.run(List.of(ModelInputs.of(ImageDecoder.decode(images.get(i)), model.card())))
                        .get(0).logits();
                for (int k = 0; k < 3; k++) {
                    assertThat(result.output().logits()[k]).as("image %d logit %d", i, k).isCloseTo(alone[k], within(1e-4f));
                }
            }
        }
    }
}
