package org.cytotriage.audit.sample;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "cytotriage.audit.sample")
public interface SampleConfig {

    /** When the month just ended is drawn (Quartz cron; "off" draws on demand only). */
    String cron();

    /** Cases in the monthly simple random sample (the paper's plan: 50). */
    @WithDefault("50")
    int size();

    /** Cases in the enriched review list drawn beside it; 0 draws none. */
    @WithDefault("20")
    int enrichedSize();

    /** A prediction whose top two probabilities are closer than this is risky. */
    @WithDefault("0.2")
    double riskyMargin();
}
