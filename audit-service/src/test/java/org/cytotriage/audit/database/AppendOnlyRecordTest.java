package org.cytotriage.audit.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.cytotriage.infra.PostgresServer;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The audit record cannot be changed: the service's own database connection may insert and read
 * it, not update or delete it (the database refuses, 42501), the owner's is stopped by the trigger,
 * and the one way to amend it is amend_record, which logs the reason first. Every table of the
 * record says when it took each row, by the database's clock.
 */
@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = {@ResourceArg(name = "database", value = "true"),
        @ResourceArg(name = "identity", value = "true")})
class AppendOnlyRecordTest {

    private static final List<String> RECORD = List.of("cases", "images", "predictions", "explanations", "diagnoses", "dead_letters",
            "redrives", "disagreements", "disagreement_reviews", "audit_samples", "audit_sample_cases", "model_cards",
            "retraining_requests", "model_publications", "model_changes", "shadow_predictions", "change_approvals", "change_decisions");

    /** The service's pool: it connects as the service's role, as it does in production. */
    @Inject
    AgroalDataSource service;

    @Test
    void theServicesConnectionMayAppendAndReadTheRecordButNotUpdateOrDeleteIt() throws SQLException {
        String caseId = "case-append-" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection connection = service.getConnection(); Statement statement = connection.createStatement()) {
            assertThat(connection.getMetaData().getUserName()).isEqualTo(RealInfrastructure.shared().serviceDatabaseRole());
            statement.execute("insert into cases (hospital_id, case_id) values ('hospital-append', '" + caseId + "')");
            try (ResultSet found = statement.executeQuery("select count(*) from cases where case_id = '" + caseId + "'")) {
                found.next();
                assertThat(found.getInt(1)).isEqualTo(1);
            }
            for (String change : List.of("update cases set first_seen_at = now() where case_id = '" + caseId + "'",
                    "delete from cases where case_id = '" + caseId + "'", "update diagnoses set comment = 'changed'",
                    "delete from disagreement_reviews", "truncate images cascade")) {
                assertThatThrownBy(() -> statement.execute(change)).as(change).isInstanceOfSatisfying(SQLException.class,
                        refused -> assertThat(refused.getSQLState()).as("permission denied").isEqualTo("42501"));
            }
            assertThatThrownBy(() -> statement.execute("call amend_record('the service may not amend', 'delete from cases')"))
                    .isInstanceOfSatisfying(SQLException.class, refused -> assertThat(refused.getSQLState()).isEqualTo("42501"));
            // The outbox is a transport table, not the record: the service works it.
            statement.executeUpdate("update outbox set attempts = attempts where false");
        }
    }

    @Test
    void theOwnerIsStoppedByTheTriggerAndAmendsOnlyThroughTheLoggedProcedure() throws SQLException {
        String caseId = "case-amend-" + UUID.randomUUID().toString().substring(0, 8);
        PostgresServer db = RealInfrastructure.shared().postgres();
        try (Connection owner = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                Statement statement = owner.createStatement()) {
            statement.execute("insert into cases (hospital_id, case_id) values ('hospital-amend', '" + caseId + "')");
            assertThatThrownBy(() -> statement.execute("delete from cases where case_id = '" + caseId + "'"))
                    .isInstanceOfSatisfying(SQLException.class, refused -> assertThat(refused.getMessage())
                            .contains("append-only").contains("DELETE on cases"));
            assertThatThrownBy(() -> statement.execute("update cases set first_seen_at = now() where case_id = '" + caseId + "'"))
                    .isInstanceOfSatisfying(SQLException.class, refused -> assertThat(refused.getMessage()).contains("UPDATE on cases"));
            try (CallableStatement amend = owner.prepareCall("call amend_record(?, ?)")) {
                amend.setString(1, "no");
                amend.setString(2, "delete from cases where case_id = '" + caseId + "'");
                assertThatThrownBy(amend::execute).as("an amendment without its reason").isInstanceOf(SQLException.class)
                        .hasMessageContaining("states its reason");
                amend.setString(1, "entered for the wrong hospital: ticket 4711");
                amend.execute();
            }
            try (PreparedStatement gone = owner.prepareStatement("select count(*) from cases where case_id = ?")) {
                gone.setString(1, caseId);
                try (ResultSet rows = gone.executeQuery()) {
                    rows.next();
                    assertThat(rows.getInt(1)).as("amended away").isZero();
                }
            }
            try (PreparedStatement logged = owner.prepareStatement("select reason, amended_by from amendments where statement like ?")) {
                logged.setString(1, "%" + caseId + "%");
                try (ResultSet rows = logged.executeQuery()) {
                    assertThat(rows.next()).as("the amendment is logged").isTrue();
                    assertThat(rows.getString(1)).isEqualTo("entered for the wrong hospital: ticket 4711");
                    assertThat(rows.getString(2)).isEqualTo(db.username());
                    assertThat(rows.next()).as("once").isFalse();
                }
            }
            // And the log itself is as append-only as the record.
            assertThatThrownBy(() -> statement.execute("delete from amendments")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("append-only");
        }
    }

    @Test
    void everyTableOfTheRecordSaysWhenItTookEachRowByTheDatabasesClock() throws SQLException {
        PostgresServer db = RealInfrastructure.shared().postgres();
        try (Connection owner = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                PreparedStatement column = owner.prepareStatement("""
                        select is_nullable, column_default from information_schema.columns
                        where table_schema = current_schema() and table_name = ? and column_name = 'recorded_at'""")) {
            for (String table : RECORD) {
                column.setString(1, table);
                try (ResultSet found = column.executeQuery()) {
                    assertThat(found.next()).as("%s.recorded_at", table).isTrue();
                    assertThat(found.getString(1)).as("%s.recorded_at is never null", table).isEqualTo("NO");
                    assertThat(found.getString(2)).as("%s.recorded_at defaults to the database's clock", table).isEqualTo("now()");
                }
            }
        }
    }
}
