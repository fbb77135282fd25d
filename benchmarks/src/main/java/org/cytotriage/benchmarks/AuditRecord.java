package org.cytotriage.benchmarks;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.cytotriage.infra.PostgresServer;

/**
 * When each posted image was wholly on audit-service's record, read from audit's own tables: the
 * image, its prediction and its explanation (none for an image the model did not assess). The time
 * is the latest of the three rows' {@code recorded_at}: the start of the transaction that wrote
 * each, one per event, as the recorder writes them.
 */
final class AuditRecord implements AutoCloseable {

    /**
     * How often the record is asked for the images still missing from it: often for the last few (a
     * low load waits on each image), seldom for many (the times come from the rows, so a slower poll
     * changes no figure, only what the poll itself costs the machine during a saturation load).
     */
    private static Duration poll(int missing) {
        return missing <= 4 ? Duration.ofMillis(20) : Duration.ofMillis(500);
    }

    private static final String RECORDED = """
            select i.case_id, greatest(i.recorded_at, p.recorded_at, coalesce(e.recorded_at, p.recorded_at))
            from images i
            join predictions p on p.hospital_id = i.hospital_id and p.case_id = i.case_id and p.image_id = i.image_id
            left join explanations e on e.hospital_id = p.hospital_id and e.case_id = p.case_id and e.prediction_event_id = p.event_id
            where i.hospital_id = ? and i.case_id = any (?) and (e.id is not null or p.assessable is false)""";

    private final Connection db;

    AuditRecord(PostgresServer postgres) throws SQLException {
        db = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), postgres.password());
    }

    /** When each image (by its case, one image per case) was on record; waits for all of them at most {@code timeout}. */
    Map<String, Instant> awaitRecorded(Collection<EndToEnd.Sent> sent, Duration timeout) throws SQLException, InterruptedException {
        Set<String> missing = new HashSet<>();
        sent.forEach(image -> missing.add(image.caseId()));
        Map<String, Instant> recorded = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (PreparedStatement query = db.prepareStatement(RECORDED)) {
            while (!missing.isEmpty()) {
                Array cases = db.createArrayOf("varchar", missing.toArray());
                query.setString(1, EndToEnd.HOSPITAL);
                query.setArray(2, cases);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        recorded.put(rows.getString(1), rows.getTimestamp(2).toInstant());
                        missing.remove(rows.getString(1));
                    }
                }
                cases.free();
                if (missing.isEmpty()) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(missing.size() + " of " + sent.size() + " images not on audit's record after " + timeout);
                }
                Thread.sleep(poll(missing.size()).toMillis());
            }
        }
        return recorded;
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }
}
