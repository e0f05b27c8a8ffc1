package dev.ditto.runners;

import static dev.ditto.jobs.JobFixtures.aProbePayloadOf;
import static dev.ditto.jobs.JobFixtures.aRunnerName;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.blobs.BlobStore;
import dev.ditto.blobs.FillingBlobStore;
import dev.ditto.blobs.LocalBlobStore;
import dev.ditto.blobs.SettableFreeSpace;
import dev.ditto.jobs.JobQueue;
import dev.ditto.jobs.QueueIntegrationTest;
import dev.ditto.platform.DittoProperties;
import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.ClaimRequest;
import dev.ditto.protocol.JobAssignment;
import dev.ditto.protocol.JobType;
import dev.ditto.protocol.ProtocolError;
import dev.ditto.protocol.RunnerPaths;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
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
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The blob store's disk full, made so at the lowest seams there are: the folder's usable space as the file system
 * reports it ({@link dev.ditto.platform.FreeSpace}), and the JDK's own {@code IOException("No space left on device")} from a write after
 * part of the content reached the disk. Source uploads and runner artefacts are answered 507 with the folder and its
 * free space, nothing half-written stays, a runner's job keeps its attempt, and the same upload succeeds once space
 * returns.
 */
@QueueIntegrationTest
@Import(DiskFullIT.FullDisk.class)
class DiskFullIT {
    private static final long MB = 1024 * 1024;
    private static final String ADMIN = "Basic " + Base64.getEncoder()
            .encodeToString("admin:admin-test-password".getBytes(StandardCharsets.UTF_8));

    @LocalServerPort int port;
    @Autowired ObjectMapper json;
    @Autowired JobQueue queue;
    @Autowired BlobStore blobs;
    @Autowired JdbcClient jdbc;
    @Autowired SettableFreeSpace space;

    RunnerHttp http;

    @TestConfiguration(proxyBeanMethods = false)
    static class FullDisk {
        @Bean
        @Primary
        SettableFreeSpace settableFreeSpace() {
            return new SettableFreeSpace();
        }

        @Bean
        @Primary
        FillingBlobStore fillingBlobStore(DittoProperties properties, SettableFreeSpace space) throws IOException {
            return new FillingBlobStore(properties.blobDir(), space);
        }
    }

    @BeforeEach
    void setUp() {
        jdbc.sql("delete from jobs").update();
        http = new RunnerHttp(port, json);
    }

    @AfterEach
    void spaceReturns() {
        space.usable = -1;
        store().failAfterBytes = -1;
    }

    @Test
    void aSourceUploadLargerThanTheFreeSpaceIsAnswered507BeforeAByteIsStored() throws Exception {
        byte[] video = aVideo(13 * (int) MB, 1);
        space.usable = 12 * MB;
        List<Path> before = blobFiles();

        String refused;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/sources?name=full.mp4 HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + ADMIN
                    + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + video.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(video, 0, 4096); // and then waits for the answer, which comes before the body is read
            out.flush();
            refused = answerOn(socket);
        }

        assertThat(refused).startsWith("HTTP/1.1 507").contains("application/problem+json");
        JsonNode problem = json.readTree(refused.substring(refused.indexOf("\r\n\r\n") + 4));
        assertThat(problem.get("status").asInt()).isEqualTo(507);
        assertThat(problem.get("title").asString()).isEqualTo("Insufficient Storage");
        assertThat(problem.get("type").asString()).isEqualTo("https://ditto.dev/problems/insufficient-storage");
        assertThat(problem.get("detail").asString())
                .isEqualTo("full.mp4: not stored: the blob store folder " + root() + " has 12 MB free; free space and try again.");
        assertThat(problem.get("folder").asString()).isEqualTo(root().toString());
        assertThat(problem.get("freeBytes").asLong()).isEqualTo(12 * MB);
        assertThat(blobFiles()).isEqualTo(before);
        assertThat(sourcesWith(sha256(video))).isZero();

