package org.cytotriage.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/** The faults the drills inject (./run-drills): a killed PostgreSQL comes back with its data, a paused broker answers again. */
class ServerFaultsTest {

    @Test
    void aKilledPostgresStartsAgainOnItsPortWithTheRowsItHadCommitted() throws Exception {
        PostgresServer postgres = RealInfrastructure.shared().postgres();
        try (Connection db = connect(postgres); Statement sql = db.createStatement()) {
            sql.execute("create table if not exists fault_check (id int primary key)");
            sql.execute("insert into fault_check values (1) on conflict do nothing");
        }

        postgres.kill();
        assertThatThrownBy(() -> connect(postgres).close()).isInstanceOf(SQLException.class);
        postgres.start();

        try (Connection db = connect(postgres); ResultSet rs = db.createStatement().executeQuery("select count(*) from fault_check")) {
            rs.next();
            assertThat(rs.getInt(1)).as("committed before the kill, kept by crash recovery").isEqualTo(1);
        }
    }

    @Test
    void aPausedBrokerAnswersNothingUntilItIsResumed() throws Exception {
        KafkaBroker kafka = RealInfrastructure.shared().kafka();
        Map<String, Object> config = new java.util.HashMap<>(kafka.adminConfig());
        config.putAll(Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000));
        try (Admin admin = Admin.create(config)) {
            assertThat(admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)).isNotEmpty();
            kafka.pause();
            try {
                assertThat(kafka.isRunning()).as("frozen, not gone").isTrue();
                assertThatThrownBy(() -> admin.listTopics().names().get(5, TimeUnit.SECONDS)).isNotNull();
            } finally {
                kafka.resume();
            }
            assertThat(admin.describeCluster().nodes().get(20, TimeUnit.SECONDS)).isNotEmpty();
        }
    }

    private static Connection connect(PostgresServer postgres) throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl() + "&connectTimeout=2", postgres.username(), postgres.password());
    }
}
