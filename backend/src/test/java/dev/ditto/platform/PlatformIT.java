package dev.ditto.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.testing.DittoIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

@DittoIntegrationTest
class PlatformIT {
    @Autowired JdbcClient jdbc;
    @LocalServerPort int port;

    @Test
    void startupMigratesTheConfiguredSchema() {
        Integer tables = jdbc.sql("select count(*) from information_schema.tables where table_schema = current_schema()"
                + " and table_name in ('sources','jobs','samples','releases','outbox','audit_log')").query(Integer.class).single();
        assertThat(tables).isEqualTo(6);
    }

    @Test
    void healthReportsPostgresqlAndElasticsearchUp() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var response = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"postgresql\":{\"status\":\"UP\"").contains("\"elasticsearch\":{\"status\":\"UP\"");
    }
}
