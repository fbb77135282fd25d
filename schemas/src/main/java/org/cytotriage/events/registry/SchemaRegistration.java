package org.cytotriage.events.registry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ChangeDecision;
import org.cytotriage.events.v1.DeadLetter;
import org.cytotriage.events.v1.DiagnosisRecorded;
import org.cytotriage.events.v1.ExplanationReady;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.ModelChange;
import org.cytotriage.events.v1.ModelPublished;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.events.v1.RetrainingRequested;

/**
 * The deploy step that registers the build's schemas: each topic's value schema (the generated
 * class's, all its types inlined) under the artifact the producers' serde looks up, {@code <topic>-value}
 * in the default group (Apicurio's TopicIdStrategy). Producers in production register nothing
 * ({@code auto-register=false}), so a schema this step did not register is refused, and the
 * registry's compatibility rule refuses to register a breaking one. Speaks the v2 REST API, which
 * Apicurio 2.4 (the tests') and 3.x (production's) both serve. Run again with every release: an
 * unchanged schema is found, a changed compatible one becomes the artifact's next version.
 *
 * <pre>REGISTRY_USERNAME=... REGISTRY_PASSWORD=... ./register-schemas http://registry:8080/apis/registry/v2</pre>
 */
public final class SchemaRegistration {

    /** What each topic carries. */
    public static final Map<String, Schema> TOPIC_SCHEMAS;

    static {
        Map<String, Schema> schemas = new LinkedHashMap<>();
        schemas.put(Topics.IMAGES, ImageReceived.getClassSchema());
        schemas.put(Topics.PREDICTIONS, PredictionMade.getClassSchema());
        schemas.put(Topics.EXPLANATIONS, ExplanationReady.getClassSchema());
        schemas.put(Topics.DIAGNOSES, DiagnosisRecorded.getClassSchema());
        schemas.put(Topics.RETRAINING, RetrainingRequested.getClassSchema());
        schemas.put(Topics.MODELS, ModelPublished.getClassSchema());
        schemas.put(Topics.DEAD_LETTER, DeadLetter.getClassSchema());
        schemas.put(Topics.MODEL_CHANGES, ModelChange.getClassSchema());
        schemas.put(Topics.MODEL_DECISIONS, ChangeDecision.getClassSchema());
        schemas.put(Topics.SHADOW_PREDICTIONS, PredictionMade.getClassSchema());
        TOPIC_SCHEMAS = java.util.Collections.unmodifiableMap(schemas);
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private SchemaRegistration() {
    }

    /** A schema the registry refused (an incompatible change, a caller without the right): its answer says why. */
    public static final class RefusedException extends RuntimeException {
        RefusedException(String message) {
            super(message);
        }
    }

    /** Registers every topic's schema; returns, per topic, the registry's answer (artifact metadata). */
    public static List<String> register(String apiUrl, String username, String password) {
        List<String> answers = new ArrayList<>();
        TOPIC_SCHEMAS.forEach((topic, schema) -> answers.add(topic + ": " + register(apiUrl, username, password, topic + "-value", schema)));
        return answers;
    }

    /** Registers {@code schema} as {@code artifactId}: found if registered already, else its next version if the rules allow. */
    public static String register(String apiUrl, String username, String password, String artifactId, Schema schema) {
        String base = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/groups/default/artifacts?ifExists=RETURN_OR_UPDATE&canonical=true"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .header("X-Registry-ArtifactId", artifactId)
                .header("X-Registry-ArtifactType", "AVRO")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(schema.toString(), StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("the schema registry at " + base + " did not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new RefusedException(artifactId + " refused (HTTP " + response.statusCode() + "): " + response.body());
        }
        return response.body();
    }

    public static void main(String[] args) {
        if (args.length != 1 || System.getenv("REGISTRY_USERNAME") == null || System.getenv("REGISTRY_PASSWORD") == null) {
            System.err.println("usage: REGISTRY_USERNAME=... REGISTRY_PASSWORD=... register-schemas <registry v2 API URL>");
            System.exit(2);
        }
        try {
            register(args[0], System.getenv("REGISTRY_USERNAME"), System.getenv("REGISTRY_PASSWORD")).forEach(System.out::println);
        } catch (RefusedException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }
}
