package dev.ditto.runners;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.blobs.BlobStore;
import dev.ditto.blobs.S3BlobStore;
import dev.ditto.db.embedded.EmbeddedS3Proxy;
import dev.ditto.db.testing.SharedInfrastructure;
import dev.ditto.platform.DittoProperties;
import dev.ditto.protocol.ArtifactStored;
import dev.ditto.protocol.ArtifactUpload;
import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.ClaimRequest;
import dev.ditto.protocol.ClipResult;
import dev.ditto.protocol.DirectUpload;
import dev.ditto.protocol.EditSpec;
import dev.ditto.protocol.GeneratePayload;
import dev.ditto.protocol.GenerateResult;
import dev.ditto.protocol.JobAssignment;
import dev.ditto.protocol.JobCompletion;
import dev.ditto.protocol.JobPayload;
import dev.ditto.protocol.JobResult;
import dev.ditto.protocol.JobType;
import dev.ditto.protocol.ProbePayload;
import dev.ditto.protocol.ProbeResult;
import dev.ditto.protocol.ProtocolError;
import dev.ditto.protocol.Provenance;
import dev.ditto.protocol.RunnerPaths;
import dev.ditto.protocol.VideoFormat;
import dev.ditto.jobs.JobQueue;
import dev.ditto.releases.ReleaseApi;
import dev.ditto.testing.DittoIntegrationTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The platform with its blobs in a real S3 server (s3proxy): a source uploaded through the API, probed and generated
 * by a runner speaking the protocol with presigned URLs (inputs straight from the store, artefacts straight to it,
 * verified by the server), a release built from it; every byte lands in the bucket, none under the local blob
 * folder, and an artefact whose bytes are not the announced ones is refused.
 */
@DittoIntegrationTest
class S3StorageIT {
    private static final Path CUP = Path.of("/usr/share/doc/opencv-doc/opencv4/html/cup.mp4.gz");
    private static final String BUCKET = SharedInfrastructure.newBucketName();

    @DynamicPropertySource
    static void s3(DynamicPropertyRegistry registry) {
        registry.add("ditto.blobs.s3.endpoint", () -> SharedInfrastructure.s3proxy().endpoint());
        registry.add("ditto.blobs.s3.bucket", () -> BUCKET);
        registry.add("ditto.blobs.s3.access-key", () -> EmbeddedS3Proxy.IDENTITY);
        registry.add("ditto.blobs.s3.secret-key", () -> EmbeddedS3Proxy.CREDENTIAL);
        registry.add("ditto.blobs.s3.path-style", () -> "true");
        registry.add("ditto.blobs.s3.create-bucket", () -> "true");
        registry.add("ditto.blobs.s3.part-mb", () -> "5");
    }

    @LocalServerPort int port;
    @Autowired ObjectMapper json;
    @Autowired JdbcClient jdbc;
    @Autowired JobQueue queue;
    @Autowired BlobStore blobs;
    @Autowired DittoProperties properties;

