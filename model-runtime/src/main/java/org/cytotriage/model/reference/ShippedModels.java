package org.cytotriage.model.reference;

import java.nio.file.Path;

/**
 * The demo models a checkout ships under {@code models/}, for tests and benchmarks run from the
 * source tree. The build passes the checkout's root as the system property {@code cytotriage.root};
 * without it a module directory's parent is assumed.
 */
public final class ShippedModels {

    public static final String BASIC = "thyroideffi-basic";
    public static final String PREMIUM = "thyroideffi-premium";
    /** Another encoder, input size and normalisation (MobileNetV2, 160x160, ImageNet mean/std). */
    public static final String MOBILENET = "mobilenetv2-160";

    private ShippedModels() {
    }

    public static Path directory(String model) {
        return Path.of(System.getProperty("cytotriage.root", "..")).resolve("models").resolve(model);
    }
}
