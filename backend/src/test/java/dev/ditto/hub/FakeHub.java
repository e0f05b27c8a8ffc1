package dev.ditto.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A local stand-in for the Hugging Face Hub that speaks its HTTP API as huggingface_hub uses it: repo creation
 * (409 when it exists), preupload (lfs vs regular, the remote oid of each path), the Git LFS batch API with basic
 * and multipart transfers (objects it holds get no actions), part uploads answered with ETags that completion must
 * repeat, sha256 and size checks on every object, NDJSON commits, tags (409 when they exist), revisions and
 * {@code resolve} downloads. A wrong token gets 401. It counts the bytes clients upload and can be cut off after N
 * parts to test resumption.
 */
public final class FakeHub implements AutoCloseable {
    private static final Pattern API_REPO = Pattern.compile("/api/(datasets|models|spaces)/([^/]+/[^/]+)/(preupload|commit|tag|revision)/(.+)");
    private static final Pattern LFS_BATCH = Pattern.compile("/(?:(datasets|spaces)/)?([^/]+/[^/]+)\\.git/info/lfs/objects/batch");
    private static final Pattern RESOLVE = Pattern.compile("/(?:(datasets|spaces)/)?([^/]+/[^/]+)/resolve/([^/]+)/(.+)");
    private static final Set<String> LFS_SUFFIXES = Set.of(".tar", ".mp4", ".png", ".jpg", ".parquet", ".zip");

    private final ObjectMapper json = JsonMapper.builder().build();
    private final HttpServer server;
    private final java.util.concurrent.ExecutorService workers = Executors.newFixedThreadPool(4, Thread.ofPlatform().daemon().factory());
    private final Path objects;
    private final String secret = UUID.randomUUID().toString().replace("-", "");
    private volatile String token;
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, PendingMultipart> multipart = new ConcurrentHashMap<>();
    private final AtomicLong bytesUploaded = new AtomicLong();
    private final Map<String, AtomicInteger> partPuts = new ConcurrentHashMap<>();
    private final AtomicInteger partsAccepted = new AtomicInteger();
    private volatile long lfsThreshold = 10L << 20;
    private volatile long multipartThreshold = 64L << 10;
    private volatile long chunkSize = 32L << 10;
    private volatile int failAfterParts = -1;
    private volatile boolean down;
    private final AtomicInteger commitCount = new AtomicInteger();