        space.usable = -1;
        HttpResponse<String> stored = uploadSource("full.mp4", video);
        assertThat(stored.statusCode()).isEqualTo(201);
        assertThat(sourcesWith(sha256(video))).isOne();
    }

    @Test
    void aSourceUploadWhoseWriteRunsOutOfSpaceIsAnswered507AndLeavesNothingHalfWritten() throws Exception {
        byte[] video = aVideo(400_000, 2);
        store().failAfterBytes = 200_000;
        List<Path> before = blobFiles();

        HttpResponse<String> refused = uploadSource("half.mp4", video);

        assertThat(refused.statusCode()).isEqualTo(507);
        JsonNode problem = json.readTree(refused.body());
        assertThat(problem.get("detail").asString()).contains("the blob store folder " + root() + " has ")
                .contains("MB free; free space and try again");
        assertThat(problem.get("file").asString()).isEqualTo("half.mp4");
        assertThat(blobFiles()).as("the temp file is gone, no blob appeared").isEqualTo(before);
        assertThat(blobs.stat(sha256(video))).isEmpty();

        store().failAfterBytes = -1;
        assertThat(uploadSource("half.mp4", video).statusCode()).isEqualTo(201);
        assertThat(blobs.stat(sha256(video))).isPresent();
    }

    @Test
    void aRunnersArtefactIsAnswered507InTheProtocolsFormatAndTheJobKeepsItsAttempt() throws Exception {
        String token = aRunnerToken();
        BlobStore.StoredBlob input = blobs.put(new ByteArrayInputStream(aVideo(10_000, 3)), Long.MAX_VALUE, null);
        long jobId = queue.enqueue(JobType.PROBE, aProbePayloadOf(new BlobRef(input.key(), input.size(), "video/mp4")), 0, null, null);
        JobAssignment job = http.read(http.post(RunnerPaths.CLAIM, token, new ClaimRequest(List.of(JobType.PROBE), 5)), JobAssignment.class);
        assertThat(job.jobId()).isEqualTo(jobId);
        byte[] clip = aVideo(500_000, 4);
        String path = RunnerPaths.ARTIFACT.formatted(jobId, "clip-0.mp4", job.attempt());
        List<Path> before = blobFiles();

        space.usable = 100_000; // declared 500 000 bytes: refused before a byte is written
        HttpResponse<String> declared = http.put(path, token, clip, sha256(clip));
        store().failAfterBytes = 100_000; // the size fits, the disk fills while writing
        space.usable = -1;
        HttpResponse<String> written = http.put(path, token, clip, sha256(clip));

        for (HttpResponse<String> refused : List.of(declared, written)) {
            assertThat(refused.statusCode()).isEqualTo(507);
            ProtocolError error = http.read(refused, ProtocolError.class);
            assertThat(error.status()).isEqualTo(507);
            assertThat(error.error()).isEqualTo("insufficient_storage");
            assertThat(error.message()).contains("the blob store folder " + root() + " has ")
                    .contains("MB free; free space and try again");
        }
        assertThat(http.read(declared, ProtocolError.class).message()).contains("has 0 MB free");
        assertThat(blobFiles()).isEqualTo(before);
        Map<String, Object> row = jdbc.sql("select status, attempts from jobs where id = :id").param("id", jobId).query().singleRow();
        assertThat(row).containsEntry("status", "RUNNING").containsEntry("attempts", job.attempt());

        store().failAfterBytes = -1;
        HttpResponse<String> stored = http.put(path, token, clip, sha256(clip));
        assertThat(stored.statusCode()).isEqualTo(200);
        assertThat(blobs.stat(sha256(clip))).isPresent();
    }

    @Test
    void aFillingDiskIsAWarningInHealthForAdminsNotAnOutage() throws Exception {
        space.usable = 100 * MB; // below ditto.disk.warn-free-mb (2048)

        HttpResponse<String> asAdmin = http.asAdmin("GET", "/actuator/health", null);
        HttpResponse<String> anonymous = http.get("/actuator/health", null);

        assertThat(asAdmin.statusCode()).isEqualTo(200);
        JsonNode disk = json.readTree(asAdmin.body()).path("components").path("diskFree");
        assertThat(disk.path("status").asString()).isEqualTo("UP");
        assertThat(disk.path("details").path("blob store").path("freeMb").asLong()).isEqualTo(100);
        assertThat(disk.path("details").path("warnings").get(0).asString())
                .startsWith("The blob store folder " + root() + " has 100 MB free");
        JsonNode publicDisk = json.readTree(anonymous.body()).path("components").path("diskFree");
        assertThat(publicDisk.path("status").asString()).isEqualTo("UP");
        assertThat(publicDisk.has("details")).as("folders and free space are for admins").isFalse();
    }

    /** What the server answered on {@code socket} (up to the end of its JSON body, or what came before a reset). */
    private static String answerOn(Socket socket) throws IOException {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = socket.getInputStream().read(buffer)) > 0; ) {
                text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                if (text.toString().strip().endsWith("}")) {
                    break;
                }
            }
        } catch (java.net.SocketException e) {
            // the server closed the connection on the unread body: what came so far is the answer
        }
        return text.toString();
    }

    private FillingBlobStore store() {
        return (FillingBlobStore) blobs;
    }

    private Path root() {
        return ((LocalBlobStore) blobs).root();
    }

    /** Every file in the blob store's folder (blobs and temp files). */
    private List<Path> blobFiles() throws IOException {
        try (Stream<Path> all = Files.walk(root())) {
            return all.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private long sourcesWith(String sha) {
        return jdbc.sql("select count(*) from sources where sha256 = :sha").param("sha", sha).query(Long.class).single();
    }

    private HttpResponse<String> uploadSource(String name, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/sources?name=" + name))
                .header("Authorization", ADMIN).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    private String aRunnerToken() throws Exception {
        HttpResponse<String> created = http.asAdmin("POST", "/api/admin/runners", Map.of("name", aRunnerName()));
        assertThat(created.statusCode()).isEqualTo(201);
        return http.read(created, CreatedRunner.class).token();
    }

    /** Random bytes behind an mp4 header, so the upload passes the container sniff; unique per {@code seed} and run. */
    private static byte[] aVideo(int size, int seed) {
        byte[] bytes = new byte[size];
        new Random(seed ^ System.nanoTime()).nextBytes(bytes);
        byte[] header = "\0\0\0\u0018ftypisom".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(header, 0, bytes, 0, header.length);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
