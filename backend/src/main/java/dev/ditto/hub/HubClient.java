package dev.ditto.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Hugging Face Hub's HTTP API as huggingface_hub speaks it ({@code hf_api.py}, {@code _commit_api.py},
 * {@code lfs.py}): repo creation, preupload, the Git LFS batch API, basic and multipart transfers, NDJSON commits,
 * tags and file downloads. The token goes only to the Hub endpoint, never to upload URLs, and never into a message.
 */
public final class HubClient {
    static final String LFS_CONTENT_TYPE = "application/vnd.git-lfs+json";

    private final HubProperties properties;
    private final String endpoint;
    private final String token;
    private final ObjectMapper json;
    private final HttpClient http;

    public HubClient(HubProperties properties, String token, ObjectMapper json) {
        this.properties = properties;
        this.endpoint = properties.endpoint().replaceAll("/+$", "");
        this.token = token;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(properties.timeoutSeconds()))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** A file offered to preupload: path, first 512 bytes, size, sha256. */
    public record PreuploadFile(String path, byte[] sample, long size, String sha256) {}

    /** The Hub's answer for one file: "lfs" or "regular", whether to skip it, the oid it has for that path now. */
    public record PreuploadResult(String path, String uploadMode, boolean shouldIgnore, @Nullable String remoteOid) {}

    /** An LFS object as the batch API answers it: no upload action means the Hub already has it. */
    public record LfsObject(String oid, long size, @Nullable Action upload, @Nullable Action verify,
                            @Nullable String error) {}

    /** An LFS action: where to send and the headers it names (for multipart: chunk_size and numbered part URLs). */
    public record Action(String href, Map<String, String> header) {}

    /** A completed multipart part. */
    public record Part(int partNumber, String etag) {}

    /** A commit the Hub made. */
    public record Commit(String oid, @Nullable String url) {}

