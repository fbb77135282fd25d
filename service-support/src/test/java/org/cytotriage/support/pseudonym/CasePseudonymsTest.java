package org.cytotriage.support.pseudonym;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CasePseudonymsTest {

    private static final String KEY = "test-only-pseudonym-key-not-a-secret-01";

    @Test
    void aPseudonymIsTheKeyedHmacOfTheCaseIdAsOpensslComputesIt() {
        // printf %s case-42 | openssl dgst -sha256 -hmac test-only-pseudonym-key-not-a-secret-01 (first 24 hex digits)
        assertThat(pseudonyms(KEY).of("case-42")).isEqualTo("c-e05ba0c96c2d401d9e0b04f7");
    }

    @Test
    void anotherKeyGivesAnotherPseudonymAndNoCaseGivesNone() {
        assertThat(pseudonyms(KEY.replace('1', '2')).of("case-42")).isNotEqualTo(pseudonyms(KEY).of("case-42"));
        assertThat(pseudonyms(KEY).of(null)).isEmpty();
        assertThat(pseudonyms(KEY).of("")).isEmpty();
    }

    @Test
    void aShortKeyIsRefusedAtStart() {
        assertThatThrownBy(() -> pseudonyms("short")).hasMessageContaining("at least 32 characters");
    }

    private static CasePseudonyms pseudonyms(String key) {
        return new CasePseudonyms(() -> key);
    }
}
