package org.cytotriage.drills;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.cytotriage.infra.PostgresServer;

/**
 * Reads audit-service's own record of the drill's cases from its PostgreSQL database: the images,
 * predictions and explanations tables, every row (the unique keys should allow one per image and
 * model; the drill counts, it does not assume). Empty while the database cannot be reached.
 */
final class AuditDatabase {

    private final PostgresServer postgres;

    AuditDatabase(PostgresServer postgres) {
        this.postgres = postgres;
    }

    Optional<AuditSnapshot> read(String casePrefix) {
        String url = postgres.jdbcUrl() + "&connectTimeout=2&socketTimeout=20&loginTimeout=3";
        try (Connection db = DriverManager.getConnection(url, postgres.username(), postgres.password())) {
            return Optional.of(new AuditSnapshot(
                    rows(db, "select image_id, null, recorded_at from images where case_id like ?", casePrefix),
                    rows(db, "select image_id, model_name || ' ' || model_version, recorded_at from predictions where case_id like ?",
                            casePrefix),
                    // An image the model did not assess is done with its prediction: no heatmap is drawn for it.
                    rows(db, """
                            select image_id, model, recorded_at from (
                                select image_id, model_name || ' ' || model_version as model, recorded_at, case_id from explanations
                                union all
                                select image_id, model_name || ' ' || model_version, recorded_at, case_id from predictions where assessable = false
                            ) done where case_id like ?""", casePrefix)));
        } catch (SQLException unreachable) {
            return Optional.empty();
        }
    }

    private static List<AuditSnapshot.Row> rows(Connection db, String sql, String casePrefix) throws SQLException {
        List<AuditSnapshot.Row> rows = new ArrayList<>();
        try (PreparedStatement query = db.prepareStatement(sql)) {
            query.setString(1, casePrefix.replace("_", "\\_").replace("%", "\\%") + "%");
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    rows.add(new AuditSnapshot.Row(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant()));
                }
            }
        }
        return rows;
    }
}
