package org.cytotriage.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/**
 * The containers profile's servers: from the production images where a container engine answers,
 * and where none does (these machines), a refusal that says why and what to run instead.
 */
class ContainerServersTest {

    @Test
    void startsTheServersFromTheirImagesOrSaysWhyNot() throws Exception {
        if (!ContainerServers.engineAvailable()) {
            assertThatThrownBy(ContainerServers::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no container engine answers")
                    .hasMessageContaining("Build without -Pcontainers");
            return;
        }
        Servers servers = ContainerServers.start();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers.kafka().bootstrapServers()));
                Connection db = DriverManager.getConnection(servers.postgres().jdbcUrl(), servers.postgres().username(),
                        servers.postgres().password());
                ResultSet version = db.createStatement().executeQuery("show server_version")) {
            assertThat(admin.describeCluster().nodes().get(60, TimeUnit.SECONDS)).hasSize(1);
            assertThat(version.next()).isTrue();
            assertThat(version.getString(1)).startsWith("16");
        } finally {
            servers.shutdown().run();
        }
    }
}
