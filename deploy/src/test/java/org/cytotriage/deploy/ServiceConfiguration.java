package org.cytotriage.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a service reads from its environment: the {@code ${VAR:default}} placeholders of its
 * application.properties and of service-support's shared defaults, and every configuration key in
 * them in its environment-variable form ({@code cytotriage.inference.batch-size} is
 * {@code CYTOTRIAGE_INFERENCE_BATCH_SIZE}, as MicroProfile Config maps them).
 */
final class ServiceConfiguration {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");

    private final Properties properties = new Properties();
    private final Set<String> environmentVariables = new HashSet<>();

    private ServiceConfiguration(String service) {
        read(ROOT.resolve(service).resolve("src/main/resources/application.properties"));
        read(ROOT.resolve("service-support/src/main/resources/META-INF/microprofile-config.properties"));
    }

    static ServiceConfiguration of(String service) {
        return new ServiceConfiguration(service);
    }

    boolean reads(String variable) {
        return environmentVariables.contains(variable);
    }

    /** The value of a key in the service's own files (profile-less), or null. */
    String property(String key) {
        return properties.getProperty(key);
    }

    private void read(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            Properties loaded = new Properties();
            loaded.load(reader);
            loaded.forEach((key, value) -> {
                String name = ((String) key).replaceFirst("^%[a-z]+\\.", "");
                if (name.equals(key)) {
                    properties.putIfAbsent(name, value);
                }
                environmentVariables.add(name.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT));
                Matcher placeholders = PLACEHOLDER.matcher((String) value);
                while (placeholders.find()) {
                    environmentVariables.add(placeholders.group(1));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The principals of the broker's access table (identity/kafka/access.tsv): the first field of each line. */
    static List<String> kafkaPrincipals() throws IOException {
        return Files.readAllLines(ROOT.resolve("identity/kafka/access.tsv")).stream()
                .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .map(line -> line.split("\\s+")[0]).distinct().toList();
    }
}
