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

    private ShippedModels() {
    }

    public static Path directory(String model) {
        return Path.of(System.getProperty("cytotriage.root", "..")).resolve("models").resolve(model);
    }
}
