package org.cytotriage.retraining;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ChangeStep;
import org.cytotriage.events.v1.GateCriterion;
import org.cytotriage.events.v1.ModelChange;
import org.cytotriage.events.v1.RetrainingRequested;
import org.cytotriage.infra.ModelReleases;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicWriter;
import org.cytotriage.model.reference.ShippedModels;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A retraining on confirmed cases whose labels are wrong (every group given another group's
 * category) at the plan's largest learning rate: the candidate learns the wrong labels, the gate
 * judges it on the locked reference set's true ones, refuses it and says why, and it stays a
 * candidate: no shadow, no release.
 */
@QuarkusTest
@WithTestResource(RealInfraTestResource.class)
@WithTestResource(value = WorkerTestResource.class, initArgs = {@ResourceArg(name = "learning-rate", value = "0.001"),
        @ResourceArg(name = "epochs", value = "3")})
class RefusedCandidateTest {

    @Inject
    ImageStore store;

    @Test
    void aCandidateTrainedOnShuffledLabelsIsRefusedWithTheCriteriaItFailsAndGoesNoFurther() throws Exception {
        List<RetrainingFixture.Image> images = RetrainingFixture.confirmedImages(store, 8, 700);
        RetrainingRequested request = RetrainingFixture.request(RetrainingFixture.manifest(store, images, RefusedCandidateTest::shuffled));

        new TopicWriter(RealInfrastructure.shared()).send(Topics.RETRAINING, request.getLiveModel().getName(), request);

        List<ModelChange> steps = RetrainingFixture.stepsUntil(request.getEventId(), c -> c.getStep() == ChangeStep.GATE_FAILED
                || c.getStep() == ChangeStep.GATE_PASSED || c.getStep() == ChangeStep.JOB_FAILED);
        ModelChange verdict = steps.get(steps.size() - 1);
        assertThat(verdict.getStep()).as(verdict.getDetail()).isEqualTo(ChangeStep.GATE_FAILED);
        assertThat(verdict.getGate().getPassed()).isFalse();
        GateCriterion reference = verdict.getGate().getCriteria().stream()
                .filter(c -> c.getName().equals("macro-F1 not inferior on the locked reference set")).findFirst().orElseThrow();
        assertThat(reference.getPassed()).isFalse();
        assertThat(reference.getEstimate()).as("candidate minus live macro-F1 on the true labels").isLessThan(-0.1);
        assertThat(verdict.getDetail()).contains("stays a candidate").contains("macro-F1 not inferior on the locked reference set");
        assertThat(Files.isRegularFile(ModelReleases.root().resolve("candidates").resolve(ShippedModels.BASIC)
                .resolve(verdict.getCandidate().getVersion()).resolve("model-card.json"))).as("kept as a candidate").isTrue();
        assertThat(steps).noneMatch(c -> c.getStep() == ChangeStep.SHADOW_STARTED);
        // Counted as refused, not failed: the alert on failed jobs stays quiet when the gate does its work.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(given().get("/q/metrics").then().statusCode(200).extract()
                .asString().lines().filter(line -> line.startsWith("cytotriage_retraining_jobs_total{")))
                .anySatisfy(line -> assertThat(line).contains("outcome=\"refused\"").endsWith(" 1.0"))
                .noneSatisfy(line -> assertThat(line).contains("outcome=\"failed\"")));
    }

    /** Every benign case called malignant, every malignant one atypical, every indeterminate one benign. */
    private static BethesdaCategory shuffled(BethesdaCategory truth) {
        return switch (truth.group()) {
            case BENIGN -> BethesdaCategory.VI;
            case MALIGNANT -> BethesdaCategory.III;
            case INDETERMINATE -> BethesdaCategory.II;
        };
    }
}
