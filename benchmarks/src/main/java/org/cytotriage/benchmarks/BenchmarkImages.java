package org.cytotriage.benchmarks;

import java.util.ArrayList;
import java.util.List;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;

/**
 * Distinct generated 1024x768 JPEGs of every category, made before any timing starts so the load
 * generator costs nothing during a measurement. SYNTHETIC, NOT FOR CLINICAL USE.
 */
record BenchmarkImages(List<byte[]> jpegs) {

    static BenchmarkImages generate(int count) {
        SyntheticCytologyGenerator generator = new SyntheticCytologyGenerator();
        BethesdaCategory[] categories = BethesdaCategory.values();
        List<byte[]> jpegs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            jpegs.add(generator.generate(90_000 + i, categories[i % categories.length]).jpegBytes());
        }
        return new BenchmarkImages(List.copyOf(jpegs));
    }

    /** The i-th image of an endless stream that cycles through the distinct ones. */
    byte[] get(int i) {
        return jpegs.get(i % jpegs.size());
    }

    /** The first {@code n} images of the stream. */
    List<byte[]> stream(int n) {
        List<byte[]> stream = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            stream.add(get(i));
        }
        return stream;
    }

    double meanKilobytes() {
        return jpegs.stream().mapToInt(b -> b.length).average().orElse(0) / 1024;
    }
}
