package org.cytotriage.audit.retraining;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.cytotriage.audit.casefile.ImageRecord;
import org.cytotriage.audit.metrics.ConfirmedCase;
import org.cytotriage.audit.metrics.ConfirmedCases;
import org.cytotriage.audit.model.LiveModel;
import org.cytotriage.audit.model.ModelCardRecord;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.BethesdaCategory;
import org.cytotriage.events.v1.ConfirmedCase.Builder;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.events.v1.RetrainingRequested;
import org.cytotriage.events.v1.RetrainingTrigger;
import org.cytotriage.events.v1.TreatmentGroup;
import org.eclipse.microprofile.reactive.messaging.Channel;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;

/**
 * Asks for retraining once per live model version and trigger. The request row's unique key
 * decides who asks: a replica or a restart that finds it taken asks nothing. The event is
 * acknowledged by the broker before the row commits, so a failed publication is asked again at
 * the next check.
 */
@ApplicationScoped
public class RetrainingRequests {

    private final ConfirmedCases confirmed;
    private final EntityManager entityManager;
    private final MutinyEmitter<Record<String, RetrainingRequested>> events;
    private final Clock clock;

    RetrainingRequests(ConfirmedCases confirmed, EntityManager entityManager,
            @Channel(Topics.RETRAINING) MutinyEmitter<Record<String, RetrainingRequested>> events, Clock clock) {
        this.confirmed = confirmed;
        this.entityManager = entityManager;
        this.events = events;
        this.clock = clock;
    }

    /** True when this call asked; false when the trigger had already asked for this version. */
    @Transactional
    public boolean request(LiveModel live, RetrainingTrigger trigger, String reason) {
        String eventId = UUID.randomUUID().toString();
        Instant now = Instant.now(clock);
        int inserted = entityManager.createNativeQuery("""
                insert into retraining_requests (event_id, model_name, model_version, trigger, reason, manifest_size, requested_at)
                values (?1, ?2, ?3, ?4, ?5, 0, ?6) on conflict (model_name, model_version, trigger) do nothing""")
                .setParameter(1, eventId).setParameter(2, live.name()).setParameter(3, live.version())
                .setParameter(4, trigger.name()).setParameter(5, reason).setParameter(6, now)
                .executeUpdate();
        if (inserted == 0) {
            return false;
        }
        List<org.cytotriage.events.v1.ConfirmedCase> manifest = manifest(live);
        entityManager.createNativeQuery("update retraining_requests set manifest_size = ?1 where event_id = ?2")
                .setParameter(1, manifest.size()).setParameter(2, eventId).executeUpdate();
        events.sendAndAwait(Record.of(live.name(), RetrainingRequested.newBuilder()
                .setEventId(eventId)
                .setRequestedAt(now)
                .setTrigger(trigger)
                .setReason(reason)
                .setLiveModel(ModelRef.newBuilder().setName(live.name()).setVersion(live.version()).setSha256(live.sha256()).build())
                .setManifest(manifest)
                .build()));
        return true;
    }

    /** Every image of the cases confirmed since the live model was trained (all confirmed cases when that is unknown). */
    private List<org.cytotriage.events.v1.ConfirmedCase> manifest(LiveModel live) {
        ModelCardRecord card = ModelCardRecord.of(live.name(), live.version());
        List<org.cytotriage.events.v1.ConfirmedCase> manifest = new ArrayList<>();
        for (ConfirmedCase c : confirmed.diagnosedSince(card == null ? null : card.trainedAt)) {
            for (ImageRecord image : ImageRecord.<ImageRecord>list("caseId = ?1 order by imageId", c.caseId())) {
                Builder entry = org.cytotriage.events.v1.ConfirmedCase.newBuilder()
                        .setImageId(image.imageId)
                        .setImageKey(image.storeKey)
                        .setBethesdaCategory(BethesdaCategory.valueOf(c.diagnosis().name()))
                        .setGroup(TreatmentGroup.valueOf(c.diagnosis().group().name()))
                        .setHospitalId(c.hospitalId());
                manifest.add(entry.build());
            }
        }
        return manifest;
    }
}
