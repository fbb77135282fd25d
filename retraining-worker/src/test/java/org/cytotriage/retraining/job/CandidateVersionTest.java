package org.cytotriage.retraining.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.cytotriage.core.release.ModelVersions;
import org.junit.jupiter.api.Test;

class CandidateVersionTest {

    @Test
    void aCandidateIsTheParentsNextMinorVersionNamedByItsRequest() {
        assertThat(CandidateVersion.of("1.4.0-synthetic", "3f2a9c1e-0000-4000-8000-000000000000")).isEqualTo("1.5.0-retrained.3f2a9c1e");
        assertThat(CandidateVersion.of("1.5.0-retrained.3f2a9c1e", "0a1b2c3d-0000-4000-8000-000000000000"))
                .isEqualTo("1.6.0-retrained.0a1b2c3d");
    }

    @Test
    void aCandidateOrdersAfterItsParentSoTheServicesTakeItsRelease() {
        for (String parent : new String[] {"1.4.0-synthetic", "1.1.0-synthetic", "1.9.3", "2.0.0-retrained.aaaaaaaa"}) {
            assertThat(ModelVersions.compare(CandidateVersion.of(parent, "3f2a9c1e-0000"), parent)).as(parent).isPositive();
        }
    }
}
