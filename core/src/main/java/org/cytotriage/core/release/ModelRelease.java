package org.cytotriage.core.release;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.cytotriage.core.imagestore.Sha256;

/**
 * A model release: the files of a model directory, each with its sha256, the model and version they
 * are, and whether the release is a rollback, signed with a release key (Ed25519, the JDK's own
 * crypto). It lies in the directory as {@value #FILE}. A service takes a published model only when
 * the release verifies against one of the keys it trusts and the directory still holds exactly the
 * signed files: a card and a sha256 that agree with each other prove nothing about who released them.
 */
public record ModelRelease(String model, String version, boolean rollback, SortedMap<String, String> files, String keyId,
        String signature) {

    public static final String FILE = "release.json";
    private static final String ALGORITHM = "Ed25519";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Why a release is not taken, in words for the dead letter and the operator. */
    public static final class RefusedException extends Exception {
        public RefusedException(String reason) {
            super(reason);
        }
    }

    public ModelRelease {
        files = new TreeMap<>(files);
    }

    /** Signs what the directory holds now (every regular file but the release itself) as this model and version. */
    public static ModelRelease sign(Path directory, String model, String version, boolean rollback, KeyPair key) {
        SortedMap<String, String> files = contents(directory);
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(key.getPrivate());
            signer.update(payload(model, version, rollback, files));
            return new ModelRelease(model, version, rollback, files, keyId(key.getPublic()),
                    Base64.getEncoder().encodeToString(signer.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with an " + ALGORITHM + " key", e);
        }
    }

    /**
     * Checks the release against the directory and the trusted keys.
     *
     * @throws RefusedException signed by no trusted key, for another model or version than published,
     *         or a file added, missing or changed since it was signed
     */
    public void verify(Path directory, String publishedModel, String publishedVersion, Collection<PublicKey> trusted)
            throws RefusedException {
        if (!model.equals(publishedModel) || !version.equals(publishedVersion)) {
            throw new RefusedException("the release in " + directory + " is of " + model + " " + version + ", the publication names "
                    + publishedModel + " " + publishedVersion);
        }
        PublicKey signer = trusted.stream().filter(key -> keyId(key).equals(keyId)).findFirst().orElseThrow(() -> new RefusedException(
                "the release is signed with key " + keyId + ", which is not a trusted release key"));
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(signer);
            verifier.update(payload(model, version, rollback, files));
            if (!verifier.verify(Base64.getDecoder().decode(signature))) {
                throw new RefusedException("the release's signature does not verify with trusted key " + keyId);
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new RefusedException("the release's signature is unreadable: " + e.getMessage());
        }
        SortedMap<String, String> now = contents(directory);
        for (Map.Entry<String, String> signed : files.entrySet()) {
            String found = now.get(signed.getKey());
            if (found == null) {
                throw new RefusedException("signed file " + signed.getKey() + " is missing from " + directory);
            }
            if (!found.equals(signed.getValue())) {
                throw new RefusedException("file " + signed.getKey() + " has changed since it was signed (sha256 " + found + ", signed "
                        + signed.getValue() + ")");
            }
        }
        for (String file : now.keySet()) {
            if (!files.containsKey(file)) {
                throw new RefusedException("file " + file + " in " + directory + " is not part of the signed release");
            }
        }
    }

    public void write(Path directory) {
        try {
            JSON.writeValue(directory.resolve(FILE).toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + directory.resolve(FILE), e);
        }
    }

    /** @throws RefusedException when the directory holds no readable release */
    public static ModelRelease read(Path directory) throws RefusedException {
        Path file = directory.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new RefusedException(directory + " holds no " + FILE + ": the model is not a signed release");
        }
        try {
            return JSON.readValue(file.toFile(), ModelRelease.class);
        } catch (IOException e) {
            throw new RefusedException(file + " is unreadable: " + e.getMessage());
        }
    }

    /** The key's id as releases name it: the first 16 hex digits of the sha256 of its X.509 encoding. */
    public static String keyId(PublicKey key) {
        return Sha256.hex(key.getEncoded()).substring(0, 16);
    }

    /** A public key as the trust list holds it: base64 of its X.509 (SubjectPublicKeyInfo) encoding. */
    public static PublicKey publicKey(String base64) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64.trim())));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a base64 X.509 " + ALGORITHM + " public key: " + e.getMessage(), e);
        }
    }

    public static String encoded(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /**
     * Writes a release key as {@code readKey} reads it: {@code <base>.key} (the private half, PKCS#8
     * PEM, readable by its owner only) and {@code <base>.pub} (the line a trust list holds).
     *
     * @return the private file
     */
    public static Path writeKey(KeyPair key, Path base) {
        Path privateFile = Path.of(base + ".key");
        try {
            Files.writeString(privateFile, "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n");
            Files.setPosixFilePermissions(privateFile, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(Path.of(base + ".pub"), encoded(key.getPublic()) + "\n");
            return privateFile;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the release key " + privateFile, e);
        }
    }

    /**
     * A release key as {@code release keygen} writes it: {@code <name>.key} (PKCS#8 PEM, the private
     * half) and {@code <name>.pub} beside it (the line a trust list holds).
     */
    public static KeyPair readKey(Path privateFile) {
        String base = privateFile.toString().replaceFirst("\\.key$", "");
        try {
            String pem = Files.readString(privateFile).replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
            PrivateKey key = KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
            return new KeyPair(publicKey(Files.readString(Path.of(base + ".pub"))), key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the release key " + privateFile + " and " + base + ".pub", e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(privateFile + " is not a PKCS#8 PEM " + ALGORITHM + " private key: " + e.getMessage(), e);
        }
    }

    public static KeyPair generateKey() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available in this JDK", e);
        }
    }

    /** What is signed: the model, its version, whether it is a rollback, and each file's sha256 (as sha256sum lists them). */
    static byte[] payload(String model, String version, boolean rollback, SortedMap<String, String> files) {
        StringBuilder text = new StringBuilder("cytotriage-model-release-v1\n").append("model ").append(model).append('\n')
                .append("version ").append(version).append('\n').append("rollback ").append(rollback).append('\n');
        files.forEach((name, sha256) -> text.append(sha256).append("  ").append(name).append('\n'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Every regular file of the directory, by its path inside it, but the release itself. */
    private static SortedMap<String, String> contents(Path directory) {
        SortedMap<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                String name = directory.relativize(file).toString().replace('\\', '/');
                if (!name.equals(FILE)) {
                    files.put(name, Sha256.hex(file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model directory " + directory, e);
        }
        return files;
    }
}
