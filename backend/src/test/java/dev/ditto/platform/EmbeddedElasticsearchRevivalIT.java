package dev.ditto.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.db.embedded.ServerFolder;
import dev.ditto.db.testing.SharedInfrastructure;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The embedded Elasticsearch killed (as the kernel does when memory runs out) is started again on the same data:
 * what was indexed before is still there, and nothing is started once the server is closing.
 */
class EmbeddedElasticsearchRevivalIT {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void aKilledNodeIsStartedAgainWithItsDocuments() throws Exception {
        Path root = SharedInfrastructure.root().resolveSibling("es-revival");
        EmbeddedInfrastructure infrastructure = new EmbeddedInfrastructure(onlyElasticsearch(root, freePortPair()));
        try {
            assertThat(infrastructure.elasticsearchUp()).as("the node starts only when the server asks").isNotDone();
            infrastructure.startElasticsearch();
            assertThat(infrastructure.elasticsearchUp()).as("the node starts beside the server, which does not wait for it")
                    .isNotDone();
            assertThat(infrastructure.elasticsearchStarting()).isTrue();
            infrastructure.elasticsearchUp().get(200, TimeUnit.SECONDS);
            String url = infrastructure.elasticsearch().url();
            assertThat(send("PUT", url + "/revival/_doc/1?refresh=true", "{\"instruction\":\"Add falling snow\"}").statusCode())
                    .isEqualTo(201);
            assertThat(infrastructure.reviveElasticsearch()).as("a running node is left alone").isFalse();

            long pid = Long.parseLong(Files.readString(ServerFolder.existing(root).resolve("elasticsearch/es.pid")).strip());
            ProcessHandle node = ProcessHandle.of(pid).orElseThrow();
            node.destroyForcibly();
            node.onExit().get(60, TimeUnit.SECONDS);

            assertThat(infrastructure.reviveElasticsearch()).as("a node that exited is started again").isTrue();
            HttpResponse<String> doc = send("GET", url + "/revival/_doc/1", null);
            assertThat(doc.statusCode()).isEqualTo(200);
            assertThat(doc.body()).contains("Add falling snow");
        } finally {
            infrastructure.destroy();
        }
        assertThat(infrastructure.elasticsearch().running()).isFalse();
        assertThat(infrastructure.reviveElasticsearch()).as("nothing is started once the server closes").isFalse();
    }

    @Test
    void aServerStoppedWhileItsNodeStartsLeavesNoNodeBehind() throws Exception {
        Path root = SharedInfrastructure.root().resolveSibling("es-stopped-early");
        int port = freePortPair();
        EmbeddedInfrastructure infrastructure = new EmbeddedInfrastructure(onlyElasticsearch(root, port));
        infrastructure.startElasticsearch();
        assertThat(infrastructure.elasticsearchStarting()).isTrue();
        infrastructure.destroy();

        assertThat(infrastructure.elasticsearchStarting()).isFalse();
        assertThat(infrastructure.elasticsearch().running()).as("no node left running").isFalse();
        assertThat(free(port)).as("nothing listens on the node's port").isTrue();
    }

    /** Settings that embed only Elasticsearch, on a fresh state folder under {@code root}. */
    private static DittoProperties onlyElasticsearch(Path root, int port) throws java.io.IOException {
        deleteTree(ServerFolder.existing(root).resolve("elasticsearch"));
        return new Binder(new MapConfigurationPropertySource(Map.of(
                "ditto.data-dir", root.toString(),
                "ditto.db.url", "jdbc:postgresql://127.0.0.1:1/unused", // only Elasticsearch is embedded here
                "ditto.search.embedded-port", String.valueOf(port),
                "ditto.search.embedded-heap-mb", "512"))).bind("ditto", DittoProperties.class).get();
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** An HTTP port whose transport port (+100) is free too. */
    private static int freePortPair() throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (ServerSocket probe = new ServerSocket(0)) {
                port = probe.getLocalPort();
            }
            if (port + 100 < 65536 && free(port + 100)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port pair");
    }

    private static boolean free(int port) {
        try (ServerSocket probe = new ServerSocket(port)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private HttpResponse<String> send(String method, String url, String body) throws Exception {
        var builder = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json").timeout(Duration.ofSeconds(30));
        builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }
}