    /** Creates the repository; false when it exists already (409). */
    public boolean createRepo(String repoType, String repoId, boolean privateRepo) throws IOException {
        String[] parts = repoId.split("/", 2);
        ObjectNode body = json.createObjectNode();
        body.put("name", parts[1]);
        body.put("organization", parts[0]);
        body.put("type", repoType);
        body.put("private", privateRepo);
        HttpResponse<String> r = send("creating " + repoType + " repository " + repoId,
                authorized(URI.create(endpoint + "/api/repos/create"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))), 409);
        return r.statusCode() != 409;
    }

    public List<PreuploadResult> preupload(String repoType, String repoId, String revision, List<PreuploadFile> files)
            throws IOException {
        ObjectNode body = json.createObjectNode();
        ArrayNode array = body.putArray("files");
        for (PreuploadFile f : files) {
            ObjectNode o = array.addObject();
            o.put("path", f.path());
            o.put("sample", java.util.Base64.getEncoder().encodeToString(f.sample()));
            o.put("size", f.size());
            o.put("sha", f.sha256());
        }
        HttpResponse<String> r = send("preupload to " + repoId, authorized(URI.create(endpoint + "/api/" + repoType + "s/"
                + repoId + "/preupload/" + encode(revision)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))));
        JsonNode answer = json.readTree(r.body());
        List<PreuploadResult> results = new ArrayList<>();
        for (JsonNode f : answer.path("files")) {
            String mode = f.path("uploadMode").asString("");
            if (!mode.equals("lfs") && !mode.equals("regular")) {
                throw new HubException(r.statusCode(), "preupload to " + repoId + " answered an unknown upload mode '" + mode + "'");
            }
            JsonNode oid = f.get("oid");
            results.add(new PreuploadResult(f.path("path").asString(), mode, f.path("shouldIgnore").asBoolean(false),
                    oid == null || oid.isNull() ? null : oid.asString()));
        }
        return results;
    }

    /** Asks the LFS batch API how to upload these objects (transfers basic and multipart only). */
    public List<LfsObject> lfsBatch(String repoType, String repoId, String revision, Map<String, Long> objects)
            throws IOException {
        ObjectNode body = json.createObjectNode();
        body.put("operation", "upload");
        body.putArray("transfers").add("basic").add("multipart");
        ArrayNode array = body.putArray("objects");
        objects.forEach((oid, size) -> array.addObject().put("oid", oid).put("size", size));
        body.putObject("ref").put("name", revision);
        body.put("hash_algo", "sha256");
        String prefix = repoType.equals("model") ? "" : repoType + "s/";
        HttpResponse<String> r = send("LFS batch for " + repoId, authorized(URI.create(endpoint + "/" + prefix + repoId
                + ".git/info/lfs/objects/batch"))
                .header("Accept", LFS_CONTENT_TYPE)
                .header("Content-Type", LFS_CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))));
        JsonNode answer = json.readTree(r.body());
        String transfer = answer.path("transfer").asString("basic");
        if (!transfer.equals("basic") && !transfer.equals("multipart")) {
            throw new HubException(r.statusCode(), "the LFS batch API chose transfer '" + transfer
                    + "', which this client does not speak (it asks for basic and multipart only)");
        }
        List<LfsObject> result = new ArrayList<>();
        for (JsonNode o : answer.path("objects")) {
            JsonNode error = o.get("error");
            result.add(new LfsObject(o.path("oid").asString(), o.path("size").asLong(),
                    action(o.path("actions").get("upload")), action(o.path("actions").get("verify")),
                    error == null || error.isNull() ? null
                            : error.path("code").asInt() + " " + error.path("message").asString("")));
        }
        return result;
    }

    private static @Nullable Action action(@Nullable JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        Map<String, String> header = new LinkedHashMap<>();
        JsonNode h = node.path("header");
        for (String name : h.propertyNames()) {
            header.put(name, h.get(name).asString());
        }
        return new Action(node.path("href").asString(), header);
    }

    /** Basic transfer: one PUT of the whole file to the action's URL, with the action's headers. */
    public void putBasic(Action upload, Path file, long size) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(upload.href()))
                .timeout(Duration.ofSeconds(Math.max(properties.timeoutSeconds(), size / (1 << 20))))
                .PUT(slice(file, 0, size));
        upload.header().forEach((k, v) -> {
            if (!k.equalsIgnoreCase("chunk_size") && !isPartNumber(k) && !k.equalsIgnoreCase("content-length")) {
                request.header(k, v);
            }
        });
        send("uploading " + file.getFileName(), request);
    }

    /** Multipart transfer: PUTs one part to its URL and returns the ETag the store answered. */
    public String putPart(String url, Path file, long offset, long length, int partNumber) throws IOException {
        HttpResponse<String> r = send("uploading part " + partNumber + " of " + file.getFileName(),
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(Math.max(properties.timeoutSeconds(), length / (1 << 20))))
                        .PUT(slice(file, offset, length)));
        String etag = r.headers().firstValue("etag").orElse("");
        if (etag.isEmpty()) {
            throw new HubException(r.statusCode(), "part " + partNumber + " of " + file.getFileName()
                    + " was accepted without an ETag; the upload cannot be completed");
        }
        return etag;
    }

    /** Completes a multipart upload: {@code {oid, parts: [{partNumber, etag}]}} to the upload action's href. */
    public void completeMultipart(Action upload, String oid, List<Part> parts) throws IOException {
        ObjectNode body = json.createObjectNode();
        body.put("oid", oid);
        ArrayNode array = body.putArray("parts");
        parts.forEach(p -> array.addObject().put("partNumber", p.partNumber()).put("etag", p.etag()));
        send("completing the multipart upload of " + oid, HttpRequest.newBuilder(URI.create(upload.href()))
                .header("Accept", LFS_CONTENT_TYPE)
                .header("Content-Type", LFS_CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))));
    }

    /** The verify action: {@code {oid, size}} with the action's headers (and the token when it is the Hub's URL). */
    public void verify(Action verify, String oid, long size) throws IOException {
        URI uri = URI.create(verify.href());
        HttpRequest.Builder request = isEndpoint(uri) ? authorized(uri) : HttpRequest.newBuilder(uri);
        verify.header().forEach(request::header);
        ObjectNode body = json.createObjectNode().put("oid", oid).put("size", size);
        send("verifying " + oid, request.header("Accept", LFS_CONTENT_TYPE).header("Content-Type", LFS_CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))));
    }

    /** Posts a commit whose NDJSON payload (header line, then file/lfsFile/deletedFile lines) is in a file. */
    public Commit commit(String repoType, String repoId, String revision, Path ndjson) throws IOException {
        HttpResponse<String> r = send("committing to " + repoId, authorized(URI.create(endpoint + "/api/" + repoType + "s/"
                + repoId + "/commit/" + encode(revision)))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofFile(ndjson)));
        JsonNode answer = json.readTree(r.body());
        String oid = answer.path("commitOid").asString("");
        if (oid.isEmpty()) {
            throw new HubException(r.statusCode(), "the commit to " + repoId + " was accepted without a commit id");
        }
        JsonNode url = answer.get("commitUrl");
        return new Commit(oid, url == null || url.isNull() ? null : url.asString());
    }

    /** Tags a revision; false when the tag exists already (409). */
    public boolean tag(String repoType, String repoId, String revision, String tag, String message) throws IOException {
        ObjectNode body = json.createObjectNode().put("tag", tag).put("message", message);
        HttpResponse<String> r = send("tagging " + repoId + " with " + tag, authorized(URI.create(endpoint + "/api/"
                + repoType + "s/" + repoId + "/tag/" + encode(revision)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))), 409);
        return r.statusCode() != 409;
    }

    /** The commit a branch points at, if the repository has it. */
    public Optional<String> revisionSha(String repoType, String repoId, String revision) throws IOException {
        HttpResponse<String> r = send("reading revision " + revision + " of " + repoId, authorized(URI.create(endpoint
                + "/api/" + repoType + "s/" + repoId + "/revision/" + encode(revision))).GET(), 404);
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        String sha = json.readTree(r.body()).path("sha").asString("");
        return sha.isEmpty() ? Optional.empty() : Optional.of(sha);
    }

    /** Downloads a file of the repository ({@code /{type}s/{repo}/resolve/{revision}/{path}}), if it exists. */
    public Optional<byte[]> download(String repoType, String repoId, String revision, String path) throws IOException {
        String prefix = repoType.equals("model") ? "" : repoType + "s/";
        HttpResponse<byte[]> r = sendBytes("downloading " + path + " from " + repoId, authorized(URI.create(endpoint + "/"
                + prefix + repoId + "/resolve/" + encode(revision) + "/" + path)).GET());
        return r.statusCode() == 404 ? Optional.empty() : Optional.of(r.body());
    }

    /** The message with the token masked. */
    public String redact(String message) {
        return token.isEmpty() ? message : message.replace(token, "***");
    }

    private HttpRequest.Builder authorized(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(properties.timeoutSeconds()))
                .header("Authorization", "Bearer " + token)
                .header("User-Agent", "ditto-platform; hf-hub-http");
    }

    private boolean isEndpoint(URI uri) {
        URI base = URI.create(endpoint);
        return uri.getHost() != null && uri.getHost().equalsIgnoreCase(base.getHost()) && uri.getPort() == base.getPort()
                && uri.getScheme().equalsIgnoreCase(base.getScheme());
    }

    private HttpResponse<String> send(String what, HttpRequest.Builder request, int... accepted) throws IOException {
        return exchange(what, request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8), accepted);
    }

    private HttpResponse<byte[]> sendBytes(String what, HttpRequest.Builder request) throws IOException {
        return exchange(what, request, HttpResponse.BodyHandlers.ofByteArray(), 404);
    }

    private <T> HttpResponse<T> exchange(String what, HttpRequest.Builder builder, HttpResponse.BodyHandler<T> handler,
                                         int... accepted) throws IOException {
        HttpRequest request = builder.build();
        IOException last = null;
        for (int attempt = 0; attempt <= properties.retries(); attempt++) {
            if (attempt > 0) {
                sleep(properties.retryBackoffMillis() * attempt);
            }
            HttpResponse<T> response;
            try {
                response = http.send(request, handler);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HubException(0, what + " was interrupted");
            } catch (IOException e) {
                last = new HubException(0, what + " failed: no answer from " + request.uri().getHost() + " ("
                        + redact(String.valueOf(e.getMessage())) + ")");
                continue;
            }
            int status = response.statusCode();
            if (status / 100 == 2 || java.util.Arrays.stream(accepted).anyMatch(a -> a == status)) {
                return response;
            }
            HubException failure = failure(what, status, response.body());
            if (status == 429 || status >= 500) {
                last = failure;
                continue;
            }
            throw failure;
        }
        throw last == null ? new HubException(0, what + " failed") : last;
    }

    private HubException failure(String what, int status, Object body) {
        String text = body instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(body);
        text = redact(text.length() > 300 ? text.substring(0, 300) + "…" : text).strip();
        return switch (status) {
            case 401 -> new HubException(status, what + " failed: the Hub refused the token (HTTP 401). Check that "
                    + "ditto.hub.token or HF_TOKEN holds a valid Hugging Face token with write access.");
            case 403 -> new HubException(status, what + " failed: the token has no write access to this repository "
                    + "(HTTP 403). Use a token with write permission for the organisation.");
            default -> new HubException(status, what + " failed: HTTP " + status + (text.isEmpty() ? "" : ": " + text));
        };
    }

    private static void sleep(long millis) throws HubException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(0, "interrupted while waiting to retry");
        }
    }

    static boolean isPartNumber(String key) {
        return !key.isEmpty() && key.chars().allMatch(Character::isDigit);
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A body of {@code length} bytes of {@code file} from {@code offset}, read as it is sent. */
    private static HttpRequest.BodyPublisher slice(Path file, long offset, long length) {
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
            try {
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ).position(offset);
                InputStream in = Channels.newInputStream(channel);
                return new BoundedInputStream(in, length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }), length);
    }

    /** Reads at most a fixed number of bytes from a stream. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedInputStream(InputStream in, long left) {
            this.in = in;
            this.left = left;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) return -1;
            int b = in.read();
            if (b >= 0) left--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) return -1;
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) left -= n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
