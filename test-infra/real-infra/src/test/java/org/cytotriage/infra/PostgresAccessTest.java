package org.cytotriage.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

/** The test database is reached as production's is: over verified TLS, with a password, or not at all. */
class PostgresAccessTest {

    private final PostgresServer db = RealInfrastructure.shared().postgres();

    @Test
    void aConnectionOfTheServersUrlIsEncryptedAndVerifiesTheServer() throws SQLException {
        assertThat(db.jdbcUrl()).contains("sslmode=verify-full");
        try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                ResultSet ssl = connection.createStatement().executeQuery("select ssl, version from pg_stat_ssl where pid = pg_backend_pid()")) {
            assertThat(ssl.next()).isTrue();
            assertThat(ssl.getBoolean("ssl")).isTrue();
            assertThat(ssl.getString("version")).startsWith("TLSv1.");
        }
    }

    @Test
    void aPlainConnectionAWrongPasswordAndAnUntrustedServerAreEachRefused() {
        String plain = db.jdbcUrl().replace("sslmode=verify-full", "sslmode=disable");
        assertThatThrownBy(() -> DriverManager.getConnection(plain, db.username(), db.password()).close())
                .isInstanceOf(SQLException.class).hasMessageContaining("no encryption");
        assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), db.username(), "not-the-password").close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
        // Trusting only the JDK's public authorities, the client refuses the run's own certificate.
        String otherTrust = db.jdbcUrl().replaceAll("sslrootcert=[^&]*", "sslrootcert=system");
        assertThatThrownBy(() -> DriverManager.getConnection(otherTrust, db.username(), db.password()).close())
                .isInstanceOf(SQLException.class);
    }
}
