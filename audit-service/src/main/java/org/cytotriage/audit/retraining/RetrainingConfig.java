package org.cytotriage.audit.retraining;

import java.time.Period;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "cytotriage.audit.retraining")
public interface RetrainingConfig {

    /** A model live this long is retrained on schedule (the paper's plan: every six months). */
    @WithDefault("P6M")
    Period scheduleAfter();

    /** How often the triggers are checked ("off" in tests, which check on their own clock). */
    String checkEvery();
}
