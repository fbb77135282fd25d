package org.cytotriage.audit.interop.hl7;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The laboratory system that receives each case's AI result as an HL7 v2.5.1 ORU^R01 over MLLP;
 * none unless {@code host} is set (production: {@code CYTOTRIAGE_LIS_HOST}, {@code CYTOTRIAGE_LIS_PORT}).
 */
@ConfigMapping(prefix = "cytotriage.lis")
public interface LisConfig {

    Optional<String> host();

    @WithDefault("2575")
    int port();

    /** MSH-5 and MSH-6: how the laboratory system names itself. */
    @WithDefault("LIS")
    String receivingApplication();

    @WithDefault("LAB")
    String receivingFacility();

    /**
     * A TLS configuration of Quarkus's registry ({@code quarkus.tls.<name>.key-store.*}, {@code
     * .trust-store.*}) to speak MLLP over mutual TLS both ways: the sender shows this service's
     * certificate and takes the laboratory system's only if the trust store vouches for it and it
     * names the host; the listener takes connections only from clients with a certificate the trust
     * store vouches for. None: plain MLLP, for a network the hospital secures otherwise.
     */
    Optional<String> tlsConfigurationName();

    /** How long the sender waits for a message's acknowledgement before it counts as not delivered. */
    @WithDefault("10s")
    Duration ackTimeout();

    /** How often pending messages are looked for (application.properties: the scheduler reads it by name). */
    Duration sweepEvery();

    /** A message not delivered is sent again after 1 s, then twice as long each time, up to this. */
    @WithDefault("5m")
    Duration maxRetryDelay();

    /** Final diagnoses from the laboratory system, as HL7 v2 ORU^R01 over MLLP. */
    Inbound inbound();

    interface Inbound {

        /** The MLLP port audit-service listens on; none, no listener (production: {@code CYTOTRIAGE_LIS_INBOUND_PORT}). */
        Optional<Integer> port();

        /**
         * Which sending facility (MSH-4) speaks for which hospital, as {@code FACILITY=hospital-id}
         * pairs; a message from a facility not named here is rejected, so a listener with none
         * configured takes nothing.
         */
        Optional<List<String>> facilities();

        /** The OBX-3 identifier of the observation that carries the Bethesda category (OBX-5: II, "Bethesda VI", ...). */
        @WithDefault("BETHESDA")
        String bethesdaObservation();
    }
}
