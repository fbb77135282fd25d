package org.cytotriage.audit.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.cytotriage.infra.RealInfraTestResource;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What the real PostgreSQL answers when it ends a session mid-statement (what a killed or
 * restarted server does to the statements in flight) is counted as the database being away, and a
 * recording hit by it is run again; a statement the database refuses is not.
 */
@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = {@ResourceArg(name = "database", value = "true"),
        @ResourceArg(name = "identity", value = "true")})
class DatabaseAwayTest {

    @Inject
    RecordingTransaction recording;
    @Inject
    EntityManager entityManager;
    @Inject
    AgroalDataSource dataSource;

    @Test
    void aRecordingWhoseSessionTheServerEndsMidStatementIsRunAgainUntilItCompletes() {
        AtomicInteger attempts = new AtomicInteger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        recording.run(() -> {
            if (attempts.incrementAndGet() > 1) {
                entityManager.createNativeQuery("select 1").getSingleResult();
                return;
            }
            int backend = ((Number) entityManager.createNativeQuery("select pg_backend_pid()").getSingleResult()).intValue();
            CompletableFuture<Void> terminated = CompletableFuture.runAsync(() -> terminateWhileSleeping(backend));
            try {
                entityManager.createNativeQuery("select pg_sleep(60)").getSingleResult();
            } catch (RuntimeException ended) {
                failures.add(ended);
                throw ended;
            } finally {
                terminated.join();
            }
        });

        assertThat(attempts).hasValue(2);
        assertThat(failures).hasSize(1);
        assertThat(sqlStates(failures.get(0))).contains("57P01");
        assertThat(new DatabaseAway().test(failures.get(0))).isTrue();
    }

    @Test
    void aStatementTheDatabaseRefusesIsNotRunAgain() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> recording.run(() -> {
            attempts.incrementAndGet();
            entityManager.createNativeQuery("select no_such_column from cases").getResultList();
        })).satisfies(refused -> {
            assertThat(sqlStates(refused)).contains("42703");
            assertThat(new DatabaseAway().test(refused)).isFalse();
        });
        assertThat(attempts).hasValue(1);
    }

    /** From a session of its own, once the backend is inside its sleep: what an operator's pg_terminate_backend does. */
    private void terminateWhileSleeping(int backend) {
        try (Connection admin = dataSource.getConnection()) {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> sleeping(admin, backend));
            try (PreparedStatement terminate = admin.prepareStatement("select pg_terminate_backend(?)")) {
                terminate.setInt(1, backend);
                try (ResultSet done = terminate.executeQuery()) {
                    assertThat(done.next() && done.getBoolean(1)).isTrue();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean sleeping(Connection admin, int backend) throws SQLException {
        try (PreparedStatement activity = admin.prepareStatement(
                "select count(*) from pg_stat_activity where pid = ? and state = 'active' and query like '%pg_sleep%'")) {
            activity.setInt(1, backend);
            try (ResultSet rows = activity.executeQuery()) {
                return rows.next() && rows.getInt(1) == 1;
            }
        }
    }

    private static List<String> sqlStates(Throwable failure) {
        List<String> states = new java.util.ArrayList<>();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                states.add(sql.getSQLState());
            }
        }
        return states;
    }
}
