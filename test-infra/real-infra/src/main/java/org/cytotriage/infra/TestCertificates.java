package org.cytotriage.infra;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemGenerationException;

/**
 * The run's own certificate authority and the certificates of the servers it starts (Kafka,
 * PostgreSQL), made at start in the run's work directory and gone with it: clients trust
 * {@link #authority()} only, and check that a server's certificate names the host they dialled
 * (127.0.0.1 or localhost), as {@code sslmode=verify-full} and Kafka's default endpoint
 * identification do in production.
 */
public final class TestCertificates {

    private static final Duration VALIDITY = Duration.ofDays(2);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;
    private final KeyPair authorityKey;
    private final X509Certificate authority;

    private TestCertificates(Path directory) {
        this.directory = directory;
        this.authorityKey = ecKey();
        X500Name name = new X500Name("CN=CytoTriage test CA");
        this.authority = sign(new JcaX509v3CertificateBuilder(name, serial(), notBefore(), notAfter(), name, authorityKey.getPublic()),
                builder -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                });
        writePem(directory.resolve("ca.crt"), authority);
    }

    /** A new authority, its certificate written to {@code directory/ca.crt}. */
    public static TestCertificates create(Path directory) {
        try {
            return new TestCertificates(Files.createDirectories(directory));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The authority's certificate (PEM): the one trust anchor of every client of this run. */
    public Path authority() {
        return directory.resolve("ca.crt");
    }

    /**
     * A server's key and certificate, issued by the authority for 127.0.0.1 and localhost; a client
     * shows the same kind of certificate in mutual TLS (an MLLP peer).
     */
    public ServerCertificate issue(String commonName) {
        KeyPair key = ecKey();
        X509Certificate certificate = sign(new JcaX509v3CertificateBuilder(authority, serial(), notBefore(), notAfter(),
                new X500Name("CN=" + commonName), key.getPublic()), builder -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
                    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost") }));
                });
        Path keyFile = directory.resolve(commonName + ".key");
        Path certificateFile = directory.resolve(commonName + ".crt");
        Path keyStore = directory.resolve(commonName + ".p12");
        String keyStorePassword = Secrets.random();
        writePem(keyFile, pkcs8(key));
        writePem(certificateFile, certificate);
        try {
            // PostgreSQL refuses a key file that others may read.
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(commonName, key.getPrivate(), keyStorePassword.toCharArray(), new Certificate[] { certificate, authority });
            try (OutputStream out = Files.newOutputStream(keyStore)) {
                store.store(out, keyStorePassword.toCharArray());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the key store of " + commonName, e);
        }
        return new ServerCertificate(keyFile, certificateFile, keyStore, keyStorePassword);
    }

    /** A server's key and certificate as PEM files, and both in a PKCS#12 key store for a JVM server. */
    public record ServerCertificate(Path key, Path certificate, Path keyStore, String keyStorePassword) {
    }

    private interface Extensions {
        void add(X509v3CertificateBuilder builder) throws IOException;
    }

    private X509Certificate sign(X509v3CertificateBuilder builder, Extensions extensions) {
        try {
            extensions.add(builder);
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(authorityKey.getPrivate())));
        } catch (IOException | OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue a test certificate", e);
        }
    }

    private static KeyPair ecKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writePem(Path file, Object object) {
        try (Writer out = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** PKCS#8 ("PRIVATE KEY"), which every server and client here reads. */
    private static Object pkcs8(KeyPair key) {
        try {
            return new JcaPKCS8Generator(key.getPrivate(), null);
        } catch (PemGenerationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM);
    }

    private static Date notBefore() {
        return Date.from(Instant.now().minus(Duration.ofMinutes(5)));
    }

    private static Date notAfter() {
        return Date.from(Instant.now().plus(VALIDITY));
    }
}
