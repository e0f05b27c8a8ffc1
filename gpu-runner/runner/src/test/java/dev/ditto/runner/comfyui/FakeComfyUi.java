package dev.ditto.runner.comfyui;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A local server answering in ComfyUI's HTTP API format: {@code /upload/image} (multipart), {@code /prompt},
 * {@code /queue}, {@code /history/{id}} (empty until the prompt "finishes"), {@code /view}.
 */
final class FakeComfyUi implements AutoCloseable {
    static final String PROMPT_ID = "5f0c6e8a-3b1d-4c1e-9d7e-2a9b8c7d6e5f";

    final List<String> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger historyPolls = new AtomicInteger();
    volatile @Nullable String uploadBody;
    volatile @Nullable JsonNode promptBody;
    volatile @Nullable String promptError;
    volatile @Nullable String executionError;
    private final JsonMapper json;
    private final Path output;
    private final HttpServer server;

    FakeComfyUi(JsonMapper json, Path output) throws IOException {
        this.json = json;
        this.output = output;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            requests.add(ex.getRequestMethod() + " " + path);
            byte[] body = ex.getRequestBody().readAllBytes();
            switch (ex.getRequestMethod() + " " + path) {
                case "POST /upload/image" -> {
                    String text = new String(body, StandardCharsets.ISO_8859_1);
                    uploadBody = text;
                    String type = ex.getRequestHeaders().getFirst("Content-Type");
                    if (type == null || !type.startsWith("multipart/form-data; boundary=")) {
                        send(ex, 400, "{\"error\":\"not multipart\"}");
                        return;
                    }
                    String filename = text.replaceAll("(?s).*name=\"image\"; filename=\"([^\"]+)\".*", "$1");
                    send(ex, 200, "{\"name\": \"" + filename + "\", \"subfolder\": \"ditto\", \"type\": \"input\"}");
                }
                case "POST /prompt" -> {
                    promptBody = json.readTree(body);
                    if (promptError != null) {
                        send(ex, 400, promptError);
                    } else {
                        send(ex, 200, "{\"prompt_id\": \"" + PROMPT_ID + "\", \"number\": 3, \"node_errors\": {}}");
                    }
                }
                case "GET /queue" -> send(ex, 200, historyPolls.get() < 2
                        ? "{\"queue_running\": [[3, \"" + PROMPT_ID + "\", {}, {}, [\"14\"]]], \"queue_pending\": []}"
                        : "{\"queue_running\": [], \"queue_pending\": []}");
                case "GET /history/" + PROMPT_ID -> {
                    if (historyPolls.incrementAndGet() < 3) {
                        send(ex, 200, "{}");
                    } else if (executionError != null) {
                        send(ex, 200, "{\"" + PROMPT_ID + "\": {\"prompt\": [3, \"" + PROMPT_ID + "\", {}, {}, [\"14\"]],"
                                + " \"outputs\": {}, \"status\": {\"status_str\": \"error\", \"completed\": false, \"messages\": ["
                                + "[\"execution_start\", {\"prompt_id\": \"" + PROMPT_ID + "\", \"timestamp\": 1}],"
                                + "[\"execution_error\", {\"prompt_id\": \"" + PROMPT_ID + "\", \"node_id\": \"11\","
                                + " \"node_type\": \"KSampler\", \"exception_message\": \"" + executionError + "\","
                                + " \"exception_type\": \"torch.OutOfMemoryError\", \"traceback\": []}]]}}}");
                    } else {
                        send(ex, 200, "{\"" + PROMPT_ID + "\": {\"prompt\": [3, \"" + PROMPT_ID + "\", {}, {}, [\"14\"]],"
                                + " \"outputs\": {\"14\": {\"gifs\": [{\"filename\": \"sample-5_00001.mp4\", \"subfolder\": \"ditto\","
                                + " \"type\": \"output\", \"format\": \"video/h264-mp4\", \"frame_rate\": 20.0}]}},"
                                + " \"status\": {\"status_str\": \"success\", \"completed\": true, \"messages\": []},"
                                + " \"meta\": {\"14\": {\"node_id\": \"14\"}}}}");
                    }
                }
                case "GET /view" -> {
                    Map<String, String> q = query(ex.getRequestURI().getRawQuery());
                    if (!q.equals(Map.of("filename", "sample-5_00001.mp4", "subfolder", "ditto", "type", "output"))) {
                        send(ex, 404, "{\"error\": \"no such file " + q + "\"}");
                        return;
                    }
                    byte[] video = Files.readAllBytes(output);
                    ex.getResponseHeaders().set("Content-Type", "video/mp4");
                    ex.sendResponseHeaders(200, video.length);
                    ex.getResponseBody().write(video);
                }
                case "POST /interrupt" -> send(ex, 200, "{}");
                default -> send(ex, 404, "{}");
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
