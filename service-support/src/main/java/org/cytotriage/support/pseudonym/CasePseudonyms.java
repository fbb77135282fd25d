package org.cytotriage.support.pseudonym;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * What logs and traces say instead of a case id, which is often a patient's accession number: a
 * keyed HMAC-SHA256 of it, the first 12 bytes in hex after "c-". The same case gets the same
 * pseudonym in every service of a deployment (one key), so an operator can follow a case through
 * the logs, and only someone holding the key and the case id can tell which case it is.
 */
@ApplicationScoped
public class CasePseudonyms {

    private static final String ALGORITHM = "HmacSHA256";
    static final int MIN_KEY_LENGTH = 32;

    private final SecretKeySpec key;

    CasePseudonyms(PseudonymConfig config) {
        if (config.key().length() < MIN_KEY_LENGTH) {
            throw new IllegalStateException("cytotriage.pseudonym.key must be at least " + MIN_KEY_LENGTH + " characters");
        }
        this.key = new SecretKeySpec(config.key().getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    /** The case's pseudonym; empty for no case. */
    public String of(String caseId) {
        if (caseId == null || caseId.isEmpty()) {
            return "";
        }
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            byte[] digest = mac.doFinal(caseId.getBytes(StandardCharsets.UTF_8));
            return "c-" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
