package org.cytotriage.retraining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.core.release.ModelRelease;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.Approval;
import org.cytotriage.events.v1.ChangeDecision;
import org.cytotriage.events.v1.ChangeDecisionKind;
import org.cytotriage.events.v1.ChangeStep;
import org.cytotriage.events.v1.GateCriterion;
import org.cytotriage.events.v1.ModelChange;
import org.cytotriage.events.v1.ModelPublished;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.events.v1.RetrainingRequested;
import org.cytotriage.infra.ModelReleases;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.infra.TopicWriter;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.model.reference.ShippedModels;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A retraining request through the worker on the real broker, registry and image store, with
 * training/ run as a process: the dataset, one epoch of fine-tuning at the plan's smallest learning
 * rate, the gate, the shadow, and the release and rollback audit-service would decide. NOT FOR
 * CLINICAL USE: synthetic cases.
 */
@QuarkusTest
@WithTestResource(RealInfraTestResource.class)
@WithTestResource(WorkerTestResource.class)
class RetrainingLoopTest {

    @Inject
    ImageStore store;

    private final TopicWriter writer = new TopicWriter(RealInfrastructure.shared());
    private final TopicReader reader = new TopicReader(RealInfrastructure.shared());

    @Test
    void aRequestDeliveredTwiceTrainsOnceItsCandidatePassesTheGateRunsInShadowAndIsReleasedAndRolledBackAsDecided() throws Exception {
        List<RetrainingFixture.Image> images = RetrainingFixture.confirmedImages(store, 12, 500);
        RetrainingRequested request = RetrainingFixture.request(RetrainingFixture.manifest(store, images, Function.identity()));

        writer.send(Topics.RETRAINING, request.getLiveModel().getName(), request);
        writer.send(Topics.RETRAINING, request.getLiveModel().getName(), request);

        List<ModelChange> steps = RetrainingFixture.stepsUntil(request.getEventId(), c -> c.getStep() == ChangeStep.SHADOW_STARTED
                || c.getStep() == ChangeStep.GATE_FAILED || c.getStep() == ChangeStep.JOB_FAILED);
        assertThat(steps).extracting(ModelChange::getStep).containsExactly(ChangeStep.QUEUED, ChangeStep.PREPARING_DATA, ChangeStep.TRAINING,
                ChangeStep.EVALUATING, ChangeStep.GATE_PASSED, ChangeStep.SHADOW_STARTED);

        ModelChange queued = steps.get(0);
        assertThat(queued.getRecipe()).containsEntry("epochs", "1").containsEntry("learningRate", "1.0E-5").containsKey("code")
                .containsKey("seed");
        ModelChange data = steps.get(1);
        assertThat(data.getDataset().getManifestSha256()).isEqualTo(request.getManifestRef().getSha256());
        assertThat(data.getDataset().getTrainImages() + data.getDataset().getValidationImages() + data.getDataset().getHeldOutImages())
                .isEqualTo(images.size());
        assertThat(data.getDataset().getHeldOutImages()).isPositive();
        assertThat(steps.get(2).getProgress().getEpoch()).isEqualTo(1);
        assertThat(steps.get(2).getProgress().getEpochs()).isEqualTo(1);

        ModelChange gate = steps.get(4);
        assertThat(gate.getGate().getPassed()).isTrue();
        assertThat(gate.getGate().getCriteria()).hasSize(6).allMatch(GateCriterion::getPassed);
        assertThat(gate.getGate().getCriteria()).allSatisfy(c -> assertThat(c.getLower()).isLessThanOrEqualTo(c.getEstimate()));
        String candidate = gate.getCandidate().getVersion();
        assertThat(candidate).startsWith("1.5.0-retrained.");

        // Trained once: the second delivery is answered from the first job's outcome.
        await().atMost(Duration.ofMinutes(2)).until(RetrainingFixture::everyRequestAnswered);
        List<ModelChange> all = RetrainingFixture.stepsUntil(request.getEventId(), c -> c.getStep() == ChangeStep.SHADOW_STARTED);
        assertThat(all.stream().filter(c -> c.getStep() == ChangeStep.QUEUED)).hasSize(1);
        assertThat(all.stream().filter(c -> c.getStep() == ChangeStep.TRAINING)).hasSize(1);

        // The candidate's lineage, in its card.
        Path directory = ModelReleases.root().resolve("candidates").resolve(ShippedModels.BASIC).resolve(candidate);
        JsonNode card = new ObjectMapper().readTree(directory.resolve("model-card.json").toFile());
        assertThat(card.at("/lineage/requestId").asText()).isEqualTo(request.getEventId());
        assertThat(card.at("/lineage/manifestSha256").asText()).isEqualTo(request.getManifestRef().getSha256());
        assertThat(card.at("/training/parent/sha256").asText()).isEqualTo(request.getLiveModel().getSha256());
        assertThat(card.at("/label").asText()).isEqualTo("NOT FOR CLINICAL USE");
        assertThat(card.at("/metrics/siteA/macroF1").isNumber()).as("site A figures on the reference set: the drift reference once live")
                .isTrue();
        assertThat(card.at("/metrics/siteA/assessability").isObject()).as("with the share the candidate assesses there").isTrue();

        // Shadow: new images get the candidate's prediction on the shadow topic, and after the plan's three the trial ends.
        List<RetrainingFixture.Image> fresh = RetrainingFixture.confirmedImages(store, 1, 900);
        fresh.forEach(image -> writer.send(Topics.IMAGES, image.caseId(), RetrainingFixture.received(image)));
        List<ConsumerRecord<String, PredictionMade>> shadow = reader.read(Topics.SHADOW_PREDICTIONS, PredictionMade.class,
                p -> p.getModel().getVersion().equals(candidate), found -> found.size() >= 3, Duration.ofMinutes(2));
        assertThat(shadow).extracting(r -> r.value().getImageId())
                .containsExactlyInAnyOrderElementsOf(fresh.stream().map(RetrainingFixture.Image::imageId).toList());
        assertThat(RetrainingFixture.stepsUntil(request.getEventId(), c -> c.getStep() == ChangeStep.SHADOW_COMPLETED))
                .anyMatch(c -> c.getStep() == ChangeStep.SHADOW_COMPLETED);

        // Release, as audit-service decides it after both approvals: signed with the trusted key and published.
        writer.send(Topics.MODEL_DECISIONS, ShippedModels.BASIC, decision(ChangeDecisionKind.RELEASE, candidate, request.getEventId()));
        ModelPublished released = published(candidate);
        Path location = Path.of(released.getLocation());
        assertThat(location).isEqualTo(directory.toAbsolutePath().normalize());
        ModelRelease release = ModelRelease.read(location);
        release.verify(location, ShippedModels.BASIC, candidate, List.of(RealInfrastructure.shared().releaseKey().getPublic()));
        assertThat(release.rollback()).isFalse();
        assertThat(released.getApprovedBy()).contains("eve (ml-engineer)").contains("lee (cytopathologist-lead)");

        // One action rolls back to the version before, the same way.
        writer.send(Topics.MODEL_DECISIONS, ShippedModels.BASIC, decision(ChangeDecisionKind.ROLLBACK, WorkerTestResource.LIVE_VERSION, null));
        ModelPublished rolledBack = published(WorkerTestResource.LIVE_VERSION);
        assertThat(rolledBack.getModel().getSha256()).isEqualTo(ModelCard.read(ShippedModels.directory(ShippedModels.BASIC)).sha256());
        assertThat(ModelRelease.read(Path.of(rolledBack.getLocation())).rollback()).isTrue();
        assertThat(RetrainingFixture.stepsUntil(request.getEventId(), c -> c.getStep() == ChangeStep.RELEASED))
                .anyMatch(c -> c.getStep() == ChangeStep.RELEASED);
    }

    private ModelPublished published(String version) {
        List<ConsumerRecord<String, ModelPublished>> found = reader.read(Topics.MODELS, ModelPublished.class,
                p -> p.getModel().getVersion().equals(version) && p.getApprovedBy().contains("eve"), f -> !f.isEmpty(), Duration.ofMinutes(1));
        assertThat(found).as("a publication of %s", version).isNotEmpty();
        return found.get(found.size() - 1).value();
    }

    private static ChangeDecision decision(ChangeDecisionKind kind, String version, String requestId) {
        return ChangeDecision.newBuilder().setEventId(UUID.randomUUID().toString()).setDecidedAt(Instant.now()).setModel(ShippedModels.BASIC)
                .setDecision(kind).setVersion(version).setRequestId(requestId)
                .setApprovals(List.of(
                        Approval.newBuilder().setRole("ml-engineer").setSubject("sub-eve").setUsername("eve").setApprovedAt(Instant.now())
                                .setNote("figures as planned").build(),
                        Approval.newBuilder().setRole("cytopathologist-lead").setSubject("sub-lee").setUsername("lee")
                                .setApprovedAt(Instant.now()).setNote("shadow disagreements reviewed").build()))
                .build();
    }

}
