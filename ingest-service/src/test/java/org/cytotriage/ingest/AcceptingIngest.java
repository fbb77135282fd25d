package org.cytotriage.ingest;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.awaitility.Awaitility;

/**
 * Waits until ingest accepts uploads end to end: a test that meets Kafka just after another test
 * restarted it, or on its first event (the topic is created then), would otherwise see the 503
 * ingest rightly gives meanwhile.
 */
public final class AcceptingIngest {

    private AcceptingIngest() {
    }

    public static void awaitAccepting() {
        byte[] png = TestImages.encoded("png", 999);
        String caseId = "case-warm-up-" + UUID.randomUUID();
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> List.of(200, 202).contains(Scanners.of("warm-up").contentType("image/png").body(png)
                        .when().post("/api/v1/cases/" + caseId + "/images").statusCode()));
    }
}
