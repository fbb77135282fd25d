package org.cytotriage.retraining.release;

/**
 * The outgoing channel of releases. It writes fnab.models, which the worker also reads (to know where
 * every version lies), and a channel cannot be both: so it has a name of its own, mapped to the topic
 * in application.properties.
 */
final class ReleaseChannel {

    static final String NAME = "model-releases";

    private ReleaseChannel() {
    }
}
