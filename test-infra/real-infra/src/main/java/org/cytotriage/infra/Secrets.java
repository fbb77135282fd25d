package org.cytotriage.infra;

import java.security.SecureRandom;
import java.util.HexFormat;

/** The run's passwords and client secrets: random, made at start, gone with the run. */
final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    /** 24 random bytes as hex. */
    static String random() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
