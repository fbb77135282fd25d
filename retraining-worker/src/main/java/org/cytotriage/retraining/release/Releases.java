package org.cytotriage.retraining.release;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.core.release.ModelRelease;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ChangeDecision;
import org.cytotriage.events.v1.ChangeDecisionKind;
import org.cytotriage.events.v1.ModelPublished;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.retraining.job.RetrainingConfig;
import org.cytotriage.retraining.models.KnownModels;
import org.cytotriage.retraining.stream.ChangeLog;
import org.cytotriage.retraining.stream.ChangeMapper;
import org.cytotriage.support.failure.IncomingRecords;
import org.cytotriage.support.failure.UnprocessableRecordException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Carries out what the accountable people decided (fnab.model-decisions, which only audit-service
 * writes, after an ml-engineer and a cytopathologist lead approved): a release signs the candidate's
 * directory as it is with the release key and publishes it on fnab.models; a rollback signs the
 * version before again, as a rollback, and publishes it. Either way every service verifies the
 * publication as it verifies any release (support.models.PublicationVerifier) and hot swaps. A
 * decision this worker cannot carry out becomes a dead letter with the reason.
 */
@ApplicationScoped
public class Releases {

    private final RetrainingConfig config;
    private final KnownModels models;
    private final ChangeLog log;
    private final MutinyEmitter<ModelPublished> publications;

    Releases(RetrainingConfig config, KnownModels models, ChangeLog log,
            @Channel(ReleaseChannel.NAME) MutinyEmitter<ModelPublished> publications) {
        this.config = config;
        this.models = models;
        this.log = log;
        this.publications = publications;
    }

    @Incoming(Topics.MODEL_DECISIONS)
    @Blocking
    public void onDecision(ConsumerRecord<String, ChangeDecision> record) {
        ChangeDecision decision = IncomingRecords.payload(record, ChangeDecision.class);
        KeyPair key = config.releaseKey().map(ModelRelease::readKey).orElseThrow(() -> new UnprocessableRecordException(
                "this worker holds no release key (cytotriage.retraining.release-key): " + decision.getDecision() + " of "
                        + decision.getModel() + " " + decision.getVersion() + " not carried out"));
        boolean rollback = decision.getDecision() == ChangeDecisionKind.ROLLBACK;
        Path directory = rollback
                ? models.find(decision.getModel(), decision.getVersion()).map(KnownModels.Known::directory).orElseThrow(
                        () -> new UnprocessableRecordException("no directory known for " + decision.getModel() + " " + decision.getVersion()
                                + " to roll back to"))
                : config.candidates().resolve(decision.getModel()).resolve(decision.getVersion());
        if (!Files.isRegularFile(directory.resolve("model-card.json"))) {
            throw new UnprocessableRecordException("no model directory at " + directory + " for " + decision.getModel() + " "
                    + decision.getVersion());
        }
        ModelCard card = ModelCard.read(directory);
        ModelRelease.sign(directory, card.name(), card.version(), rollback, key).write(directory);
        String approvedBy = approvers(decision);
        publications.sendMessageAndAwait(Message.of(ModelPublished.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setPublishedAt(Instant.now())
                .setModel(ModelRef.newBuilder().setName(card.name()).setVersion(card.version()).setSha256(card.sha256()).build())
                .setVariant(card.variant() == null ? "BASIC" : card.variant())
                .setLocation(directory.toAbsolutePath().normalize().toString())
                .setApprovedBy(approvedBy.length() > 100 ? approvedBy.substring(0, 97) + "..." : approvedBy)
                .build()).addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(card.name()).build()));
        ChangeMapper.Model released = new ChangeMapper.Model(card.name(), card.version(), card.sha256());
        String requestId = Optional.ofNullable(decision.getRequestId()).orElse(decision.getEventId());
        log.record(ChangeMapper.withCandidate(requestId, released, released, rollback ? "ROLLED_BACK" : "RELEASED",
                (rollback ? "rolled back to " : "released ") + card.version() + " on fnab.models, signed with release key "
                        + ModelRelease.keyId(key.getPublic()) + ", as decided by " + approvedBy + " (decision " + decision.getEventId() + ")",
                Instant.now()));
    }

    private static String approvers(ChangeDecision decision) {
        return decision.getApprovals().stream().map(a -> a.getUsername() + " (" + a.getRole() + ")").reduce((a, b) -> a + ", " + b)
                .orElse("nobody");
    }
}
