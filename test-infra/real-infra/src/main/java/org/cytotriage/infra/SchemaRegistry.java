package org.cytotriage.infra;

/** An Apicurio schema registry for tests and the local stack. */
public interface SchemaRegistry {

    /** The v2 REST API; the Apicurio 3.x serdes speak it too when the URL ends so. */
    String apiUrl();

    /** What an Apicurio serde needs to reach it as {@code principal}: the URL and the principal's credentials. */
    default java.util.Map<String, Object> serdeConfig(String principal) {
        return java.util.Map.of("apicurio.registry.url", apiUrl(),
                "apicurio.registry.auth.username", principal,
                "apicurio.registry.auth.password", password(principal));
    }

    /** {@link #serdeConfig(String)} as the administrator (tests' readers and writers, the schemas' registration). */
    default java.util.Map<String, Object> serdeConfig() {
        return serdeConfig(KafkaBroker.ADMIN);
    }

    /**
     * The password of {@code principal} (the principals of the broker's access table, and
     * {@link KafkaBroker#ADMIN}): every call of the API authenticates (HTTP basic), health does not.
     */
    String password(String principal);

    /** An {@code Authorization} header value for the administrator, for plain HTTP calls of the API. */
    default String adminAuthorization() {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(
                (KafkaBroker.ADMIN + ":" + password(KafkaBroker.ADMIN)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
