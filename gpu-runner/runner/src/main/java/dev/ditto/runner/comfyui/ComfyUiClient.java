package dev.ditto.runner.comfyui;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Client for ComfyUI's HTTP API: {@code POST /upload/image} (multipart), {@code POST /prompt}, {@code GET /history/{id}},
 * {@code GET /queue}, {@code GET /view}, and {@code POST /interrupt} / {@code POST /queue} to cancel.
 */
public final class ComfyUiClient {
    private final URI base;
    private final JsonMapper json;
    private final HttpClient http;

    public ComfyUiClient(URI base, JsonMapper json) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** A file in one of ComfyUI's folders ({@code input}, {@code output}, {@code temp}). */
    public record FileRef(String filename, String subfolder, String type) {
        /** The value a loader node's file input takes: {@code subfolder/name} or just {@code name}. */
        public String loaderPath() {
            return subfolder.isEmpty() ? filename : subfolder + "/" + filename;
        }
    }

    /** Where a queued prompt stands. */
    public enum QueueState { PENDING, RUNNING, NOT_QUEUED }

    /** {@code POST /upload/image}: stores {@code file} in ComfyUI's input folder (any file; video loaders read it). */
    public FileRef upload(Path file, String name, String subfolder) throws IOException, InterruptedException {
        String boundary = "----ditto" + UUID.randomUUID().toString().replace("-", "");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        field(body, boundary, "type", "input");
        field(body, boundary, "subfolder", subfolder);
        field(body, boundary, "overwrite", "true");
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\""
                + name.replace("\"", "") + "\"\r\nContent-Type: " + contentType(name) + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(Files.readAllBytes(file));
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/upload/image"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .timeout(Duration.ofMinutes(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
        JsonNode answer = send(request, "upload " + name);
        return new FileRef(answer.path("name").asString(name), answer.path("subfolder").asString(""),
                answer.path("type").asString("input"));
    }

    /** {@code POST /prompt}: queues a workflow in API format; answers its {@code prompt_id}. */
    public String queuePrompt(ObjectNode workflow, String clientId) throws IOException, InterruptedException {
        ObjectNode body = json.createObjectNode();
        body.set("prompt", workflow);
        body.put("client_id", clientId);
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/prompt"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new ComfyUiException("ComfyUI refused the workflow (HTTP " + response.statusCode() + "): "
                    + describePromptError(response.body()));
        }
        JsonNode answer = json.readTree(response.body());
        JsonNode errors = answer.path("node_errors");
        if (errors.isObject() && !errors.isEmpty()) {
            throw new ComfyUiException("ComfyUI reported node errors: " + errors);
        }
        String id = answer.path("prompt_id").asString("");
        if (id.isEmpty()) {
            throw new ComfyUiException("ComfyUI answered /prompt without a prompt_id: " + response.body());
        }
        return id;
    }

    /** {@code GET /system_stats}: server, Python and PyTorch versions and devices. */
    public JsonNode systemStats() throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve("/system_stats")).timeout(Duration.ofSeconds(30)).GET().build(),
                "system_stats");
    }

    /** {@code GET /object_info}: every node class the server has, with its inputs and outputs. */
    public JsonNode objectInfo() throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve("/object_info")).timeout(Duration.ofSeconds(60)).GET().build(),
                "object_info");
    }

    /** {@code GET /history/{id}}: the prompt's entry once ComfyUI has finished with it, else empty. */
    public Optional<JsonNode> history(String promptId) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/history/" + encode(promptId)))
                .timeout(Duration.ofSeconds(30)).GET().build();
        JsonNode answer = send(request, "history " + promptId);
        JsonNode entry = answer.path(promptId);
        return entry.isObject() ? Optional.of(entry) : Optional.empty();
    }

    /** {@code GET /queue}: whether the prompt is waiting, running, or gone from the queue. */
    public QueueState queueState(String promptId) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/queue")).timeout(Duration.ofSeconds(30)).GET().build();
        JsonNode answer = send(request, "queue");
        if (contains(answer.path("queue_running"), promptId)) {
            return QueueState.RUNNING;
        }
        if (contains(answer.path("queue_pending"), promptId)) {
            return QueueState.PENDING;
        }
        return QueueState.NOT_QUEUED;
    }

    /** {@code GET /view?filename=&subfolder=&type=}: downloads an output file to {@code target}. */
    public void download(FileRef file, Path target) throws IOException, InterruptedException {
        URI uri = base.resolve("/view?filename=" + encode(file.filename()) + "&subfolder=" + encode(file.subfolder())
                + "&type=" + encode(file.type()));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).GET().build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw new ComfyUiException("ComfyUI /view of " + file.filename() + " answered HTTP " + response.statusCode());
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Removes the prompt from the queue if it waits there, and interrupts it if it runs. Best effort. */
    public void cancel(String promptId) throws IOException, InterruptedException {
        QueueState state = queueState(promptId);
        if (state == QueueState.PENDING) {
            ObjectNode body = json.createObjectNode();
            body.putArray("delete").add(promptId);
            post("/queue", body);
        } else if (state == QueueState.RUNNING) {
            ObjectNode body = json.createObjectNode();
            body.put("prompt_id", promptId);
            post("/interrupt", body);
        }
    }

    private void post(String path, ObjectNode body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))).build();
        http.send(request, HttpResponse.BodyHandlers.discarding());
    }

    private JsonNode send(HttpRequest request, String what) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new ComfyUiException("ComfyUI " + what + " answered HTTP " + response.statusCode() + ": "
                    + abbreviate(response.body()));
        }
        return json.readTree(response.body());
    }

    private String describePromptError(String body) {
        try {
            JsonNode answer = json.readTree(body);
            JsonNode error = answer.path("error");
            StringBuilder text = new StringBuilder(error.path("message").asString(abbreviate(body)));
            String details = error.path("details").asString("");
            if (!details.isEmpty()) {
                text.append(" (").append(details).append(')');
            }
            for (var node : answer.path("node_errors").properties()) {
                text.append("; node ").append(node.getKey()).append(' ')
                        .append(node.getValue().path("class_type").asString("")).append(": ");
                for (JsonNode e : node.getValue().path("errors")) {
                    text.append(e.path("message").asString("")).append(' ').append(e.path("details").asString("")).append(' ');
                }
            }
            return text.toString().strip();
        } catch (RuntimeException e) {
            return abbreviate(body);
        }
    }

    private static boolean contains(JsonNode queue, String promptId) {
        for (JsonNode item : queue) {
            // each entry is [number, prompt_id, prompt, extra_data, outputs_to_execute]
            if (item.isArray() && item.size() > 1 && promptId.equals(item.get(1).asString(""))) {
                return true;
            }
        }
        return false;
    }

    private static void field(ByteArrayOutputStream body, String boundary, String name, String value) {
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n"
                + value + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    private static String contentType(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        for (var e : List.of(List.of(".mp4", "video/mp4"), List.of(".webm", "video/webm"), List.of(".png", "image/png"),
                List.of(".jpg", "image/jpeg"))) {
            if (lower.endsWith(e.get(0))) {
                return e.get(1);
            }
        }
        return "application/octet-stream";
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String body) {
        String one = body.replaceAll("\\s+", " ").strip();
        return one.length() > 400 ? one.substring(0, 400) + "…" : one;
    }
}