    private final HttpClient plain = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void sourceToReleaseKeepsEveryByteInTheBucketAndRefusesTamperedArtefacts() throws Exception {
        assertThat(blobs).isInstanceOf(S3BlobStore.class);
        RunnerHttp http = new RunnerHttp(port, json);
        String token = http.read(http.asAdmin("POST", "/api/admin/runners", Map.of("name", "s3-runner")), CreatedRunner.class).token();
        byte[] video;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(CUP))) {
            video = in.readAllBytes();
        }

        // a curator uploads a source: it lands in the bucket
        HttpResponse<String> uploaded = plain.send(HttpRequest.newBuilder(URI.create(base() + "/api/sources?name=cup.mp4"))
                .header("Authorization", admin()).header("Content-Type", "video/mp4")
                .POST(HttpRequest.BodyPublishers.ofByteArray(video)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        long sourceId = json.readTree(uploaded.body()).path("sourceId").asLong();

        // the runner claims the PROBE and downloads its input straight from the store
        JobAssignment probe = claim(http, token, JobType.PROBE);
        BlobRef input = ((ProbePayload) probe.payload()).video();
        assertThat(download(http, token, input)).isEqualTo(video);

        // an artefact whose bytes differ from the announced sha256 is refused, and nothing of it is kept
        byte[] tampered = video.clone();
        tampered[tampered.length / 2] ^= 1;
        ArtifactUpload announced = new ArtifactUpload(probe.attempt(), sha256(video), video.length, "video/mp4");
        putDirect(http, token, probe.jobId(), "clip-0.mp4", announced, tampered);
        HttpResponse<String> refused = http.post(RunnerPaths.ARTIFACT_UPLOADED.formatted(probe.jobId(), "clip-0.mp4"), token, announced);
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(http.read(refused, ProtocolError.class).error()).isEqualTo("checksum_mismatch");
        assertThat(objects()).noneMatch(k -> k.startsWith("incoming/"));

        // a completion naming a blob that never went through the store is refused too
        byte[] keyFrame = jpeg("key frame");
        BlobRef unverified = new BlobRef(sha256(keyFrame), keyFrame.length, "image/jpeg");
        HttpResponse<String> early = http.post(RunnerPaths.COMPLETE.formatted(probe.jobId()), token,
                new JobCompletion(probe.attempt(), probeResult(unverified, unverified, unverified), List.of()));
        assertThat(early.statusCode()).isEqualTo(422);
        assertThat(http.read(early, ProtocolError.class).error()).isEqualTo("artifact_not_verified");

        // the real artefacts go straight to the store, verified by the server, and the probe completes
        BlobRef clip = uploadDirect(http, token, probe, "clip-0.mp4", video, "video/mp4");
        BlobRef key = uploadDirect(http, token, probe, "key-0.jpg", keyFrame, "image/jpeg");
        BlobRef thumb = uploadDirect(http, token, probe, "thumb-0.jpg", jpeg("thumbnail"), "image/jpeg");
        HttpResponse<String> probed = http.post(RunnerPaths.COMPLETE.formatted(probe.jobId()), token,
                new JobCompletion(probe.attempt(), probeResult(clip, key, thumb), List.of()));
        assertThat(probed.statusCode()).as(probed.body()).isEqualTo(200);
        long clipId = jdbc.sql("select id from source_assets where source_id = :s and kind = 'CLIP'")
                .param("s", sourceId).query(Long.class).single();

        // a GENERATE job: the edited video and its key frame go to the store the same way
        long sampleId = generateJob(sourceId, clipId, clip);
        JobAssignment generate = claim(http, token, JobType.GENERATE);
        assertThat(download(http, token, ((GeneratePayload) generate.payload()).sourceClip())).isEqualTo(video);
        byte[] edited = editedVideo();
        BlobRef editedRef = uploadDirect(http, token, generate, "edited.mp4", edited, "video/mp4");
        BlobRef editedKey = uploadDirect(http, token, generate, "edited-key.jpg", jpeg("edited key frame"), "image/jpeg");
        HttpResponse<String> generated = http.post(RunnerPaths.COMPLETE.formatted(generate.jobId()), token,
                new JobCompletion(generate.attempt(), new GenerateResult(1, editedRef, editedKey, Map.of("ssim", 0.8),
                        Map.of(), new Provenance("s3-runner", List.of())), List.of()));
        assertThat(generated.statusCode()).as(generated.body()).isEqualTo(200);

        // the dashboard's player is sent to the store by a presigned URL, after the sign-in check
        HttpResponse<Void> anonymous = plain.send(HttpRequest.newBuilder(URI.create(base() + "/media/blobs/" + editedRef.key()))
                .build(), HttpResponse.BodyHandlers.discarding());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        HttpResponse<Void> media = plain.send(HttpRequest.newBuilder(URI.create(base() + "/media/blobs/" + editedRef.key()))
                .header("Authorization", admin()).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(media.statusCode()).isEqualTo(307);
        HttpResponse<byte[]> played = plain.send(HttpRequest.newBuilder(URI.create(media.headers().firstValue("Location").orElseThrow()))
                .header("Range", "bytes=0-99").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(played.statusCode()).isEqualTo(206);
        assertThat(played.body()).isEqualTo(java.util.Arrays.copyOf(edited, 100));
        assertThat(played.headers().firstValue("Content-Type")).contains("video/mp4");

        // a release of the accepted sample
        jdbc.sql("update samples set status = 'ACCEPTED', judge_score = 0.9 where id = :id").param("id", sampleId).update();
        ReleaseApi api = new ReleaseApi(port, json);
        var release = api.post("/api/releases", Map.of("name", "ditto-s3", "version", "1.0.0"));
        assertThat(release.status()).as(release.body()).isEqualTo(201);
        assertThat(release.json().path("state").asString()).isEqualTo("BUILT");

        List<String> objects = objects();
        assertThat(objects).contains("blobs/" + sha256(video), "blobs/" + editedRef.key(), "blobs/" + editedKey.key(),
                "blobs/" + key.key(), "blobs/" + thumb.key());
        assertThat(objects).noneMatch(k -> k.startsWith("incoming/"));
        assertThat(releaseObjects(objects)).isNotEmpty();
        JsonNode manifest = json.readTree(((S3BlobStore) blobs).folder("releases/ditto-s3/1.0.0").open("manifest.json"));
        for (JsonNode file : manifest.path("files")) {
            assertThat(((S3BlobStore) blobs).folder("releases/ditto-s3/1.0.0").size(file.path("path").asString()))
                    .as(file.path("path").asString()).contains(file.path("size").asLong());
        }
        assertThat(filesUnder(properties.blobDir())).isEmpty();
    }

    private static List<String> releaseObjects(List<String> objects) {
        return objects.stream().filter(k -> k.startsWith("releases/ditto-s3/1.0.0/") && k.endsWith(".tar")).toList();
    }

    private List<String> objects() {
        return ((S3BlobStore) blobs).folder("").list();
    }

    private static List<Path> filesUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (var walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    private JobAssignment claim(RunnerHttp http, String token, JobType type) throws Exception {
        HttpResponse<String> claimed = http.post(RunnerPaths.CLAIM, token, new ClaimRequest(List.of(type), 5));
        assertThat(claimed.statusCode()).as(claimed.body()).isEqualTo(200);
        return http.read(claimed, JobAssignment.class);
    }

    /** The runner's download: the server answers 307 to a presigned GET, fetched without the runner's token. */
    private byte[] download(RunnerHttp http, String token, BlobRef blob) throws Exception {
        HttpResponse<String> redirect = http.get(RunnerPaths.BLOB.formatted(blob.key()), token);
        assertThat(redirect.statusCode()).isEqualTo(307);
        URI location = URI.create(redirect.headers().firstValue("Location").orElseThrow());
        assertThat(location.getPort()).isEqualTo(SharedInfrastructure.s3proxy().port());
        HttpResponse<byte[]> bytes = plain.send(HttpRequest.newBuilder(location).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(bytes.statusCode()).isEqualTo(200);
        return bytes.body();
    }

    private BlobRef uploadDirect(RunnerHttp http, String token, JobAssignment job, String name, byte[] content,
                                 String type) throws Exception {
        ArtifactUpload upload = new ArtifactUpload(job.attempt(), sha256(content), content.length, type);
        putDirect(http, token, job.jobId(), name, upload, content);
        HttpResponse<String> stored = http.post(RunnerPaths.ARTIFACT_UPLOADED.formatted(job.jobId(), name), token, upload);
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
        return http.read(stored, ArtifactStored.class).blob();
    }

    private void putDirect(RunnerHttp http, String token, long jobId, String name, ArtifactUpload upload, byte[] content)
            throws Exception {
        HttpResponse<String> asked = http.post(RunnerPaths.ARTIFACT_UPLOAD_URL.formatted(jobId, name), token, upload);
        assertThat(asked.statusCode()).as(asked.body()).isEqualTo(200);
        DirectUpload direct = http.read(asked, DirectUpload.class);
        assertThat(direct.url()).isNotNull();
        HttpResponse<Void> put = plain.send(HttpRequest.newBuilder(URI.create(direct.url()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(put.statusCode()).isEqualTo(200);
    }

    private long generateJob(long sourceId, long clipId, BlobRef clip) {
        EditSpec spec = new EditSpec("add_snowfall", Map.of("density", 0.6), 7, "add falling snow");
        long instruction = jdbc.sql("""
                insert into instructions (source_id, clip_id, category, text, edit_spec, engine, model, prompt_version, seed)
                values (:s, :clip, 'LOCAL_ADD', 'add falling snow', cast(:spec as jsonb), 'grammar', 'builtin', 'v1', 7)
                returning id""")
                .param("s", sourceId).param("clip", clipId).param("spec", json.writeValueAsString(spec))
                .query(Long.class).single();
        long sample = jdbc.sql("""
                insert into samples (source_id, clip_id, instruction_id, status, category)
                values (:s, :clip, :i, 'QUEUED', 'LOCAL_ADD') returning id""")
                .param("s", sourceId).param("clip", clipId).param("i", instruction).query(Long.class).single();
        JobPayload payload = new GeneratePayload(JobPayload.CURRENT_VERSION, sample, clipId, instruction, clip,
                "add falling snow", spec, VideoFormat.DITTO_DEFAULT);
        queue.enqueue(JobType.GENERATE, payload, 0, sourceId, sample);
        return sample;
    }

    private static JobResult probeResult(BlobRef clip, BlobRef key, BlobRef thumb) {
        return new ProbeResult(1, 3.6, 20.0, 832, 480, "h264", List.of(new ClipResult(0, 0, 3.6, clip, key, thumb,
                Map.of("motion", 2.0, "people", 0.0, "brisque", 30.0), "ff00ff00ff00ff00")),
                List.of("cup"), Map.of(), new Provenance("s3-runner", List.of()));
    }

    /** A real edited video: ffmpeg's test pattern at the platform's size. */
    private static byte[] editedVideo() throws Exception {
        Path file = Files.createTempFile("edited-", ".mp4");
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "smptebars=size=832x480:rate=20",
                "-frames:v", "40", "-pix_fmt", "yuv420p", file.toString()).redirectErrorStream(true).start();
        assertThat(ffmpeg.waitFor()).as(new String(ffmpeg.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        try {
            return Files.readAllBytes(file);
        } finally {
            Files.delete(file);
        }
    }

    private static byte[] jpeg(String marker) {
        byte[] text = marker.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[text.length + 4];
        bytes[0] = (byte) 0xff;
        bytes[1] = (byte) 0xd8;
        bytes[2] = (byte) 0xff;
        System.arraycopy(text, 0, bytes, 3, text.length);
        bytes[bytes.length - 1] = (byte) 0xd9;
        return bytes;
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private static String admin() {
        return "Basic " + Base64.getEncoder().encodeToString("admin:admin-test-password".getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
