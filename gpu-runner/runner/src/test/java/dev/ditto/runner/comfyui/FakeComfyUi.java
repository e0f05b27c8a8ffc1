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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A local server answering in ComfyUI's HTTP API format: {@code /upload/image} (multipart), {@code /system_stats},
 * {@code /object_info}, {@code /prompt}, {@code /queue}, {@code /history/{id}} (empty until the prompt "finishes"),
 * {@code /view}. It stands in only for the GPU execution: {@code /prompt} is answered by {@link PromptValidator}
 * (ComfyUI's validation rules) against the test schemas ({@link ComfySchemas}) with the model files {@link #install}ed
 * and the files uploaded so far, exactly as a real server would refuse or accept it; a prompt that passes "runs" by
 * producing the fixture video (or image, for SaveImage) under its output node's filename prefix.
 */
final class FakeComfyUi implements AutoCloseable {
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<JsonNode> prompts = new CopyOnWriteArrayList<>();
    final List<String> uploads = new CopyOnWriteArrayList<>();
    final AtomicInteger historyPolls = new AtomicInteger();
    volatile @Nullable String uploadBody;
    volatile @Nullable JsonNode promptBody;
    volatile @Nullable String promptError;
    volatile @Nullable String executionError;
    volatile @Nullable JsonNode lastRefusal;
    final ObjectNode objectInfo;
    private final JsonMapper json;
    private final Path video;
    private final Path image;
    private final HttpServer server;
    private final Set<String> uploaded = ConcurrentHashMap.newKeySet();
    private final Map<String, JsonNode> queued = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();
    private final Map<String, String> produced = new ConcurrentHashMap<>();
    private final AtomicInteger number = new AtomicInteger();

    /** A server with every node pack the runner uses and every model file its bundled templates name. */
    FakeComfyUi(JsonMapper json, Path video, Path image) throws IOException {
        this(json, video, image, defaultSchemas(json));
    }

    FakeComfyUi(JsonMapper json, Path video, Path image, ObjectNode objectInfo) throws IOException {
        this.json = json;
        this.video = video;
        this.image = image;
        this.objectInfo = objectInfo;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    static ObjectNode defaultSchemas(JsonMapper json) {
        ObjectNode info = ComfySchemas.all(json);
        ComfySchemas.installDefaults(json, info);
        return info;
    }

    /** Puts a model file into a folder: the loaders' file lists name it from now on. */
    void install(String folder, String name) {
        ComfySchemas.install(objectInfo, folder, name);
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The prompt ids in the order they were queued. */
    List<String> promptIds() {
        return List.copyOf(queued.keySet().stream().sorted().toList());
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            requests.add(ex.getRequestMethod() + " " + path);
            byte[] body = ex.getRequestBody().readAllBytes();
            String route = ex.getRequestMethod() + " " + (path.startsWith("/history/") ? "/history/" : path);
            switch (route) {
                case "POST /upload/image" -> {
                    String text = new String(body, StandardCharsets.ISO_8859_1);
                    uploadBody = text;
                    String type = ex.getRequestHeaders().getFirst("Content-Type");
                    if (type == null || !type.startsWith("multipart/form-data; boundary=")) {
                        send(ex, 400, "{\"error\":\"not multipart\"}");
                        return;
                    }
                    String filename = text.replaceAll("(?s).*name=\"image\"; filename=\"([^\"]+)\".*", "$1");
                    String subfolder = text.replaceAll("(?s).*name=\"subfolder\"\r\n\r\n([^\r]*)\r\n.*", "$1");
                    uploaded.add(subfolder.isEmpty() ? filename : subfolder + "/" + filename);
                    uploads.add(filename);
                    send(ex, 200, "{\"name\": \"" + filename + "\", \"subfolder\": \"" + subfolder + "\", \"type\": \"input\"}");
                }
                case "GET /system_stats" -> send(ex, 200, """
                        {"system": {"os": "posix", "ram_total": 135089561600, "ram_free": 120000000000,
                          "comfyui_version": "0.8.0", "required_frontend_version": "1.34.9",
                          "python_version": "3.12.3 (main, Nov  6 2025, 13:44:16) [GCC 13.3.0]",
                          "pytorch_version": "2.9.1+cu128", "embedded_python": false, "argv": ["main.py"]},
                         "devices": [{"name": "cuda:0 NVIDIA H100 80GB HBM3 : cudaMallocAsync", "type": "cuda", "index": 0,
                          "vram_total": 85029158912, "vram_free": 84000000000}]}""");
                case "GET /object_info" -> send(ex, 200, json.writeValueAsString(objectInfo));
                case "POST /prompt" -> prompt(ex, body);
                case "GET /queue" -> {
                    StringBuilder running = new StringBuilder();
                    queued.forEach((id, p) -> {
                        if (!produced.containsKey(id) && executionError == null) {
                            running.append(running.isEmpty() ? "" : ",").append("[1, \"").append(id).append("\", {}, {}, []]");
                        }
                    });
                    send(ex, 200, "{\"queue_running\": [" + running + "], \"queue_pending\": []}");
                }
                case "GET /history/" -> history(ex, path.substring("/history/".length()));
                case "GET /view" -> {
                    Map<String, String> q = query(ex.getRequestURI().getRawQuery());
                    String key = q.get("subfolder") + "/" + q.get("filename");
                    if (!"output".equals(q.get("type")) || !produced.containsValue(key)) {
                        send(ex, 404, "{\"error\": \"no such file " + q + "\"}");
                        return;
                    }
                    byte[] file = Files.readAllBytes(key.endsWith(".png") ? image : video);
                    ex.getResponseHeaders().set("Content-Type", key.endsWith(".png") ? "image/png" : "video/mp4");
                    ex.sendResponseHeaders(200, file.length);
                    ex.getResponseBody().write(file);
                }
                case "POST /interrupt", "POST /queue" -> send(ex, 200, "{}");
                default -> send(ex, 404, "{}");
            }
        }
    }

    private void prompt(HttpExchange ex, byte[] body) throws IOException {
        JsonNode request = json.readTree(body);
        promptBody = request;
        if (promptError != null) {
            send(ex, 400, promptError);
            return;
        }
        JsonNode prompt = request.path("prompt");
        PromptValidator validator = new PromptValidator(objectInfo, PromptValidator.knownSelfValidated(),
                (cls, input, value) -> fileCheck(cls, input, value));
        PromptValidator.Result result = validator.validate(prompt);
        if (!result.ok()) {
            lastRefusal = result.body();
            send(ex, 400, json.writeValueAsString(result.body()));
            return;
        }
        prompts.add(prompt);
        String id = String.format("%08d-3b1d-4c1e-9d7e-2a9b8c7d6e5f", number.incrementAndGet());
        queued.put(id, prompt);
        polls.put(id, new AtomicInteger());
        send(ex, 200, "{\"prompt_id\": \"" + id + "\", \"number\": " + number.get() + ", \"node_errors\": "
                + json.writeValueAsString(result.nodeErrors()) + "}");
    }

    /** LoadImage's and VHS_LoadVideo's own VALIDATE_INPUTS: the file must be in the input folder. */
    private @Nullable String fileCheck(String cls, String input, JsonNode value) {
        if (cls.equals("LoadImage") && input.equals("image")) {
            return uploaded.contains(value.asString("")) ? null : "Invalid image file: " + value.asString("");
        }
        if (cls.equals("VHS_LoadVideo") && input.equals("video")) {
            return uploaded.contains(value.asString("")) ? null : "Invalid video file: " + value.asString("");
        }
        return null; // WanVideoDecode's tile check (tile > stride) is not emulated

    }

    private void history(HttpExchange ex, String id) throws IOException {
        JsonNode prompt = queued.get(id);
        if (prompt == null) {
            send(ex, 200, "{}");
            return;
        }
        historyPolls.incrementAndGet();
        if (polls.get(id).incrementAndGet() < 3) {
            send(ex, 200, "{}");
            return;
        }
        String outputNode = null;
        for (var e : prompt.properties()) {
            if (objectInfo.path(e.getValue().path("class_type").asString("")).path("output_node").asBoolean(false)) {
                outputNode = e.getKey();
            }
        }
        if (executionError != null) {
            String sampler = "?";
            for (var e : prompt.properties()) {
                if (e.getValue().path("class_type").asString("").contains("Sampler")) {
                    sampler = e.getKey();
                }
            }
            send(ex, 200, "{\"" + id + "\": {\"prompt\": [1, \"" + id + "\", {}, {}, [\"" + outputNode + "\"]],"
                    + " \"outputs\": {}, \"status\": {\"status_str\": \"error\", \"completed\": false, \"messages\": ["
                    + "[\"execution_start\", {\"prompt_id\": \"" + id + "\", \"timestamp\": 1}],"
                    + "[\"execution_error\", {\"prompt_id\": \"" + id + "\", \"node_id\": \"" + sampler + "\","
                    + " \"node_type\": \"" + prompt.path(sampler).path("class_type").asString("") + "\", \"exception_message\": \""
                    + executionError + "\", \"exception_type\": \"torch.OutOfMemoryError\", \"traceback\": []}]]}}}");
            return;
        }
        JsonNode out = prompt.path(outputNode);
        String prefix = out.path("inputs").path("filename_prefix").asString("ComfyUI");
        int slash = prefix.lastIndexOf('/');
        String subfolder = slash < 0 ? "" : prefix.substring(0, slash);
        String base = slash < 0 ? prefix : prefix.substring(slash + 1);
        boolean isImage = out.path("class_type").asString("").equals("SaveImage");
        String filename = base + (isImage ? "_00001_.png" : "_00001.mp4");
        produced.put(id, subfolder + "/" + filename);
        String files = "[{\"filename\": \"" + filename + "\", \"subfolder\": \"" + subfolder + "\", \"type\": \"output\""
                + (isImage ? "" : ", \"format\": \"video/h264-mp4\", \"frame_rate\": 20.0") + "}]";
        send(ex, 200, "{\"" + id + "\": {\"prompt\": [1, \"" + id + "\", {}, {}, [\"" + outputNode + "\"]],"
                + " \"outputs\": {\"" + outputNode + "\": {\"" + (isImage ? "images" : "gifs") + "\": " + files + "}},"
                + " \"status\": {\"status_str\": \"success\", \"completed\": true, \"messages\": []},"
                + " \"meta\": {\"" + outputNode + "\": {\"node_id\": \"" + outputNode + "\"}}}}");
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
