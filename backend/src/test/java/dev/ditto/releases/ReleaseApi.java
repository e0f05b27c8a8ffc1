package dev.ditto.releases;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The REST API (releases, settings, …) as a test calls it: HTTP Basic as the test admin, JSON in and out. */
public final class ReleaseApi {
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final ObjectMapper json;
    private final String auth;

    public ReleaseApi(int port, ObjectMapper json) {
        this(port, json, "admin", "admin-test-password");
    }

    public ReleaseApi(int port, ObjectMapper json, String user, String password) {
        this.base = "http://127.0.0.1:" + port;
        this.json = json;
        this.auth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A response: status and body. */
    public record Response(int status, String body, JsonNode json) {}

    public Response post(String path, Object body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))));
    }

    public Response patch(String path, Object body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))));
    }

    public Response put(String path, Object body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))));
    }

    public Response delete(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    public Response get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    /** Polls a publication until it is DONE, FAILED or CANCELLED. */
    public JsonNode awaitPublication(long id) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode p = get("/api/publications/" + id).json();
            String state = p.path("state").asString();
            if (state.equals("DONE") || state.equals("FAILED") || state.equals("CANCELLED")) {
                return p;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("publication " + id + " did not finish within 120 s");
    }

    private Response send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request.header("Authorization", auth).build(),
                HttpResponse.BodyHandlers.ofString());
        boolean isJson = r.headers().firstValue("Content-Type").orElse("application/json").contains("json");
        JsonNode node = r.body().isBlank() || !isJson ? json.createObjectNode() : json.readTree(r.body());
        return new Response(r.statusCode(), r.body(), node);
    }
}
