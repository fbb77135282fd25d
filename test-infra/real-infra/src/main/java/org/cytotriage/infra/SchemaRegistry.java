package org.cytotriage.infra;

/** An Apicurio schema registry for tests and the local stack. */
public interface SchemaRegistry {

    /** The v2 REST API; the Apicurio 3.x serdes speak it too when the URL ends so. */
    String apiUrl();

    void start();

    void stop();
}
