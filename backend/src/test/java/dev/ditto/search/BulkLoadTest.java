package dev.ditto.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.Jackson3JsonpMapper;
import co.elastic.clients.transport.rest5_client.Rest5ClientTransport;
import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import com.sun.net.httpserver.HttpServer;
import dev.ditto.platform.PlatformConfiguration;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The refresh that ends a bulk load (a reindex) may take longer than {@code ditto.search.request-timeout}, a bound
 * meant for searches: against a node that answers the first refresh late, the load still completes.
 */
class BulkLoadTest {
    private static final String REFRESHED = "{\"_shards\":{\"total\":2,\"successful\":2,\"failed\":0}}";
    private final AtomicInteger asked = new AtomicInteger();
    private HttpServer node;
    private Rest5Client rest;
    private ElasticsearchClient client;

    @BeforeEach
    void aNodeWhoseFirstRefreshOutlastsTheRequestTimeout() throws IOException {
        node = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        node.createContext("/", exchange -> {
            if (asked.incrementAndGet() == 1) {
                sleep(1_500);
            }
            byte[] body = REFRESHED.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
            try {
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } catch (IOException clientGaveUp) {
                // the first answer comes after the client stopped waiting
            }
            exchange.close();
        });
        node.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        node.start();
        rest = PlatformConfiguration.restClient("http://127.0.0.1:" + node.getAddress().getPort(), null, Duration.ofMillis(300));
        client = new ElasticsearchClient(new Rest5ClientTransport(rest, new Jackson3JsonpMapper()));
    }

    @AfterEach
    void stop() throws IOException {
        rest.close();
        node.stop(0);
    }

    @Test
    void aRefreshSlowerThanTheRequestTimeoutIsAskedAgainUntilItAnswers() throws IOException {
        BulkLoad.refresh(client, "ditto-samples-v2", Duration.ofSeconds(30));

        assertThat(asked).hasValue(2);
    }

    @Test
    void aPlainRequestGivesUpAtTheRequestTimeout() {
        assertThatThrownBy(() -> client.indices().refresh(r -> r.index("ditto-samples-v2")))
                .isInstanceOf(IOException.class);
    }

    @Test
    void patienceRunsOutWithTheTimeoutsError() {
        assertThatThrownBy(() -> BulkLoad.refresh(client, "ditto-samples-v2", Duration.ofMillis(100)))
                .isInstanceOf(IOException.class).hasStackTraceContaining("SocketTimeoutException");
        assertThat(asked).hasValue(1);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
