package org.cytotriage.synthetic.dataset;

import java.util.Locale;
import java.util.StringJoiner;
import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.bethesda.TreatmentGroup;
import org.cytotriage.synthetic.GeneratorSettings;
import org.cytotriage.synthetic.ImageEncoding;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;

/**
 * dataset.json: what a model card cites about its training data (generator version, seeds,
 * settings, class mix, counts per split). Written by hand: the content is flat and fixed, and the
 * module stays free of a JSON library.
 */
final class DatasetManifest {

    private DatasetManifest() {
    }

    static String render(DatasetSummary summary) {
        DatasetSpec spec = summary.spec();
        GeneratorSettings settings = spec.settings();
        StringBuilder json = new StringBuilder("{\n");
        field(json, "generator", quote(SyntheticCytologyGenerator.VERSION));
        field(json, "notice", quote("SYNTHETIC data, NOT FOR CLINICAL USE"));
        field(json, "seed", Long.toString(spec.seed()));
        field(json, "splitSeed", Long.toString(spec.splitSeed()));
        field(json, "site", quote(spec.site().code()));
        field(json, "format", quote(spec.format().name().toLowerCase(Locale.ROOT)));
        field(json, "jpegQuality", number(ImageEncoding.JPEG_QUALITY));
        field(json, "width", Integer.toString(SyntheticCytologyGenerator.WIDTH));
        field(json, "height", Integer.toString(SyntheticCytologyGenerator.HEIGHT));
        field(json, "count", Integer.toString(summary.cases().size()));
        field(json, "settings", object(
                "classOverlap", number(settings.classOverlap()),
                "stainJitter", number(settings.stainJitter()),
                "cellularity", number(settings.cellularity()),
                "cameraNoise", number(settings.cameraNoise())));
        field(json, "splitFractions", object(
                Split.TRAIN.label(), number(spec.split().train()),
                Split.VALIDATION.label(), number(spec.split().validation()),
                Split.TEST.label(), number(spec.split().test())));
        StringJoiner mix = new StringJoiner(", ", "{", "}");
        ClassMix.shares().forEach((category, share) -> mix.add(quote(category.name()) + ": " + number(share)));
        field(json, "classMix", mix.toString());
        StringJoiner splits = new StringJoiner(",\n", "{\n", "\n  }");
        for (Split split : Split.values()) {
            StringJoiner counts = new StringJoiner(", ", "{", "}");
            counts.add(quote("total") + ": " + summary.count(split));
            for (TreatmentGroup group : TreatmentGroup.values()) {
                counts.add(quote(group.name()) + ": " + summary.count(split, group));
            }
            for (BethesdaCategory category : BethesdaCategory.values()) {
                counts.add(quote(category.name()) + ": " + summary.count(split, category));
            }
            splits.add("    " + quote(split.label()) + ": " + counts);
        }
        json.append("  ").append(quote("counts")).append(": ").append(splits).append("\n}\n");
        return json.toString();
    }

    private static void field(StringBuilder json, String name, String value) {
        json.append("  ").append(quote(name)).append(": ").append(value).append(",\n");
    }

    private static String object(String... namesAndValues) {
        StringJoiner object = new StringJoiner(", ", "{", "}");
        for (int i = 0; i < namesAndValues.length; i += 2) {
            object.add(quote(namesAndValues[i]) + ": " + namesAndValues[i + 1]);
        }
        return object.toString();
    }

    // Only fixed identifiers and codes are quoted here; none contains a quote or backslash.
    private static String quote(String text) {
        return '"' + text + '"';
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.6g", value).replaceFirst("\\.?0+$", "");
    }
}
