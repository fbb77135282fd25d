package org.cytotriage.synthetic;

/**
 * Knobs that change how hard the synthetic task is. The generator version together with these
 * settings and a seed fixes every pixel, so model cards cite both.
 *
 * @param classOverlap scales the spread of each category's atypia distribution: 1 (default) gives
 *        the intended overlap (III reaches into benign, V into malignant); 0 gives one prototype
 *        per category; 2 makes neighbouring categories hard to tell apart
 * @param stainJitter per-case stain and lamp variation within a site: 1 (default) is about ±4
 *        degrees of hue and ±8 % of saturation and density; 0 makes every case of a site the same colour
 * @param cellularity scales the number of cell groups and scattered cells: 1 (default)
 * @param cameraNoise camera noise amplitude in 8-bit grey levels: 3 (default)
 */
public record GeneratorSettings(double classOverlap, double stainJitter, double cellularity, double cameraNoise) {

    public GeneratorSettings {
        if (classOverlap < 0 || stainJitter < 0 || cellularity <= 0 || cameraNoise < 0) {
            throw new IllegalArgumentException("settings must be non-negative (cellularity positive): " + classOverlap
                    + ", " + stainJitter + ", " + cellularity + ", " + cameraNoise);
        }
    }

    public static GeneratorSettings defaults() {
        return new GeneratorSettings(1.0, 1.0, 1.0, 3.0);
    }
}
