package dev.ditto.runners;

import dev.ditto.blobs.BlobStore;
import dev.ditto.blobs.DirectTransfers;
import dev.ditto.jobs.ClaimLongPoll;
import dev.ditto.jobs.JobQueue;
import dev.ditto.platform.DittoProperties;
import dev.ditto.protocol.ArtifactStored;
import dev.ditto.protocol.ArtifactUpload;
import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.ClaimRequest;
import dev.ditto.protocol.DirectUpload;
import dev.ditto.protocol.Heartbeat;
import dev.ditto.protocol.HeartbeatAck;
import dev.ditto.protocol.JobAssignment;
import dev.ditto.protocol.JobCompletion;
import dev.ditto.protocol.JobFailure;
import dev.ditto.protocol.JobOutcome;
import dev.ditto.protocol.JobResult;
import dev.ditto.protocol.JobType;
import dev.ditto.protocol.RunnerPaths;
import dev.ditto.protocol.RunnerRegistered;
import dev.ditto.protocol.RunnerRegistration;
import jakarta.annotation.PreDestroy;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The runner protocol over HTTP (see {@code openapi/runner-protocol.yaml}): one endpoint per verb. */
@RestController
@RequestMapping("/api/runner")
class RunnerProtocolController {
    private static final MediaType YAML = MediaType.parseMediaType("application/yaml");

    private final RunnerTokens runners;
    private final JobQueue queue;
    private final ClaimLongPoll longPoll;
    private final BlobStore blobs;
    private final DittoProperties.Runner settings;
    private final ObjectMapper json;
    private final ExecutorService waiters = Executors.newVirtualThreadPerTaskExecutor();

    RunnerProtocolController(RunnerTokens runners, JobQueue queue, ClaimLongPoll longPoll, BlobStore blobs,
                             DittoProperties properties, ObjectMapper json) {
        this.runners = runners;
        this.json = json;
        this.queue = queue;
        this.longPoll = longPoll;
        this.blobs = blobs;
        this.settings = properties.runner();
    }

    @PreDestroy
    void stopWaiting() {
        waiters.shutdownNow();
    }

    @GetMapping("/openapi.yaml")
    ResponseEntity<Resource> openApi() {
        return ResponseEntity.ok().contentType(YAML).body(new ClassPathResource("openapi/runner-protocol.yaml"));
    }

    @PostMapping("/register")
    RunnerRegistered register(@AuthenticationPrincipal RunnerPrincipal runner, @RequestBody RunnerRegistration registration) {
        //noinspection ConstantValue (JSON may leave them out)
        if (registration.capabilities() == null || registration.stages() == null) {
            throw new RunnerRequestException(HttpStatus.BAD_REQUEST, "bad_registration",
                    "A registration names the runner's capabilities and stages (see /api/runner/openapi.yaml).");
        }
        return runners.register(runner.id(), registration);
    }

