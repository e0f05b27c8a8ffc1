package dev.ditto.runners;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;

/** A bare java.net.http client for the runner protocol and the admin API, as an outside runner would speak it. */
final class RunnerHttp {
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final ObjectMapper json;

    RunnerHttp(int port, ObjectMapper json) {
        this.base = "http://127.0.0.1:" + port;
        this.json = json;
    }

    HttpResponse<String> post(String path, @Nullable String token, Object body) throws IOException, InterruptedException {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build());
    }

    HttpResponse<String> put(String path, @Nullable String token, byte[] body, @Nullable String sha256)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = request(path, token).header("Content-Type", "video/mp4")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        if (sha256 != null) {
            b.header("X-Content-SHA256", sha256);
        }
        return send(b.build());
    }

    HttpResponse<byte[]> getBytes(String path, @Nullable String token, @Nullable String range)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = request(path, token).GET();
        if (range != null) {
            b.header("Range", range);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> get(String path, @Nullable String token) throws IOException, InterruptedException {
        return send(request(path, token).GET().build());
    }

    HttpResponse<String> asAdmin(String method, String path, @Nullable Object body) throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString("admin:admin-test-password".getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        return send(b.build());
    }

    <T> T read(HttpResponse<String> response, Class<T> type) {
        return json.readValue(response.body(), type);
    }

    private HttpRequest.Builder request(String path, @Nullable String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
