package org.cytotriage.core.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class ModelVersionsTest {

    @Test
    void numbersAreComparedAsNumbersAndALongerVersionComesAfterItsPrefix() {
        assertThat(Stream.of("1.10.0", "1.9.0", "1.3.0-synthetic", "2.0.0", "1.3.0", "1.3.0.1", "1.4.0-synthetic").sorted(ModelVersions.ORDER))
                .containsExactly("1.3.0", "1.3.0.1", "1.3.0-synthetic", "1.4.0-synthetic", "1.9.0", "1.10.0", "2.0.0");
        assertThat(ModelVersions.compare("1.3.0-synthetic", "1.3.0-synthetic")).isZero();
        assertThat(List.of("2026.11.1", "2026.2.0").stream().sorted(ModelVersions.ORDER)).containsExactly("2026.2.0", "2026.11.1");
    }
}
