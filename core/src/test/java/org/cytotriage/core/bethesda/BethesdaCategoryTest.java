package org.cytotriage.core.bethesda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BethesdaCategoryTest {

    @ParameterizedTest
    @CsvSource({"I,INDETERMINATE", "II,BENIGN", "III,INDETERMINATE", "IV,INDETERMINATE", "V,INDETERMINATE", "VI,MALIGNANT"})
    void mapsEachCategoryToItsTreatmentGroup(BethesdaCategory category, TreatmentGroup group) {
        assertThat(category.group()).isEqualTo(group);
    }

    @Test
    void parsesRomanArabicAndPrefixedForms() {
        assertThat(BethesdaCategory.parse("V")).isEqualTo(BethesdaCategory.V);
        assertThat(BethesdaCategory.parse("5")).isEqualTo(BethesdaCategory.V);
        assertThat(BethesdaCategory.parse(" bethesda vi ")).isEqualTo(BethesdaCategory.VI);
    }

    @Test
    void refusesUnknownCategoriesWithTheAcceptedForms() {
        assertThatThrownBy(() -> BethesdaCategory.parse("VII")).hasMessageContaining("unknown Bethesda category 'VII'").hasMessageContaining("1-6");
        assertThatThrownBy(() -> BethesdaCategory.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
