package dev.ditto.runner;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ditto.protocol.ArtifactStored;
import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.ClaimRequest;
import dev.ditto.protocol.Heartbeat;
import dev.ditto.protocol.HeartbeatAck;
import dev.ditto.protocol.JobAssignment;
import dev.ditto.protocol.JobCompletion;
import dev.ditto.protocol.JobOutcome;
import dev.ditto.protocol.JobFailure;
import dev.ditto.protocol.RunnerRegistered;
import dev.ditto.protocol.RunnerRegistration;
import dev.ditto.runner.client.RunnerJson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.json.JsonMapper;

/** An in-test server that speaks the runner protocol, with knobs for the faults a runner must survive. */
final class FakeRunnerServer implements AutoCloseable {
    static final String TOKEN = "test-token";

    final JsonMapper json = RunnerJson.mapper();
    final BlockingQueue<JobAssignment> queue = new LinkedBlockingQueue<>();
    final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    final Map<String, byte[]> artifacts = new ConcurrentHashMap<>();
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final List<RunnerRegistration> registrations = new CopyOnWriteArrayList<>();
    final List<Heartbeat> heartbeats = new CopyOnWriteArrayList<>();
    final Set<Long> leaseLost = ConcurrentHashMap.newKeySet();
    final AtomicInteger claimsToFailWith503 = new AtomicInteger();
    /** Artefact uploads still to refuse with 507, as a server whose disk is full; negative: all of them. */
    final AtomicInteger uploadsToRefuseWith507 = new AtomicInteger();
    /** Artefact uploads received, refused or stored. */
    final AtomicInteger uploads = new AtomicInteger();
    /** Jobs handed out by {@code claim} (the rest went out with completions that asked for the next job). */
    final AtomicInteger jobsClaimed = new AtomicInteger();
    private final HttpServer server;

    /** Something the runner reported: a completion or a failure. */
    record Event(long jobId, JobCompletion completion, JobFailure failure) {}

    FakeRunnerServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/api/runner/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    BlobRef addBlob(byte[] bytes, String contentType) throws Exception {
        String key = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        blobs.put(key, bytes);
        return new BlobRef(key, bytes.length, contentType);
    }

    Event nextEvent() throws InterruptedException {
        Event e = events.poll(120, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("the runner reported nothing within 120 s");
        }
        return e;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                send(ex, 401, "{\"status\":401,\"error\":\"unauthorized\",\"message\":\"bad token\"}");
                return;
            }
            String path = ex.getRequestURI().getPath();
            byte[] body = ex.getRequestBody().readAllBytes();
            String[] parts = path.split("/");
            if (path.equals("/api/runner/register")) {
                registrations.add(json.readValue(body, RunnerRegistration.class));
                send(ex, 200, json.writeValueAsString(new RunnerRegistered(1, 1, 30)));
            } else if (path.equals("/api/runner/claim")) {
                if (claimsToFailWith503.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    send(ex, 503, "{\"status\":503,\"error\":\"unavailable\",\"message\":\"restarting\"}");
                    return;
                }
                ClaimRequest claim = json.readValue(body, ClaimRequest.class);
                JobAssignment job = queue.poll(Math.min(claim.waitSeconds() * 1000L, 200), TimeUnit.MILLISECONDS);
                if (job == null) {
                    ex.sendResponseHeaders(204, -1);
                } else {
                    jobsClaimed.incrementAndGet();
                    send(ex, 200, json.writeValueAsString(job));
                }
            } else if (path.startsWith("/api/runner/blobs/")) {
                byte[] blob = blobs.get(parts[4]);
                if (blob == null) {
                    send(ex, 404, "{}");
                } else {
                    ex.sendResponseHeaders(200, blob.length);
                    ex.getResponseBody().write(blob);
                }
            } else if (parts.length >= 6 && parts[3].equals("jobs")) {
                long id = Long.parseLong(parts[4]);
                switch (parts[5]) {
                    case "heartbeat" -> {
                        heartbeats.add(json.readValue(body, Heartbeat.class));
                        if (leaseLost.contains(id)) {
                            send(ex, 409, "{\"status\":409,\"error\":\"lease_lost\",\"message\":\"job " + id + " lease expired\"}");
                        } else {
                            send(ex, 200, json.writeValueAsString(new HeartbeatAck(Instant.now().plusSeconds(30), false)));
                        }
                    }
                    case "artifacts" -> {
                        uploads.incrementAndGet();
                        if (uploadsToRefuseWith507.getAndUpdate(n -> n > 0 ? n - 1 : n) != 0) {
                            send(ex, 507, "{\"status\":507,\"error\":\"insufficient_storage\",\"message\":\"The artefact "
                                    + "was refused: the blob store folder /srv/blobs has 12 MB free; free space and try again.\"}");
                            return;
                        }
                        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
                        if (!sha.equals(ex.getRequestHeaders().getFirst("X-Content-SHA256"))
                                || ex.getRequestURI().getQuery() == null || !ex.getRequestURI().getQuery().startsWith("attempt=")) {
                            send(ex, 400, "{\"status\":400,\"error\":\"bad_upload\",\"message\":\"sha256 or attempt\"}");
                            return;
                        }
                        artifacts.put(parts[6], body);
                        String type = ex.getRequestHeaders().getFirst("Content-Type");
                        send(ex, 200, json.writeValueAsString(new ArtifactStored(parts[6], new BlobRef(sha, body.length, type))));
                    }
                    case "complete" -> {
                        JobCompletion completion = json.readValue(body, JobCompletion.class);
                        events.add(new Event(id, completion, null));
                        // like the server: a completion that asks for more work carries the next job, if any
                        JobAssignment next = completion.claimNext() == null || completion.claimNext().isEmpty() ? null
                                : queue.poll();
                        send(ex, 200, json.writeValueAsString(new JobOutcome(id, completion.attempt(), "COMPLETED", next)));
                    }
                    case "fail" -> {
                        events.add(new Event(id, null, json.readValue(body, JobFailure.class)));
                        ex.sendResponseHeaders(204, -1);
                    }
                    default -> send(ex, 404, "{}");
                }
            } else {
                send(ex, 404, "{}");
            }
        } catch (Exception e) {
            send(ex, 500, "{\"status\":500,\"error\":\"fake\",\"message\":\"" + e + "\"}");
        }
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
