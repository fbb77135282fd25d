package org.cytotriage.audit.retraining;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.audit.As;
import org.cytotriage.audit.MutableClock;
import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.core.imagestore.Sha256;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ConfirmedCase;
import org.cytotriage.events.v1.RetrainingRequested;
import org.cytotriage.events.v1.RetrainingTrigger;
import org.cytotriage.infra.PostgresServer;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A retraining request for 50,000 confirmed images: inline, its manifest (some 4 MB of Avro) would be far
 * over a Kafka record's limit; by claim check the event stays small and the file holds them all.
 * The cases (500 of 100 images) are inserted with SQL, dated 2020 so that no other test's model (trained since 2026)
 * counts them, and removed afterwards.
 */
@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = {@ResourceArg(name = "database", value = "true"),
        @ResourceArg(name = "identity", value = "true")})
class LargeManifestTest {

    private static final int IMAGES = 50_000;
    /** A hundred images a case: fewer cases keep the worklist (and their removal) light. */
    private static final int IMAGES_PER_CASE = 100;
    private static final Instant TRAINED = Instant.parse("2019-12-01T00:00:00Z");
    private static final Instant LIVE = Instant.parse("2020-01-15T00:00:00Z");

    @Inject
    MutableClock clock;
    @Inject
    RetrainingMonitor monitor;
    @Inject
    ImageStore store;
    @Inject
    EntityManager entityManager;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String model = "bulk-" + run;
    private final String hospital = "hospital-bulk-" + run;

    /**
     * The record is append-only: the bulk cases go the one way the record allows, an amendment by the
     * database's owner, logged with its reason (V9__append_only.sql).
     */
    @AfterEach
    void removeTheBulkCases() throws SQLException {
        clock.reset();
        PostgresServer db = RealInfrastructure.shared().postgres();
        try (Connection owner = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                CallableStatement amend = owner.prepareCall("call amend_record(?, ?)")) {
            for (String table : List.of("diagnoses", "predictions", "images", "cases")) {
                amend.setString(1, "test clean-up: the bulk cases of run " + run);
                amend.setString(2, "delete from " + table + " where hospital_id = '" + hospital + "'");
                amend.execute();
            }
        }
    }

    @Test
    void aRequestFor50000ConfirmedImagesIsASmallEventWhoseManifestHoldsThemAll() {
        long inserting = System.nanoTime();
        insertConfirmedImages();
        System.out.printf("%d confirmed images inserted in %d ms%n", IMAGES, (System.nanoTime() - inserting) / 1_000_000);

        clock.set(LIVE.plus(Duration.ofDays(200)));
        long asking = System.nanoTime();
        List<RetrainingMonitor.Fired> fired = monitor.check().stream().filter(f -> f.model().name().equals(model)).toList();
        System.out.printf("retraining requested with its manifest in %d ms%n", (System.nanoTime() - asking) / 1_000_000);
        assertThat(fired).extracting(RetrainingMonitor.Fired::trigger).containsExactly(RetrainingTrigger.SCHEDULED);
        assertThat(fired.get(0).requested()).isTrue();

        List<ConsumerRecord<String, RetrainingRequested>> published = new TopicReader(RealInfrastructure.shared()).read(Topics.RETRAINING,
                RetrainingRequested.class, r -> r.getLiveModel().getName().equals(model), found -> !found.isEmpty(), Duration.ofSeconds(30));
        assertThat(published).hasSize(1);
        ConsumerRecord<String, RetrainingRequested> record = published.get(0);
        assertThat(record.key()).isEqualTo(model);
        assertThat(record.serializedValueSize()).as("bytes of the event on the topic").isLessThan(1024);
        RetrainingRequested request = record.value();
        assertThat(request.getManifest()).isEmpty();
        String sha256 = request.getManifestRef().getSha256();
        assertThat(request.getManifestRef().getKey()).as("a key of no one hospital").isEqualTo("sha256/" + sha256.substring(0, 2) + "/" + sha256);
        assertThat(ImageStore.hospitalOf(request.getManifestRef().getKey())).isEmpty();

        List<ConfirmedCase> manifest = ManifestFiles.read(store, request.getManifestRef());
        System.out.printf("manifest: %d entries, %d bytes (event %d bytes)%n", manifest.size(), request.getManifestRef().getSizeBytes(),
                record.serializedValueSize());
        assertThat(manifest).hasSize(request.getManifestRef().getEntries());
        List<ConfirmedCase> bulk = manifest.stream().filter(c -> c.getHospitalId().equals(hospital)).toList();
        assertThat(bulk).hasSize(IMAGES);
        assertThat(bulk).extracting(ConfirmedCase::getImageId).doesNotHaveDuplicates();
        // Case c was diagnosed Bethesda II, V or VI by c mod 3; an image's key is derived from its id.
        assertThat(bulk).allSatisfy(c -> {
            int image = Integer.parseInt(c.getImageId().substring(c.getImageId().lastIndexOf('-') + 1));
            int category = image / IMAGES_PER_CASE % 3;
            assertThat(c.getBethesdaCategory().name()).isEqualTo(List.of("II", "V", "VI").get(category));
            assertThat(c.getGroup().name()).isEqualTo(List.of("BENIGN", "INDETERMINATE", "MALIGNANT").get(category));
            assertThat(c.getImageKey()).isEqualTo("sha256/bk/" + c.getImageId());
        });

        // The same file through the API, for whoever has no access to the store.
        byte[] served = As.mlEngineer().get("/api/v1/audit/retraining/" + request.getEventId() + "/manifest").then().statusCode(200)
                .header("ETag", equalTo("\"" + request.getManifestRef().getSha256() + "\"")).extract().asByteArray();
        assertThat(Sha256.hex(served)).isEqualTo(request.getManifestRef().getSha256());
        As.mlEngineer().get("/api/v1/audit/retraining?model=" + model).then().body("items[0].manifestSize", equalTo(manifest.size()));
    }

