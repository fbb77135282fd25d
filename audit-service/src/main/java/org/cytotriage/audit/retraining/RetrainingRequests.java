package org.cytotriage.audit.retraining;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.cytotriage.audit.model.LiveModel;
import org.cytotriage.audit.outbox.Outbox;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ManifestRef;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.events.v1.RetrainingRequested;
import org.cytotriage.events.v1.RetrainingTrigger;

/**
 * Asks for retraining once per live model version and trigger. The request row's unique key
 * decides who asks: a replica or a restart that finds it taken asks nothing. The row, its manifest
 * (by claim check, {@link RetrainingManifests}) and its RetrainingRequested event (key: the model's
 * name) are written in one transaction, the event through the outbox: it is published after the
 * commit, with the event id the row was written with, however long the broker is away.
 */
@ApplicationScoped
public class RetrainingRequests {

    private final RetrainingManifests manifests;
    private final EntityManager entityManager;
    private final Outbox outbox;
    private final Clock clock;

    RetrainingRequests(RetrainingManifests manifests, EntityManager entityManager, Outbox outbox, Clock clock) {
        this.manifests = manifests;
        this.entityManager = entityManager;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** True when this call asked; false when the trigger had already asked for this version. */
    @Transactional
    public boolean request(LiveModel live, RetrainingTrigger trigger, String reason) {
        String eventId = UUID.randomUUID().toString();
        Instant now = Instant.now(clock);
        if (RetrainingRequestRecord.count("modelName = ?1 and modelVersion = ?2 and trigger = ?3", live.name(), live.version(),
                trigger.name()) > 0) {
            return false;
        }
        // Written once, with its manifest: the record is append-only. Two asking at once both build a
        // manifest; the key keeps one request, and the other's file is named by nothing (harmless in a
        // content-addressed store).
        ManifestRef manifest = manifests.store(live);
        int inserted = entityManager.createNativeQuery("""
                insert into retraining_requests (event_id, model_name, model_version, trigger, reason, manifest_size, manifest_key,
                                                 manifest_sha256, requested_at)
                values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) on conflict (model_name, model_version, trigger) do nothing""")
                .setParameter(1, eventId).setParameter(2, live.name()).setParameter(3, live.version())
                .setParameter(4, trigger.name()).setParameter(5, reason).setParameter(6, manifest.getEntries())
                .setParameter(7, manifest.getKey()).setParameter(8, manifest.getSha256()).setParameter(9, now)
                .executeUpdate();
        if (inserted == 0) {
            return false;
        }
        outbox.enqueue(new Outbox.Aggregate("retraining-request", eventId), Topics.RETRAINING, live.name(),
                RetrainingRequested.newBuilder()
                        .setEventId(eventId)
                        .setRequestedAt(now)
                        .setTrigger(trigger)
                        .setReason(reason)
                        .setLiveModel(ModelRef.newBuilder().setName(live.name()).setVersion(live.version()).setSha256(live.sha256()).build())
                        // Left empty for 1.0 readers: the manifest is in the file manifestRef names.
                        .setManifest(List.of())
                        .setManifestRef(manifest)
                        .build());
        return true;
    }
}
