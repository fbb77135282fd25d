package org.cytotriage.infra;

/** An Apicurio schema registry for tests and the local stack. */
public interface SchemaRegistry {

    /** The v2 REST API; the Apicurio 3.x serdes speak it too when the URL ends so. */
    String apiUrl();

    /** What an Apicurio serde needs to reach it: the URL and, where the registry asks for them, credentials. */
    default java.util.Map<String, Object> serdeConfig() {
        return java.util.Map.of("apicurio.registry.url", apiUrl());
    }

    void start();

    void stop();

    /**
     * SIGKILL; {@link #start()} brings it back on the same port with the schemas it had stored. Only
     * a registry run as a local process supports it.
     */
    default void kill() {
        throw new UnsupportedOperationException("kill needs a registry run as a local process");
    }
}
