package org.cytotriage.release;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cytotriage.core.release.ModelRelease;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ModelPublished;
import org.cytotriage.events.v1.ModelRef;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The release command (docs/runbook.md, "Roll out a model"): {@code keygen} makes a release key,
 * {@code sign} writes a model directory's release.json with it, {@code publish} announces the signed
 * directory on fnab.models. The services take the publication only if the key's public half is in
 * their trust list and the directory, under their model root, still holds exactly what was signed.
 */
@Command(name = "release", mixinStandardHelpOptions = true, subcommands = {ReleaseCommand.Keygen.class, ReleaseCommand.Sign.class,
        ReleaseCommand.Publish.class}, description = "Sign and publish CytoTriage model releases (demo models: NOT FOR CLINICAL USE).")
public final class ReleaseCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line; the exit status (0 done, 1 refused or failed, 2 wrong usage). */
    public static int run(String... args) {
        return new CommandLine(new ReleaseCommand()).execute(args);
    }

    @Command(name = "keygen", description = "Make an Ed25519 release key: <name>.key (private, PKCS#8 PEM, owner-only) and "
            + "<name>.pub (the line a trust list holds).")
    static final class Keygen implements Callable<Integer> {

        @Parameters(index = "0", description = "path and base name of the key files")
        Path name;

        @Override
        public Integer call() throws IOException {
            KeyPair key = ModelRelease.generateKey();
            Path privateFile = ModelRelease.writeKey(key, name);
            Path publicFile = Path.of(name + ".pub");
            System.out.printf("release key %s: private %s (keep it offline), public %s (add it to CYTOTRIAGE_RELEASE_KEYS)%n",
                    ModelRelease.keyId(key.getPublic()), privateFile, publicFile);
            return 0;
        }
    }

    @Command(name = "sign", description = "Sign what a model directory holds now as a release of its card's model and version.")
    static final class Sign implements Callable<Integer> {

        @Parameters(index = "0", description = "the model directory (model.onnx, model-card.json, ...)")
        Path directory;

        @Option(names = "--key", required = true, description = "the release key's private file (<name>.key; <name>.pub beside it)")
        Path privateFile;

        @Option(names = "--rollback", description = "release an older version again, on purpose")
        boolean rollback;

        @Override
        public Integer call() throws IOException {
            JsonNode card = JSON.readTree(directory.resolve("model-card.json").toFile());
            KeyPair key = ModelRelease.readKey(privateFile);
            ModelRelease release = ModelRelease.sign(directory, card.get("name").asText(), card.get("version").asText(), rollback, key);
            release.write(directory);
            System.out.printf("signed %s %s%s: %d files, key %s, written to %s%n", release.model(), release.version(),
                    rollback ? " (rollback)" : "", release.files().size(), release.keyId(), directory.resolve(ModelRelease.FILE));
            return 0;
        }
    }

    @Command(name = "publish", description = "Announce a signed model directory on fnab.models.")
    static final class Publish implements Callable<Integer> {

        @Parameters(index = "0", description = "the signed model directory, where every service reads it (under their model root)")
        Path directory;

        @Option(names = "--bootstrap-servers", required = true)
        String bootstrapServers;

        @Option(names = "--registry-url", required = true, description = "the schema registry's API, e.g. http://registry:8080/apis/registry/v3")
        String registryUrl;

        @Option(names = "--approved-by", required = true, description = "who approved the release")
        String approvedBy;

        @Option(names = "--client-config", required = true, description = "a properties file of client settings: the broker's "
                + "TLS and SCRAM-SHA-512 as the release principal (model-release, the only one that may write fnab.models), "
                + "and the schema registry's credentials (docs/runbook.md, \"Roll out a model\")")
        Path clientConfig;

        @Override
        public Integer call() throws Exception {
            ModelRelease release;
            try {
                release = ModelRelease.read(directory);
            } catch (ModelRelease.RefusedException e) {
                System.err.println("not published: " + e.getMessage());
                return 1;
            }
            JsonNode card = JSON.readTree(directory.resolve("model-card.json").toFile());
            ModelPublished publication = ModelPublished.newBuilder()
                    .setEventId(UUID.randomUUID().toString())
                    .setPublishedAt(Instant.now())
                    .setModel(ModelRef.newBuilder().setName(release.model()).setVersion(release.version())
                            .setSha256(card.get("sha256").asText()).build())
                    .setVariant(card.path("variant").asText("BASIC"))
                    .setLocation(directory.toAbsolutePath().normalize().toString())
                    .setApprovedBy(approvedBy)
                    .build();
            Properties config = new Properties();
            try (var in = Files.newInputStream(clientConfig)) {
                config.load(in);
            }
            config.putAll(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class.getName(),
                    "apicurio.registry.url", registryUrl,
                    // As the services in production: the schema the deploy step registered (./register-schemas), never a new one.
                    "apicurio.registry.auto-register", "false",
                    "apicurio.registry.dereference-schema", "true"));
            try (KafkaProducer<String, ModelPublished> producer = new KafkaProducer<>(config)) {
                producer.send(new ProducerRecord<>(Topics.MODELS, release.model(), publication)).get(30, TimeUnit.SECONDS);
            }
            System.out.printf("published %s %s from %s (event %s)%n", release.model(), release.version(), publication.getLocation(),
                    publication.getEventId());
            return 0;
        }
    }
}