    /** Confirmed images: cases of a hundred images, each image with the model's prediction, each case with a final diagnosis, all in 2020. */
    private void insertConfirmedImages() {
        QuarkusTransaction.requiringNew().run(() -> {
            entityManager.createNativeQuery("""
                    insert into model_cards (model_name, model_version, model_sha256, location, trained_at, card)
                    values (?1, '1.0', ?2, 'test', ?3, '{}')""")
                    .setParameter(1, model).setParameter(2, "e".repeat(64)).setParameter(3, TRAINED).executeUpdate();
            String ids = " from generate_series(0, " + (IMAGES - 1) + ") as i";
            String cases = " from generate_series(0, " + (IMAGES / IMAGES_PER_CASE - 1) + ") as c";
            String caseOfImage = "?1 || '-case-' || i / " + IMAGES_PER_CASE;
            entityManager.createNativeQuery("insert into cases (case_id, hospital_id) select ?1 || '-case-' || c, ?2" + cases)
                    .setParameter(1, run).setParameter(2, hospital).executeUpdate();
            entityManager.createNativeQuery("""
                    insert into images (image_id, event_id, case_id, hospital_id, store_key, sha256, media_type, size_bytes, width, height,
                                        source, received_at)
                    select ?1 || '-img-' || i, ?1 || '-ie-' || i, %s, ?2, 'sha256/bk/' || ?1 || '-img-' || i,
                           repeat('ab', 32), 'image/jpeg', 1234, 1024, 768, 'test', ?3 """.formatted(caseOfImage) + ids)
                    .setParameter(1, run).setParameter(2, hospital).setParameter(3, LIVE).executeUpdate();
            entityManager.createNativeQuery("""
                    insert into predictions (event_id, image_id, case_id, hospital_id, model_name, model_version, model_sha256,
                                             predicted_group, p_benign, p_indeterminate, p_malignant, temperature, flagged_for_review,
                                             inference_ms, predicted_at)
                    select ?1 || '-pe-' || i, ?1 || '-img-' || i, %s, ?2, ?3, '1.0', repeat('e', 64),
                           'BENIGN', 0.8, 0.1, 0.1, 1.3, false, 10, cast(?4 as timestamptz) + i * interval '1 second' """.formatted(caseOfImage) + ids)
                    .setParameter(1, run).setParameter(2, hospital).setParameter(3, model).setParameter(4, LIVE).executeUpdate();
            entityManager.createNativeQuery("""
                    insert into diagnoses (event_id, case_id, hospital_id, version, bethesda, treatment_group, recorded_by, diagnosed_at)
                    select ?1 || '-de-' || c, ?1 || '-case-' || c, ?2, 1, (array['II', 'V', 'VI'])[c % 3 + 1],
                           (array['BENIGN', 'INDETERMINATE', 'MALIGNANT'])[c % 3 + 1], 'dr-bulk', cast(?3 as timestamptz) + interval '7 days' """ + cases)
                    .setParameter(1, run).setParameter(2, hospital).setParameter(3, LIVE).executeUpdate();
        });
    }
}
