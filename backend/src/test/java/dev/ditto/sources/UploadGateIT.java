package dev.ditto.sources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.blobs.BlobStore;
import dev.ditto.blobs.LocalBlobStore;
import dev.ditto.testing.DittoIntegrationTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Uploads are judged by what they declare before a byte is stored, and one user runs only so many at once. */
@DittoIntegrationTest
@org.springframework.test.context.TestPropertySource(properties = "ditto.sources.max-upload-bytes-in-flight-mb=3")
class UploadGateIT {
    private static final String ADMIN = "Basic " + Base64.getEncoder()
            .encodeToString("admin:admin-test-password".getBytes(StandardCharsets.UTF_8));

    @LocalServerPort int port;
    @Autowired BlobStore store;

    @Test
    void aHugeDeclaredContentLengthIsRefusedAtOnceAndNothingIsWritten() throws IOException {
        Path root = ((LocalBlobStore) store).pathOf("0".repeat(64)).getParent().getParent().getParent();
        long filesBefore = countFiles(root);
        long started = System.nanoTime();

        try (Socket socket = open()) {
            send(socket, 3L * 1024 * 1024 * 1024, new byte[4096]);
            String answer = readAnswer(socket);

            assertThat(answer).startsWith("HTTP/1.1 413");
            assertThat(answer).contains("application/problem+json").contains("ditto.sources.max-upload-mb");
        }
        assertThat(System.nanoTime() - started).isLessThan(5_000_000_000L);
        assertThat(countFiles(root)).isEqualTo(filesBefore);
    }

    @Test
    void theDashboardsUploadPathIsJudgedTheSameWay() throws IOException {
        try (Socket socket = open()) {
            send(socket, "/VAADIN/dynamic/resource/1/0f1e2d3c/upload", 3L * 1024 * 1024 * 1024, new byte[4096]);

            assertThat(readAnswer(socket)).startsWith("HTTP/1.1 413").contains("ditto.sources.max-upload-mb");
        }
    }

    @Test
    void aThirdConcurrentUploadOfTheSameUserIsTold429() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Socket socket = open();
                stalled.add(socket);
                send(socket, 1024 * 1024, new byte[16]); // and then nothing more: the upload stays open
            }
            // the next one is refused; on a loaded machine a stalled upload may not have reached the gate yet, so
            // an upload that is let through stays open too and the one after it must be refused
            String answer = "";
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!answer.startsWith("HTTP/1.1 429") && System.nanoTime() < deadline) {
                Socket next = open();
                next.setSoTimeout(2_000);
                stalled.add(next);
                send(next, 1024 * 1024, new byte[16]);
                answer = readAnswer(next);
            }
            assertThat(answer).startsWith("HTTP/1.1 429").contains("ditto.sources.max-concurrent-uploads");
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    @Test
    void uploadsWhoseBytesInFlightPassTheCapAreTold429() throws Exception {
        // this class runs with ditto.sources.max-upload-bytes-in-flight-mb=3: one 2 MB upload stays open, and a
        // second 2 MB one would make 4 MB in flight
        List<Socket> stalled = new ArrayList<>();
        try {
            Socket first = open();
            stalled.add(first);
            send(first, 2 * 1024 * 1024, new byte[16]);
            String answer = "";
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!answer.startsWith("HTTP/1.1 429") && System.nanoTime() < deadline) {
                Socket next = open(); // on a loaded machine the first may not have reached the gate yet: try again
                next.setSoTimeout(2_000);
                stalled.add(next);
                send(next, 2 * 1024 * 1024, new byte[16]);
                answer = readAnswer(next);
            }
            assertThat(answer).startsWith("HTTP/1.1 429").contains("ditto.sources.max-upload-bytes-in-flight-mb")
                    .contains("4 MB");
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    private Socket open() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void send(Socket socket, long declared, byte[] some) throws IOException {
        send(socket, "/api/sources?name=big.mp4", declared, some);
    }

    private static void send(Socket socket, String path, long declared, byte[] some) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + ADMIN
                + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + declared + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(some);
        out.flush();
    }

    /** The status line and headers (and what body came with them) of the answer. */
    private static String readAnswer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                if (text.indexOf("}") > 0) {
                    break;
                }
            }
        } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
            // what came so far is the answer
        }
        return text.toString();
    }

    private static long countFiles(Path root) throws IOException {
        if (!Files.exists(root)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