    public FakeHub(String token, Path storage) throws IOException {
        this.token = token;
        this.objects = Files.createDirectories(storage.resolve("lfs-objects"));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(workers);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Files above {@code threshold} bytes are LFS files (besides binary types); objects above {@code multipart} use multipart. */
    public FakeHub thresholds(long lfs, long multipartAbove, long chunk) {
        this.lfsThreshold = lfs;
        this.multipartThreshold = multipartAbove;
        this.chunkSize = chunk;
        return this;
    }

    public void acceptToken(String newToken) {
        this.token = newToken;
    }

    /** After {@code parts} more accepted part uploads, the Hub stops answering (503) until {@link #recover()}. */
    public void cutOffAfterParts(int parts) {
        this.failAfterParts = partsAccepted.get() + parts;
    }

    public void recover() {
        failAfterParts = -1;
        down = false;
    }

    public long bytesUploaded() {
        return bytesUploaded.get();
    }

    public void resetCounters() {
        bytesUploaded.set(0);
        partPuts.clear();
    }

    /** How often each part ({@code oid#part}) was accepted. */
    public Map<String, Integer> partUploads() {
        Map<String, Integer> result = new TreeMap<>();
        partPuts.forEach((k, v) -> result.put(k, v.get()));
        return result;
    }

    public int commits() {
        return commitCount.get();
    }

    /** The files of a dataset at a revision (branch, tag or commit), as bytes. */
    public Map<String, byte[]> files(String repoId, String revision) throws IOException {
        Repo repo = repos.get("dataset:" + repoId);
        Map<String, byte[]> result = new TreeMap<>();
        if (repo == null) {
            return result;
        }
        Snapshot snapshot = repo.at(revision);
        if (snapshot == null) {
            return result;
        }
        for (var e : snapshot.files.entrySet()) {
            result.put(e.getKey(), content(e.getValue()));
        }
        return result;
    }

    public @Nullable String tagCommit(String repoId, String tag) {
        Repo repo = repos.get("dataset:" + repoId);
        return repo == null ? null : repo.tags.get(tag);
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }

    // ---------------------------------------------------------------- handling

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            if (down) {
                respond(ex, 503, "{\"error\":\"service unavailable\"}");
                return;
            }
            if (path.startsWith("/upload/")) {
                basicUpload(ex, path);
            } else if (path.startsWith("/part/")) {
                partUpload(ex, path);
            } else if (path.startsWith("/complete/")) {
                complete(ex, path);
            } else if (!authorized(ex)) {
                respond(ex, 401, "{\"error\":\"Invalid credentials in Authorization header\"}");
            } else if (path.equals("/api/repos/create")) {
                createRepo(ex);
            } else if (path.startsWith("/verify/")) {
                verify(ex, path);
            } else if (LFS_BATCH.matcher(path).matches()) {
                Matcher m = LFS_BATCH.matcher(path);
                m.matches();
                lfsBatch(ex, repoKey(m.group(1), m.group(2)));
            } else if (API_REPO.matcher(path).matches()) {
                Matcher m = API_REPO.matcher(path);
                m.matches();
                String key = repoKey(m.group(1), m.group(2));
                String revision = URLDecoder.decode(m.group(4), StandardCharsets.UTF_8);
                Repo repo = repos.get(key);
                if (repo == null) {
                    respond(ex, 404, "{\"error\":\"Repository not found\"}");
                    return;
                }
                switch (m.group(3)) {
                    case "preupload" -> preupload(ex, repo, revision);
                    case "commit" -> commit(ex, repo, revision);
                    case "tag" -> tag(ex, repo, revision);
                    default -> revision(ex, repo, revision);
                }
            } else if (RESOLVE.matcher(path).matches()) {
                Matcher m = RESOLVE.matcher(path);
                m.matches();
                resolve(ex, repoKey(m.group(1), m.group(2)), URLDecoder.decode(m.group(3), StandardCharsets.UTF_8),
                        URLDecoder.decode(m.group(4), StandardCharsets.UTF_8));
            } else {
                respond(ex, 404, "{\"error\":\"no such endpoint\"}");
            }
        } catch (RuntimeException e) {
            respond(ex, 500, "{\"error\":\"" + e.getClass().getSimpleName() + "\"}");
        }
    }

    private boolean authorized(HttpExchange ex) {
        return ("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"));
    }

    private static String repoKey(@Nullable String typePlural, String repoId) {
        String type = typePlural == null ? "model" : typePlural.substring(0, typePlural.length() - 1);
        return type + ":" + repoId;
    }

    private void createRepo(HttpExchange ex) throws IOException {
        JsonNode body = json.readTree(ex.getRequestBody());
        String type = body.path("type").asString("model");
        String org = body.path("organization").asString("user");
        String key = type + ":" + org + "/" + body.path("name").asString();
        if (repos.putIfAbsent(key, new Repo()) != null) {
            respond(ex, 409, "{\"error\":\"You already created this " + type + " repo\"}");
            return;
        }
        respond(ex, 200, "{\"url\":\"" + url() + "/datasets/" + org + "/" + body.path("name").asString() + "\"}");
    }

    private void preupload(HttpExchange ex, Repo repo, String revision) throws IOException {
        JsonNode body = json.readTree(ex.getRequestBody());
        Snapshot head = repo.at(revision);
        ObjectNode answer = json.createObjectNode();
        ArrayNode files = answer.putArray("files");
        for (JsonNode f : body.path("files")) {
            String path = f.path("path").asString();
            long size = f.path("size").asLong();
            byte[] sample = Base64.getDecoder().decode(f.path("sample").asString(""));
            boolean binary = false;
            for (byte b : sample) {
                binary |= b == 0;
            }
            boolean lfs = size > lfsThreshold || binary || LFS_SUFFIXES.stream().anyMatch(path::endsWith);
            ObjectNode o = files.addObject().put("path", path).put("uploadMode", lfs ? "lfs" : "regular")
                    .put("shouldIgnore", path.startsWith(".git/"));
            FileRef existing = head == null ? null : head.files.get(path);
            if (existing != null) {
                o.put("oid", existing.lfsOid != null ? existing.lfsOid : gitSha1(existing.content));
            } else {
                o.putNull("oid");
            }
        }
        respond(ex, 200, json.writeValueAsString(answer));
    }

    private void lfsBatch(HttpExchange ex, String key) throws IOException {
        if (!HubClient.LFS_CONTENT_TYPE.equals(ex.getRequestHeaders().getFirst("Accept"))
                || !HubClient.LFS_CONTENT_TYPE.equals(ex.getRequestHeaders().getFirst("Content-Type"))) {
            respond(ex, 406, "{\"message\":\"Accept and Content-Type must be application/vnd.git-lfs+json\"}");
            return;
        }
        if (!repos.containsKey(key)) {
            respond(ex, 404, "{\"message\":\"Repository not found\"}");
            return;
        }
        JsonNode body = json.readTree(ex.getRequestBody());
        List<String> transfers = new ArrayList<>();
        body.path("transfers").forEach(t -> transfers.add(t.asString()));
        if (!body.path("operation").asString().equals("upload") || !body.path("hash_algo").asString().equals("sha256")
                || !transfers.equals(List.of("basic", "multipart"))) {
            respond(ex, 422, "{\"message\":\"expected operation upload, transfers [basic, multipart], hash_algo sha256\"}");
            return;
        }
        ObjectNode answer = json.createObjectNode();
        ArrayNode out = json.createArrayNode();
        boolean anyMultipart = false;
        for (JsonNode o : body.path("objects")) {
            String oid = o.path("oid").asString();
            long size = o.path("size").asLong();
            ObjectNode r = out.addObject().put("oid", oid).put("size", size).put("authenticated", true);
            if (!oid.matches("[0-9a-f]{64}") || size < 0) {
                r.putObject("error").put("code", 422).put("message", "invalid object");
                continue;
            }
            if (Files.exists(objects.resolve(oid))) {
                continue; // the Hub has it: no actions
            }
            ObjectNode actions = r.putObject("actions");
            if (size > multipartThreshold) {
                anyMultipart = true;
                PendingMultipart pending = multipart.computeIfAbsent(oid, k -> new PendingMultipart(
                        UUID.randomUUID().toString().replace("-", ""), size, chunkSize));
                ObjectNode upload = actions.putObject("upload");
                upload.put("href", url() + "/complete/" + oid + "/" + pending.uploadId);
                ObjectNode header = upload.putObject("header");
                header.put("chunk_size", String.valueOf(pending.chunkSize));
                long parts = (size + pending.chunkSize - 1) / pending.chunkSize;
                for (int i = 1; i <= parts; i++) {
                    header.put(String.format("%05d", i), url() + "/part/" + oid + "/" + pending.uploadId + "/" + i
                            + "?sig=" + sign(oid + pending.uploadId + i));
                }
            } else {
                actions.putObject("upload").put("href", url() + "/upload/" + oid + "?size=" + size + "&sig=" + sign(oid + size));
                actions.putObject("verify").put("href", url() + "/verify/" + oid);
            }
        }
        answer.put("transfer", anyMultipart ? "multipart" : "basic");
        answer.set("objects", out);
        respondTyped(ex, 200, json.writeValueAsString(answer), HubClient.LFS_CONTENT_TYPE);
    }

    private void basicUpload(HttpExchange ex, String path) throws IOException {
        String oid = path.substring("/upload/".length());
        Map<String, String> q = query(ex);
        if (!ex.getRequestMethod().equals("PUT") || !sign(oid + q.get("size")).equals(q.get("sig"))) {
            respond(ex, 403, "{\"error\":\"bad signature\"}");
            return;
        }
        Path temp = Files.createTempFile(objects, "upload-", ".part");
        long size;
        try (InputStream in = ex.getRequestBody()) {
            size = Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
        }
        bytesUploaded.addAndGet(size);
        if (size != Long.parseLong(q.get("size")) || !sha256(temp).equals(oid)) {
            Files.delete(temp);
            respond(ex, 400, "{\"error\":\"content does not match oid and size\"}");
            return;
        }
        Files.move(temp, objects.resolve(oid), StandardCopyOption.REPLACE_EXISTING);
        respond(ex, 200, "");
    }

    private void partUpload(HttpExchange ex, String path) throws IOException {
        String[] p = path.substring("/part/".length()).split("/");
        String oid = p[0];
        String uploadId = p[1];
        int part = Integer.parseInt(p[2]);
        PendingMultipart pending = multipart.get(oid);
        if (pending == null || !pending.uploadId.equals(uploadId) || !sign(oid + uploadId + part).equals(query(ex).get("sig"))) {
            respond(ex, 403, "{\"error\":\"unknown upload or bad signature\"}");
            return;
        }
        if (failAfterParts >= 0 && partsAccepted.get() >= failAfterParts) {
            down = true;
            respond(ex, 503, "{\"error\":\"service unavailable\"}");
            return;
        }
        byte[] bytes = ex.getRequestBody().readAllBytes();
        long expected = Math.min(pending.chunkSize, pending.size - (part - 1) * pending.chunkSize);
        if (bytes.length != expected) {
            respond(ex, 400, "{\"error\":\"part " + part + " must be " + expected + " bytes\"}");
            return;
        }
        String etag = "\"" + HexFormat.of().formatHex(md5(bytes)) + "\"";
        pending.parts.put(part, new Part(bytes, etag));
        bytesUploaded.addAndGet(bytes.length);
        partsAccepted.incrementAndGet();
        partPuts.computeIfAbsent(oid + "#" + part, k -> new AtomicInteger()).incrementAndGet();
        ex.getResponseHeaders().add("ETag", etag);
        respond(ex, 200, "");
    }

    private void complete(HttpExchange ex, String path) throws IOException {
        String[] p = path.substring("/complete/".length()).split("/");
        String oid = p[0];
        PendingMultipart pending = multipart.get(oid);
        if (pending == null || !pending.uploadId.equals(p[1])) {
            respond(ex, 404, "{\"error\":\"no such multipart upload\"}");
            return;
        }
        JsonNode body = json.readTree(ex.getRequestBody());
        if (!body.path("oid").asString().equals(oid)) {
            respond(ex, 400, "{\"error\":\"oid mismatch\"}");
            return;
        }
        long count = (pending.size + pending.chunkSize - 1) / pending.chunkSize;
        JsonNode parts = body.path("parts");
        if (parts.size() != count) {
            respond(ex, 400, "{\"error\":\"expected " + count + " parts\"}");
            return;
        }
        Path temp = Files.createTempFile(objects, "multipart-", ".part");
        try (OutputStream out = Files.newOutputStream(temp)) {
            int expectedNumber = 1;
            for (JsonNode part : parts) {
                int number = part.path("partNumber").asInt();
                Part stored = pending.parts.get(number);
                if (number != expectedNumber++ || stored == null || !stored.etag.equals(part.path("etag").asString())) {
                    respond(ex, 400, "{\"error\":\"part " + number + " is missing or its ETag does not match\"}");
                    return;
                }
                out.write(stored.bytes);
            }
        }
        if (Files.size(temp) != pending.size || !sha256(temp).equals(oid)) {
            Files.delete(temp);
            respond(ex, 400, "{\"error\":\"assembled object does not match oid and size\"}");
            return;
        }
        Files.move(temp, objects.resolve(oid), StandardCopyOption.REPLACE_EXISTING);
        multipart.remove(oid);
        respond(ex, 200, "{}");
    }

    private void verify(HttpExchange ex, String path) throws IOException {
        String oid = path.substring("/verify/".length());
        JsonNode body = json.readTree(ex.getRequestBody());
        Path object = objects.resolve(oid);
        if (!Files.exists(object) || Files.size(object) != body.path("size").asLong() || !body.path("oid").asString().equals(oid)) {
            respond(ex, 404, "{\"message\":\"object not found or size mismatch\"}");
            return;
        }
        respond(ex, 200, "{}");
    }

    private void commit(HttpExchange ex, Repo repo, String revision) throws IOException {
        if (!"application/x-ndjson".equals(ex.getRequestHeaders().getFirst("Content-Type"))) {
            respond(ex, 415, "{\"error\":\"commit payload must be application/x-ndjson\"}");
            return;
        }
        String[] lines = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("\n");
        synchronized (repo) {
            JsonNode header = json.readTree(lines[0]);
            if (!header.path("key").asString().equals("header") || !header.path("value").has("summary")) {
                respond(ex, 400, "{\"error\":\"the first line must be the header\"}");
                return;
            }
            String parent = header.path("value").path("parentCommit").asString(null);
            Snapshot head = repo.branches.get(revision);
            if (parent != null && (head == null || !parent.equals(head.id))) {
                respond(ex, 412, "{\"error\":\"parentCommit is not the head of " + revision + "\"}");
                return;
            }
            Map<String, FileRef> files = new TreeMap<>(head == null ? Map.of() : head.files);
            long regularBytes = 0;
            for (int i = 1; i < lines.length; i++) {
                if (lines[i].isBlank()) continue;
                JsonNode op = json.readTree(lines[i]);
                JsonNode v = op.path("value");
                switch (op.path("key").asString()) {
                    case "file" -> {
                        if (!v.path("encoding").asString().equals("base64")) {
                            respond(ex, 400, "{\"error\":\"only base64 encoding\"}");
                            return;
                        }
                        byte[] content = Base64.getDecoder().decode(v.path("content").asString());
                        regularBytes += content.length;
                        files.put(v.path("path").asString(), new FileRef(content, null));
                    }
                    case "lfsFile" -> {
                        String oid = v.path("oid").asString();
                        Path object = objects.resolve(oid);
                        if (!v.path("algo").asString().equals("sha256") || !Files.exists(object)
                                || (v.has("size") && Files.size(object) != v.path("size").asLong())) {
                            respond(ex, 422, "{\"error\":\"LFS object " + oid + " for " + v.path("path").asString()
                                    + " was not uploaded\"}");
                            return;
                        }
                        files.put(v.path("path").asString(), new FileRef(null, oid));
                    }
                    case "deletedFile" -> {
                        if (files.remove(v.path("path").asString()) == null) {
                            respond(ex, 404, "{\"error\":\"cannot delete missing file " + v.path("path").asString() + "\"}");
                            return;
                        }
                    }
                    default -> {
                        respond(ex, 400, "{\"error\":\"unknown line key " + op.path("key").asString() + "\"}");
                        return;
                    }
                }
            }
            String id = HexFormat.of().formatHex(md5((revision + commitCount.incrementAndGet() + secret).getBytes(StandardCharsets.UTF_8)))
                    + "00000000";
            Snapshot snapshot = new Snapshot(id, files);
            repo.commits.put(id, snapshot);
            repo.branches.put(revision, snapshot);
            bytesUploaded.addAndGet(regularBytes);
            respond(ex, 200, "{\"commitUrl\":\"" + url() + "/commit/" + id + "\",\"commitOid\":\"" + id
                    + "\",\"pullRequestUrl\":null}");
        }
    }

    private void tag(HttpExchange ex, Repo repo, String revision) throws IOException {
        JsonNode body = json.readTree(ex.getRequestBody());
        String tag = body.path("tag").asString();
        Snapshot at = repo.at(revision);
        if (at == null) {
            respond(ex, 404, "{\"error\":\"Invalid rev id: " + revision + "\"}");
            return;
        }
        if (repo.tags.putIfAbsent(tag, at.id) != null) {
            respond(ex, 409, "{\"error\":\"Tag " + tag + " already exists\"}");
            return;
        }
        respond(ex, 200, "{}");
    }

    private void revision(HttpExchange ex, Repo repo, String revision) throws IOException {
        Snapshot at = repo.at(revision);
        if (at == null) {
            respond(ex, 404, "{\"error\":\"Revision not found\"}");
            return;
        }
        respond(ex, 200, "{\"id\":\"x\",\"sha\":\"" + at.id + "\"}");
    }

    private void resolve(HttpExchange ex, String key, String revision, String path) throws IOException {
        Repo repo = repos.get(key);
        Snapshot at = repo == null ? null : repo.at(revision);
        FileRef ref = at == null ? null : at.files.get(path);
        if (ref == null) {
            respond(ex, 404, "{\"error\":\"Entry not found\"}");
            return;
        }
        byte[] content = content(ref);
        ex.sendResponseHeaders(200, content.length == 0 ? -1 : content.length);
        ex.getResponseBody().write(content);
    }

    private byte[] content(FileRef ref) throws IOException {
        return ref.content != null ? ref.content : Files.readAllBytes(objects.resolve(ref.lfsOid));
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                String[] p = kv.split("=", 2);
                q.put(p[0], p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "");
            }
        }
        return q;
    }

    private static void respond(HttpExchange ex, int status, String body) throws IOException {
        respondTyped(ex, status, body, "application/json");
    }

    private static void respondTyped(HttpExchange ex, int status, String body, String type) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
    }

    private String sign(String value) {
        return HexFormat.of().formatHex(md5((secret + value).getBytes(StandardCharsets.UTF_8)));
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = in.read(buffer)) > 0) sha.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] md5(byte[] bytes) {
        try {
            return MessageDigest.getInstance("MD5").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String gitSha1(byte[] content) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha1.digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record FileRef(byte @Nullable [] content, @Nullable String lfsOid) {}

    private record Snapshot(String id, Map<String, FileRef> files) {}

    private record Part(byte[] bytes, String etag) {}

    private static final class PendingMultipart {
        final String uploadId;
        final long size;
        final long chunkSize;
        final Map<Integer, Part> parts = new ConcurrentHashMap<>();

        PendingMultipart(String uploadId, long size, long chunkSize) {
            this.uploadId = uploadId;
            this.size = size;
            this.chunkSize = chunkSize;
        }
    }

    private static final class Repo {
        final Map<String, Snapshot> branches = new ConcurrentHashMap<>();
        final Map<String, Snapshot> commits = new ConcurrentHashMap<>();
        final Map<String, String> tags = new ConcurrentHashMap<>();

        @Nullable Snapshot at(String revision) {
            Snapshot s = branches.get(revision);
            if (s == null && tags.containsKey(revision)) s = commits.get(tags.get(revision));
            if (s == null) s = commits.get(revision);
            return s;
        }
    }
}
