package org.cytotriage.audit.interop.hl7;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.util.StandardSocketFactory;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;

/** HAPI's context for MLLP, as this service uses it both ways. */
final class Mllp {

    private Mllp() {
    }

    /**
     * Control ids of the messages HAPI makes (acknowledgements) counted in memory: HAPI's default
     * keeps its counter in a file in the working directory, which a container's read-only root does
     * not allow. Each context has threads of its own: HAPI's default is one executor for the whole
     * JVM, which closing any context shuts down, so closing the sender's would stop the listener.
     */
    static HapiContext context() {
        AtomicInteger threads = new AtomicInteger();
        HapiContext context = new DefaultHapiContext(Executors.newCachedThreadPool(work -> {
            Thread thread = new Thread(work, "mllp-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }));
        context.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
        return context;
    }

    /** {@link #context()} whose TLS sockets (HAPI's {@code useTls}) are mutual TLS with {@code tls}. */
    static HapiContext context(SSLContext tls) {
        HapiContext context = context();
        context.setSocketFactory(new MutualTls(tls));
        return context;
    }

    /**
     * The SSL context of the TLS configuration {@link LisConfig#tlsConfigurationName()} names
     * (Quarkus's TLS registry: {@code quarkus.tls.<name>.key-store.*} and {@code .trust-store.*}), or
     * none: plain MLLP.
     */
    static Optional<SSLContext> tls(LisConfig config, TlsConfigurationRegistry registry) {
        return config.tlsConfigurationName().map(name -> {
            TlsConfiguration tls = registry.get(name).orElseThrow(() -> new IllegalStateException(
                    "cytotriage.lis.tls-configuration-name names '" + name + "', and no quarkus.tls." + name + ".* is configured"));
            if (tls.getKeyStore() == null || tls.getTrustStore() == null) {
                throw new IllegalStateException("quarkus.tls." + name + " needs a key store (this service's certificate) and a trust store "
                        + "(the laboratory system's): MLLP over TLS here is mutual");
            }
            try {
                return tls.createSSLContext();
            } catch (Exception e) {
                throw new IllegalStateException("cannot make an SSL context of quarkus.tls." + name, e);
            }
        });
    }

    /**
     * MLLP carries results and final diagnoses, and the laboratory system is known by no token: over
     * TLS both ends show a certificate. The listener takes a connection only from a client whose
     * certificate its trust store vouches for; the sender checks that the laboratory system's
     * certificate names the host it dialled, as HTTPS does.
     */
    private static final class MutualTls extends StandardSocketFactory {

        private final SSLContext tls;

        MutualTls(SSLContext tls) {
            this.tls = tls;
        }

        @Override
        public Socket createTlsSocket() throws IOException {
            SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket();
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            return socket;
        }

        @Override
        public ServerSocket createTlsServerSocket() throws IOException {
            SSLServerSocket socket = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
            socket.setNeedClientAuth(true);
            return socket;
        }
    }
}
