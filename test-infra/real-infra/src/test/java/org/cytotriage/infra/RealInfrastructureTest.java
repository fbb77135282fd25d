package org.cytotriage.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class RealInfrastructureTest {

    @Test
    void startsKafkaRegistryAndPostgresAndBringsKafkaBackAfterAStop() throws Exception {
        RealInfrastructure infra = RealInfrastructure.shared();
        System.out.printf("real infrastructure started in %d ms%n", infra.startupTime().toMillis());

        try (Admin admin = admin(infra)) {
            admin.createTopics(Set.of(new NewTopic("infra.check", 2, (short) 1))).all().get(20, TimeUnit.SECONDS);
            assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).contains("infra.check");
        }
        try (Connection db = DriverManager.getConnection(infra.postgres().jdbcUrl(), infra.postgres().username(), infra.postgres().password());
                ResultSet rs = db.createStatement().executeQuery("select version()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).startsWith("PostgreSQL");
        }

        infra.kafka().stop();
        assertThat(infra.kafka().isRunning()).isFalse();
        infra.kafka().start();
        try (Admin admin = admin(infra)) {
            assertThat(admin.listTopics().names().get(20, TimeUnit.SECONDS)).as("data kept across restart").contains("infra.check");
        }
    }

    private static Admin admin(RealInfrastructure infra) {
        return Admin.create(infra.kafka().adminConfig());
    }
}
