package org.cytotriage.support.pseudonym;

import io.smallrye.config.ConfigMapping;

/**
 * The key of the case pseudonyms. No default in production: a service without its key does not
 * start (SmallRye names the missing {@code cytotriage.pseudonym.key}); dev and test have their own.
 */
@ConfigMapping(prefix = "cytotriage.pseudonym")
public interface PseudonymConfig {

    /** The HMAC key, as text (at least 32 characters): a secret, the same in every service of a deployment. */
    String key();
}
