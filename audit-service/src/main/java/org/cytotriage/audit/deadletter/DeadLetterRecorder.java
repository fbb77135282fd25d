package org.cytotriage.audit.deadletter;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.audit.database.RecordingTransaction;
import org.cytotriage.events.v1.DeadLetter;
import org.cytotriage.support.failure.IncomingRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.common.annotation.Blocking;

/**
 * Records every dead letter of every service. Idempotent on the letter's event id, and on the
 * source record (a service, topic, partition and offset already on record adds nothing). A dead
 * letter this service cannot record is logged and skipped by the failure policy, never answered
 * with another dead letter.
 */
@ApplicationScoped
public class DeadLetterRecorder {

    /** fnab.deadletter, under a name of its own: audit also publishes dead letters on that topic. */
    static final String INCOMING = "deadletters-in";

    private final RecordingTransaction transaction;

    DeadLetterRecorder(RecordingTransaction transaction) {
        this.transaction = transaction;
    }

    @Incoming(INCOMING)
    @Blocking
    public void onDeadLetter(ConsumerRecord<String, DeadLetter> record) {
        DeadLetter letter = IncomingRecords.payload(record, DeadLetter.class);
        transaction.run(() -> DeadLetterMapper.insert(letter));
    }
}
