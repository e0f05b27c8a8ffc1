package dev.ditto.db.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.db.testing.SharedInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class EmbeddedElasticsearchIT {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theEmbeddedNodeIndexesAndSearchesDocuments() throws Exception {
        String url = SharedInfrastructure.elasticsearch().url();
        String index = SharedInfrastructure.newIndexPrefix() + "smoke";

        assertThat(send("PUT", url + "/" + index, "{\"mappings\":{\"properties\":{\"text\":{\"type\":\"text\"}}}}").statusCode())
                .isEqualTo(200);
        send("POST", url + "/" + index + "/_doc?refresh=true", "{\"text\":\"a person walking in the snow\"}");
        send("POST", url + "/" + index + "/_doc?refresh=true", "{\"text\":\"a cup on a table\"}");

        HttpResponse<String> hits = send("POST", url + "/" + index + "/_search",
                "{\"query\":{\"match\":{\"text\":\"snow\"}}}");
        assertThat(hits.body()).contains("\"value\":1").contains("walking in the snow");
    }

    @Test
    void attachingAgainReusesTheRunningNode() throws Exception {
        var first = SharedInfrastructure.elasticsearch();
        var again = EmbeddedElasticsearch.start(SharedInfrastructure.root(), EmbeddedElasticsearch.defaultDistribution(),
                first.httpPort(), 768);
        again.close(); // did not start it, so this must not stop it
        assertThat(send("GET", first.url() + "/_cluster/health", null).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> send(String method, String url, String body) throws Exception {
        var builder = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json");
        builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }
}
