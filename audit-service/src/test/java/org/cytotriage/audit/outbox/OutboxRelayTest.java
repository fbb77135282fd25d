package org.cytotriage.audit.outbox;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.TransactionalException;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.cytotriage.audit.As;
import org.cytotriage.audit.AuditEvents;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.DiagnosisRecorded;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.infra.TopicWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = {@ResourceArg(name = "database", value = "true"),
        @ResourceArg(name = "identity", value = "true")})
class OutboxRelayTest {

    @Inject
    Outbox outbox;
    @Inject
    OutboxRelay relay;
    @Inject
    EntityManager entityManager;

    private final TopicReader reader = new TopicReader(RealInfrastructure.shared());

    /**
     * This test's own topics (test.outbox.*, created on first use) are none of the product's: the
     * broker refuses them to audit-service's principal until an operator grants them, as the
     * administrator does here.
     */
    @BeforeAll
    static void grantTheTestTopicsToAuditService() throws Exception {
        try (Admin admin = admin()) {
            ResourcePattern testTopics = new ResourcePattern(ResourceType.TOPIC, "test.outbox.", PatternType.PREFIXED);
            admin.createAcls(java.util.stream.Stream.of(AclOperation.WRITE, AclOperation.CREATE)
                    .map(operation -> new AclBinding(testTopics,
                            new AccessControlEntry("User:audit-service", "*", operation, AclPermissionType.ALLOW)))
                    .toList()).all().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** What kills the relay in the first test: after the broker's acknowledgement, before its commit. */
    static final class RelayDied extends RuntimeException {
        RelayDied() {
            super("the relay died before it committed");
        }
    }

    @Test
    void aRelayThatDiesAfterPublishingButBeforeMarkingSentPublishesTheSameEventIdAgainAndAuditRecordsItOnce() throws Exception {
        String caseId = knownCase();
        DiagnosisRecorded event = AuditEvents.diagnosis(caseId, "hospital-o", "IV", 1, Instant.now());
        // Written, but not due for an hour: the relays running in the background leave it to the one this test plays.
        QuarkusTransaction.requiringNew().run(() -> {
            outbox.enqueue(Topics.DIAGNOSES, caseId, event);
            setAvailable(event.getEventId(), "now() + interval '1 hour'");
        });

        // The relay takes it, the broker acknowledges it, and the relay dies before its commit.
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            setAvailable(event.getEventId(), "now()");
            assertThat(relay.relayPending().published()).isPositive();
            throw new RelayDied();
        })).isInstanceOf(RelayDied.class);
        List<ConsumerRecord<String, DiagnosisRecorded>> first = published(event.getEventId(), 1);
        assertThat(first).hasSize(1);
        assertThat(outbox.isPending(event.getEventId())).as("its mark rolled back with it").isTrue();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> As.cytopathologist("hospital-o").get("/api/v1/cases/" + caseId + "/diagnoses").then()
                .body("size()", equalTo(1)));

        // The row is due again: the next relay publishes it again, with the same event id: never a new one.
        QuarkusTransaction.requiringNew().run(() -> setAvailable(event.getEventId(), "now()"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !outbox.isPending(event.getEventId()));
        List<ConsumerRecord<String, DiagnosisRecorded>> both = published(event.getEventId(), 2);
        assertThat(both).hasSize(2).allSatisfy(r -> assertThat(r.key()).isEqualTo(caseId));
        ConsumerRecord<String, DiagnosisRecorded> again = both.get(1);

        // Audit has consumed the second one (its group's offset is past it) and still holds one record.
        try (Admin admin = admin()) {
            TopicPartition partition = new TopicPartition(again.topic(), again.partition());
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                OffsetAndMetadata committed = admin.listConsumerGroupOffsets("audit-service").partitionsToOffsetAndMetadata().get()
                        .get(partition);
                return committed != null && committed.offset() > again.offset();
            });
        }
        As.cytopathologist("hospital-o").get("/api/v1/cases/" + caseId + "/diagnoses").then().body("size()", equalTo(1))
                .body("[0].bethesdaCategory", equalTo("IV"));
        assertThat(QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                "select count(*) from diagnoses where event_id = ?1").setParameter(1, event.getEventId()).getSingleResult()).intValue()))
                .isEqualTo(1);
    }

    @Test
    void severalRelaysAtOnceAsReplicasRunThemPublishEveryEventOnceAndEachKeysEventsInOrder() throws Exception {
        String topic = "test.outbox.replicas-" + UUID.randomUUID().toString().substring(0, 8);
        List<DiagnosisRecorded> events = new ArrayList<>();
        for (int version = 1; version <= 10; version++) {
            for (int c = 0; c < 20; c++) {
                events.add(AuditEvents.diagnosis(topic + "-case-" + c, "hospital-o", "II", version, Instant.now()));
            }
        }
        QuarkusTransaction.requiringNew().run(() -> events.forEach(e -> outbox.enqueue(topic, e.getCaseId(), e)));

        // The commit woke this replica's relay; three more relay beside it, each in transactions of its own.
        AtomicInteger byTheOthers = new AtomicInteger();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        ExecutorService others = Executors.newFixedThreadPool(3, work -> {
            Thread thread = new Thread(work, "another-replicas-relay");
            thread.setContextClassLoader(loader);
            return thread;
        });
        try {
            List<Future<?>> replicas = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                replicas.add(others.submit(() -> {
                    while (pendingOn(topic) > 0) {
                        byTheOthers.addAndGet(relay.relayBatch().published());
                    }
                }));
            }
            for (Future<?> replica : replicas) {
                replica.get(60, TimeUnit.SECONDS);
            }
        } finally {
            others.shutdownNow();
        }
        System.out.printf("the three other relays published %d of %d events%n", byTheOthers.get(), events.size());

        try (Admin admin = admin()) {
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                    .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
            long onTopic = admin.listOffsets(partitions).all().get().values().stream().mapToLong(o -> o.offset()).sum();
            assertThat(onTopic).as("records on the topic: each event once").isEqualTo(events.size());
        }
        List<ConsumerRecord<String, DiagnosisRecorded>> published = reader.read(topic, DiagnosisRecorded.class, d -> true,
                found -> found.size() >= events.size(), Duration.ofSeconds(30));
        assertThat(published).extracting(r -> r.value().getEventId()).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(events.stream().map(DiagnosisRecorded::getEventId).toList());
        Map<String, List<Integer>> versionsByKey = published.stream().collect(Collectors.groupingBy(ConsumerRecord::key,
                Collectors.mapping(r -> r.value().getVersion(), Collectors.toList())));
        assertThat(versionsByKey).hasSize(20).allSatisfy((key, versions) -> assertThat(versions).as(key)
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
    }

    @Test
    void aRowWrittenByAnEarlierReleaseIsPublishedAsTodaysEvent() {
        // DiagnosisRecorded as a release before "comment" was added would have written it.
        Schema today = DiagnosisRecorded.getClassSchema();
        List<Schema.Field> fields = today.getFields().stream().filter(f -> !f.name().equals("comment"))
                .map(f -> new Schema.Field(f, f.schema())).toList();
        Schema earlier = Schema.createRecord(today.getName(), today.getDoc(), today.getNamespace(), false, fields);
        GenericRecord old = new GenericData.Record(earlier);
        String eventId = UUID.randomUUID().toString();
        String topic = "test.outbox.earlier-" + eventId.substring(0, 8);
        old.put("eventId", eventId);
        old.put("caseId", "case-earlier");
        old.put("hospitalId", "hospital-o");
        old.put("recordedAt", Instant.parse("2026-06-01T10:00:00Z").toEpochMilli());
        old.put("bethesdaCategory", new GenericData.EnumSymbol(earlier.getField("bethesdaCategory").schema(), "III"));
        old.put("group", new GenericData.EnumSymbol(earlier.getField("group").schema(), "INDETERMINATE"));
        old.put("version", 1);
        old.put("recordedBy", "dr-earlier");
        QuarkusTransaction.requiringNew().run(() -> {
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            try {
                new BinaryMessageEncoder<GenericRecord>(GenericData.get(), earlier).encode(old, payload);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            entityManager.createNativeQuery("insert into outbox_schemas (fingerprint, schema) values (?1, ?2) on conflict do nothing")
                    .setParameter(1, SchemaNormalization.parsingFingerprint64(earlier)).setParameter(2, earlier.toString()).executeUpdate();
            entityManager.createNativeQuery("""
                    insert into outbox (id, aggregate_type, aggregate_id, topic, message_key, event_type, payload)
                    values (?1, 'diagnosis', 'earlier', ?2, 'case-earlier', ?3, ?4)""")
                    .setParameter(1, eventId).setParameter(2, topic).setParameter(3, today.getFullName())
                    .setParameter(4, payload.toByteArray()).executeUpdate();
        });

        // Written without a wake-up, as a replica that died right after its commit leaves it: the sweep finds it.
        await().atMost(Duration.ofSeconds(30)).until(() -> !outbox.isPending(eventId));
        List<ConsumerRecord<String, DiagnosisRecorded>> published = reader.read(topic, DiagnosisRecorded.class, d -> true,
                found -> !found.isEmpty(), Duration.ofSeconds(20));
        assertThat(published).singleElement().satisfies(r -> {
            assertThat(r.value().getEventId()).isEqualTo(eventId);
            assertThat(r.value().getRecordedBy()).isEqualTo("dr-earlier");
            assertThat(r.value().getRecordedAt()).isEqualTo(Instant.parse("2026-06-01T10:00:00Z"));
            assertThat(r.value().getComment()).isNull();
        });
    }

    @Test
    void anEventIsEnqueuedOnlyInTheCallersTransactionAndOnlyWithinItsSchemasLimits() {
        DiagnosisRecorded event = AuditEvents.diagnosis("case-refused", "hospital-o", "II", 1, Instant.now());
        assertThatThrownBy(() -> outbox.enqueue("test.outbox.refused", "case-refused", event)).isInstanceOf(TransactionalException.class);

        DiagnosisRecorded tooLong = AuditEvents.diagnosis("case-refused", "hospital-o", "II", 1, Instant.now());
        tooLong.setRecordedBy("x".repeat(101));
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> outbox.enqueue("test.outbox.refused", "case-refused", tooLong)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recordedBy has 101 characters; at most 100");
        assertThat(QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
                "select id from outbox where id in (?1, ?2)").setParameter(1, event.getEventId()).setParameter(2, tooLong.getEventId())
                .getResultList())).isEmpty();
    }

    private void setAvailable(String eventId, String when) {
        entityManager.createNativeQuery("update outbox set available_at = " + when + " where id = ?1").setParameter(1, eventId)
                .executeUpdate();
    }

    private long pendingOn(String topic) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                "select count(*) from outbox where topic = ?1 and sent_at is null").setParameter(1, topic).getSingleResult()).longValue());
    }

    /** The records of fnab.diagnoses with this event id, read until there are {@code expected} (or a while passed). */
    private List<ConsumerRecord<String, DiagnosisRecorded>> published(String eventId, int expected) {
        return reader.read(Topics.DIAGNOSES, DiagnosisRecorded.class, d -> d.getEventId().equals(eventId), found -> found.size() >= expected,
                Duration.ofSeconds(20));
    }

    private String knownCase() {
        String caseId = "case-relay-" + UUID.randomUUID().toString().substring(0, 8);
        new TopicWriter(RealInfrastructure.shared()).send(Topics.IMAGES, caseId,
                AuditEvents.image(caseId, "hospital-o", UUID.randomUUID().toString(), "sha256/ab/x", Instant.now()));
        await().atMost(Duration.ofSeconds(30)).until(() -> As.cytopathologist("hospital-o").get("/api/v1/cases/" + caseId).statusCode() == 200);
        return caseId;
    }

    private static Admin admin() {
        return Admin.create(RealInfrastructure.shared().kafka().adminConfig());
    }
}