    /** Long-poll: the wait runs on a virtual thread, so neither a servlet thread nor a connection is held. */
    @PostMapping("/claim")
    DeferredResult<ResponseEntity<JobAssignment>> claim(@AuthenticationPrincipal RunnerPrincipal runner,
                                                        @RequestBody ClaimRequest request) {
        @SuppressWarnings("ConstantValue")
        List<JobType> types = request.types() == null || request.types().isEmpty() ? List.of(JobType.values()) : request.types();
        int waitSeconds = Math.clamp(request.waitSeconds(), 0, settings.maxClaimWaitSeconds());
        DeferredResult<ResponseEntity<JobAssignment>> answer = new DeferredResult<>((waitSeconds + 30) * 1000L);
        AtomicBoolean open = new AtomicBoolean(true);
        answer.onTimeout(() -> {
            open.set(false);
            answer.setResult(ResponseEntity.noContent().build());
        });
        answer.onError(e -> open.set(false));
        answer.onCompletion(() -> open.set(false));
        waiters.execute(() -> {
            try {
                Optional<JobAssignment> job = longPoll.claim(runner.id(), types, Duration.ofSeconds(waitSeconds), open::get);
                if (job.isEmpty()) {
                    answer.setResult(ResponseEntity.noContent().build());
                } else if (!answer.setResult(ResponseEntity.ok(job.get()))) {
                    queue.release(job.get().jobId(), runner.id(), job.get().attempt()); // the runner hung up
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answer.setErrorResult(new RunnerRequestException(HttpStatus.SERVICE_UNAVAILABLE, "shutting_down",
                        "The server is shutting down; claim again in a moment."));
            } catch (RuntimeException e) {
                answer.setErrorResult(e);
            }
        });
        return answer;
    }

    @PostMapping("/jobs/{jobId}/heartbeat")
    HeartbeatAck heartbeat(@AuthenticationPrincipal RunnerPrincipal runner, @PathVariable long jobId,
                           @RequestBody Heartbeat heartbeat) {
        return queue.heartbeat(jobId, runner.id(), heartbeat.attempt(), heartbeat.stage(), heartbeat.progress());
    }

    /** Streams the body into the blob store: never buffered in memory, size-limited, sha256-checked. */
    @PutMapping("/jobs/{jobId}/artifacts/{name}")
    ArtifactStored upload(@AuthenticationPrincipal RunnerPrincipal runner, @PathVariable long jobId, @PathVariable String name,
                          @RequestParam int attempt,
                          @RequestHeader(name = RunnerPaths.SHA256_HEADER, required = false) @Nullable String sha256,
                          @RequestHeader(name = "Content-Type", required = false) @Nullable String contentType,
                          HttpServletRequest request) throws IOException {
        String sha = checkedArtifact(name, sha256, request.getContentLengthLong());
        long maxBytes = settings.maxArtifactMb() * 1024 * 1024;
        queue.checkLease(jobId, runner.id(), attempt);
        blobs.requireSpace(request.getContentLengthLong());
        BlobStore.StoredBlob blob = blobs.put(request.getInputStream(), maxBytes, sha);
        queue.recordArtifact(jobId, runner.id(), attempt, name, blob.key(), blob.size());
        return new ArtifactStored(name, new BlobRef(blob.key(), blob.size(), contentTypeOf(name, contentType)));
    }

    /**
     * Where to PUT an artefact straight to the object store: a presigned URL of a staging object, when the store
     * offers one (S3); both fields null when blobs live on this server's disk (then PUT it to this server).
     */
    @PostMapping("/jobs/{jobId}/artifacts/{name}/upload-url")
    DirectUpload uploadUrl(@AuthenticationPrincipal RunnerPrincipal runner, @PathVariable long jobId,
                           @PathVariable String name, @RequestBody ArtifactUpload upload) throws IOException {
        String sha = checkedArtifact(name, upload.sha256(), upload.size());
        queue.checkLease(jobId, runner.id(), upload.attempt());
        Optional<DirectTransfers> direct = blobs.direct();
        if (direct.isEmpty()) {
            return new DirectUpload(null, null);
        }
        URI url = direct.get().uploadUrl(stagingName(jobId, upload.attempt(), sha));
        return new DirectUpload(url.toString(), Instant.now().plus(direct.get().ttl()));
    }

    /**
     * Accepts an artefact the runner PUT to its presigned URL: the server checks the stored object's size and
     * sha256 (reading it back) against what the runner announced before it becomes a blob of the job; a mismatch
     * is refused (422) and the object discarded.
     */
    @PostMapping("/jobs/{jobId}/artifacts/{name}/uploaded")
    ArtifactStored uploaded(@AuthenticationPrincipal RunnerPrincipal runner, @PathVariable long jobId,
                            @PathVariable String name, @RequestBody ArtifactUpload upload) throws IOException {
        String sha = checkedArtifact(name, upload.sha256(), upload.size());
        queue.checkLease(jobId, runner.id(), upload.attempt());
        DirectTransfers direct = blobs.direct().orElseThrow(() -> new RunnerRequestException(HttpStatus.CONFLICT,
                "direct_upload_unavailable", "This server keeps blobs on its own disk; upload the artefact with PUT "
                + RunnerPaths.ARTIFACT.formatted(jobId, name, upload.attempt()) + "."));
        BlobStore.StoredBlob blob;
        try {
            blob = direct.acceptUpload(stagingName(jobId, upload.attempt(), sha), sha, upload.size());
        } catch (NoSuchFileException e) {
            throw new RunnerRequestException(HttpStatus.NOT_FOUND, "artifact_not_uploaded", "Nothing was uploaded for "
                    + name + " (sha256 " + sha + "); PUT it to the URL from …/upload-url first, then call …/uploaded.");
        }
        queue.recordArtifact(jobId, runner.id(), upload.attempt(), name, blob.key(), blob.size());
        return new ArtifactStored(name, new BlobRef(blob.key(), blob.size(), contentTypeOf(name, upload.contentType())));
    }

    /** The artefact's name and sha256 checked (the sha256 returned lower-case), its size within the limit. */
    private String checkedArtifact(String name, @Nullable String sha256, long size) throws BlobStore.BlobTooLargeException {
        if (!name.matches("[A-Za-z0-9_-][A-Za-z0-9._ -]{0,127}")) {
            throw new RunnerRequestException(HttpStatus.BAD_REQUEST, "bad_artifact_name",
                    "An artefact name is 1–128 letters, digits, spaces or . _ - and does not start with a dot; got '" + name + "'.");
        }
        if (sha256 == null || !BlobStore.isValidKey(sha256.strip().toLowerCase(Locale.ROOT))) {
            throw new RunnerRequestException(HttpStatus.BAD_REQUEST, "missing_checksum",
                    "Send the artefact's sha256 (64 hex digits) in the " + RunnerPaths.SHA256_HEADER + " header.");
        }
        long maxBytes = settings.maxArtifactMb() * 1024 * 1024;
        if (size > maxBytes) {
            throw new BlobStore.BlobTooLargeException(maxBytes);
        }
        return sha256.strip().toLowerCase(Locale.ROOT);
    }

    private static String stagingName(long jobId, int attempt, String sha) {
        return "runner/" + jobId + "/" + attempt + "/" + sha;
    }

    private static String contentTypeOf(String name, @Nullable String contentType) {
        return contentType == null || contentType.isBlank() ? guessContentType(name) : contentType;
    }

    /**
     * With an object store that runners write to directly, a completion may only name blobs the store holds with
     * the size it names (every artefact went through {@code …/uploaded} or the server's own PUT, both verified).
     */
    private void requireStoredBlobs(long jobId, JobResult result) {
        if (blobs.direct().isEmpty()) {
            return;
        }
        List<JsonNode> refs = new ArrayList<>();
        collectBlobRefs(json.valueToTree(result), refs);
        for (JsonNode ref : refs) {
            String key = ref.get("key").asString();
            long size = ref.get("size").asLong();
            Optional<BlobStore.StoredBlob> stored = blobs.stat(key);
            if (stored.isEmpty() || stored.get().size() != size) {
                throw new RunnerRequestException(HttpStatus.UNPROCESSABLE_CONTENT, "artifact_not_verified",
                        "Job " + jobId + "'s result names blob " + key + " (" + size + " bytes), which the object store "
                        + (stored.isEmpty() ? "does not hold" : "holds with " + stored.get().size() + " bytes")
                        + "; upload it (…/upload-url, PUT, …/uploaded) before completing.");
            }
        }
    }

    private static void collectBlobRefs(JsonNode node, List<JsonNode> refs) {
        if (node.isObject() && node.has("key") && node.has("size") && node.get("size").isNumber()
                && BlobStore.isValidKey(node.get("key").asString())) {
            refs.add(node);
        }
        for (JsonNode child : node) {
            collectBlobRefs(child, refs);
        }
    }

    @PostMapping("/jobs/{jobId}/complete")
    JobOutcome complete(@AuthenticationPrincipal RunnerPrincipal runner, @PathVariable long jobId,
                        @RequestBody JobCompletion completion) {
        if (completion.result() == null) {
            throw new RunnerRequestException(HttpStatus.BAD_REQUEST, "missing_result", "A completion carries the job's result.");
        }
        requireStoredBlobs(jobId, completion.result());
        List<JobType> wanted = completion.claimNext() == null ? List.of()
                : completion.claimNext().stream().filter(java.util.Objects::nonNull).distinct().toList();
        if (wanted.isEmpty()) {
            JobQueue.Completion done = queue.complete(jobId, runner.id(), completion.attempt(), completion.result());
            return new JobOutcome(jobId, completion.attempt(), done.name(), null);
        }
        // if this answer never reaches the runner, the job it carries is reclaimed when its lease expires
        JobQueue.CompletionAndNext done = queue.completeAndClaimNext(jobId, runner.id(), completion.attempt(),
                completion.result(), wanted);
        return new JobOutcome(jobId, completion.attempt(), done.completion().name(), done.next().orElse(null));
    }

    @PostMapping("/jobs/{jobId}/fail")
    JobOutcome fail(@AuthenticationPrincipal RunnerPrincipal runner, @PathVariable long jobId, @RequestBody JobFailure failure) {
        String error = failure.error() == null || failure.error().isBlank() ? "the runner gave no reason" : failure.error();
        JobQueue.FailureOutcome outcome = failure.handBack()
                ? queue.handBack(jobId, runner.id(), failure.attempt(), error)
                : queue.fail(jobId, runner.id(), failure.attempt(), error, failure.retryable());
        return new JobOutcome(jobId, failure.attempt(), outcome.name(), null);
    }

    /**
     * An input of a job the runner holds right now (named in its payload), with HTTP Range support. Blob keys
     * are content hashes, but a token that leaks should still not read every video on the platform. With an object
     * store the answer is a 307 to a presigned GET (valid {@code ditto.blobs.s3.presign-ttl}): the bytes come
     * straight from the store; follow it without this server's Authorization header.
     */
    @GetMapping("/blobs/{key}")
    ResponseEntity<Resource> blob(@AuthenticationPrincipal RunnerPrincipal runner, @PathVariable String key) {
        if (!BlobStore.isValidKey(key) || !queue.isInputOfLeasedJob(runner.id(), key)) {
            throw new RunnerRequestException(HttpStatus.NOT_FOUND, "blob_not_found",
                    "Blob " + key + " is not an input of a job this runner holds; claim the job first (or its lease was lost).");
        }
        Optional<DirectTransfers> direct = blobs.direct();
        if (direct.isPresent()) {
            if (blobs.stat(key).isEmpty()) {
                throw missingBlob(key);
            }
            return ResponseEntity.status(HttpStatus.TEMPORARY_REDIRECT)
                    .location(direct.get().downloadUrl(key, MediaType.APPLICATION_OCTET_STREAM_VALUE))
                    .cacheControl(CacheControl.noStore()).build();
        }
        Resource resource = blobs.resource(key).orElseThrow(() -> missingBlob(key));
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .eTag("\"" + key + "\"")
                .cacheControl(CacheControl.maxAge(Duration.ofDays(365)).cachePrivate().immutable())
                .body(resource);
    }

    private static RunnerRequestException missingBlob(String key) {
        return new RunnerRequestException(HttpStatus.NOT_FOUND, "blob_missing",
                "Blob " + key + " is named by the job but missing from the blob store; fail the job as retryable.");
    }

    private static String guessContentType(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".mp4")) {
            return "video/mp4";
        } else if (lower.endsWith(".jpg") || lower.endsWith(".jpeg")) {
            return "image/jpeg";
        } else if (lower.endsWith(".png")) {
            return "image/png";
        } else if (lower.endsWith(".json")) {
            return "application/json";
        }
        return "application/octet-stream";
    }

}
