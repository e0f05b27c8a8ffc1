package dev.ditto.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.ditto.sources.Source;
import dev.ditto.sources.SourceService;
import dev.ditto.testing.DittoIntegrationTest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The import guards against the real PostgreSQL: folder imports stay inside their roots whatever the path or
 * links say; URL imports never reach loopback, private or link-local addresses (literal, by name, by DNS
 * rebinding or by redirect), stop at the size limit mid-stream, and refuse what is not a video.
 */
@DittoIntegrationTest
class ImportGuardsIT {
    private static final Path VTEST = Path.of("/usr/share/doc/opencv-doc/examples/data/vtest.avi");
    /** A host name the tests' resolver maps to the local fixture server, which only the fixture policy lets through. */
    private static final String FIXTURE_HOST = "fixture.test";

    private static HttpServer server;
    private static int port;
    private static final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private static final AtomicLong endlessBytesSent = new AtomicLong();

    @Autowired SourceService sources;
    @Autowired ImportService imports;

    @TempDir Path tmp;

    @BeforeAll
    static void startFixtureServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        port = server.getAddress().getPort();
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            try (exchange) {
                switch (path) {
                    case "/vtest.avi" -> {
                        exchange.sendResponseHeaders(200, Files.size(VTEST));
                        try (OutputStream out = exchange.getResponseBody()) {
                            Files.copy(VTEST, out);
                        }
                    }
                    case "/notes.txt" -> {
                        byte[] text = "These are meeting notes, not a video.\n".repeat(50).getBytes(StandardCharsets.UTF_8);
                        exchange.sendResponseHeaders(200, text.length);
                        exchange.getResponseBody().write(text);
                    }
                    case "/endless.avi" -> {
                        exchange.sendResponseHeaders(200, 0); // chunked, no length announced
                        OutputStream out = exchange.getResponseBody();
                        byte[] head;
                        try (var in = Files.newInputStream(VTEST)) {
                            head = in.readNBytes(65536);
                        }
                        out.write(head);
                        endlessBytesSent.addAndGet(head.length);
                        byte[] filler = new byte[65536];
                        try {
                            for (int i = 0; i < 3200; i++) { // up to 200 MB unless the client stops reading
                                out.write(filler);
                                endlessBytesSent.addAndGet(filler.length);
                            }
                        } catch (IOException e) {
                            // the importer cut the download off: what this test wants
                        }
                    }
                    case "/announced-huge.mp4" -> {
                        exchange.sendResponseHeaders(200, 5L * 1024 * 1024 * 1024); // announced, never sent in full
                        try {
                            OutputStream out = exchange.getResponseBody();
                            out.write(new byte[4096]);
                            out.flush();
                        } catch (IOException e) {
                            // the importer hung up on reading the announced length: what this test wants
                        }
                    }
                    case "/to-loopback" -> redirect(exchange, "http://127.0.0.1:" + port + "/vtest.avi");
                    case "/to-localhost" -> redirect(exchange, "http://localhost:" + port + "/vtest.avi");
                    case "/to-metadata" -> redirect(exchange, "http://169.254.169.254/latest/meta-data/");
                    default -> exchange.sendResponseHeaders(404, -1);
                }
            }
        });
        server.start();
    }

    private static void redirect(com.sun.net.httpserver.HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().add("Location", location);
        exchange.sendResponseHeaders(302, -1);
    }

    @AfterAll
    static void stopFixtureServer() {
        server.stop(0);
    }

    // ---- folders ----

    @Test
    void aRealClipInARootFolderIsImportedWithItsProbeQueuedAndOtherFilesAreJudgedOneByOne() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("street"));
        // A variant of its own (trailing bytes), so a URL test's import of the same clip can't make it a duplicate.
        Files.write(root.resolve("street/vtest.avi"), concat(Files.readAllBytes(VTEST), "folder-variant".getBytes(StandardCharsets.UTF_8)));
        Files.writeString(root.resolve("street/fake.mp4"), "not a video at all, just text\n".repeat(40));
        Files.writeString(root.resolve("street/readme.txt"), "ignored: not a video extension");

        ImportReport report = folders(root).importFolder(root.toString());

        assertThat(report.items()).extracting(ImportItem::item).containsExactly("street/fake.mp4", "street/vtest.avi");
        ImportItem fake = report.items().get(0);
        assertThat(fake.outcome()).isEqualTo(ImportItem.Outcome.REFUSED);
        assertThat(fake.error()).contains("fake.mp4").contains("not a video");
        ImportItem clip = report.items().get(1);
        assertThat(clip.ok()).isTrue();
        Source source = sources.find(clip.sourceId()).orElseThrow();
        assertThat(source.origin()).isEqualTo("FOLDER");
        assertThat(source.originalName()).isEqualTo("vtest.avi");
        assertThat(source.sizeBytes()).isEqualTo(Files.size(VTEST) + "folder-variant".length());
        assertThat(source.originRef()).isEqualTo(root.resolve("street/vtest.avi").toRealPath().toString());
        assertThat(source.status()).isIn("PROBING", "READY");
    }

    @Test
    void aPathWithDotDotIsRefusedEvenWhenItWouldLandInsideTheRoot() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("a"));

        assertThatThrownBy(() -> folders(root).importFolder(root + "/a/../a"))
                .isInstanceOf(ImportRefusedException.class).hasMessageContaining("'..'");
        assertThatThrownBy(() -> folders(root).importFolder(root + "/../outside"))
                .isInstanceOf(ImportRefusedException.class).hasMessageContaining("'..'");
    }

    @Test
    void aFolderOutsideTheRootsIsRefused() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));

        assertThatThrownBy(() -> folders(root).importFolder(outside.toString()))
                .isInstanceOf(ImportRefusedException.class).hasMessageContaining("is not importable");
        // a missing folder and an existing one outside the roots get the same answer
        String existing = catchMessage(() -> folders(root).importFolder(outside.toString()));
        String missing = catchMessage(() -> folders(root).importFolder(outside.resolveSibling("missing").toString()));
        assertThat(missing.replace(outside.resolveSibling("missing").toString(), "X"))
                .isEqualTo(existing.replace(outside.toString(), "X"));
        assertThatThrownBy(() -> folders(root).importFolder("relative/path"))
                .isInstanceOf(ImportRefusedException.class).hasMessageContaining("relative");
    }

    @Test
    void aSymlinkedFolderThatLeadsOutOfTheRootIsRefused() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.copy(VTEST, outside.resolve("secret.avi"));
        Files.createSymbolicLink(root.resolve("escape"), outside);

        assertThatThrownBy(() -> folders(root).importFolder(root.resolve("escape").toString()))
                .isInstanceOf(ImportRefusedException.class)
                .hasMessageContaining("is not importable").hasMessageNotContaining(outside.toRealPath().toString());
    }

    @Test
    void linksInsideTheRootThatPointOutAreNotFollowed() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.copy(VTEST, outside.resolve("secret.avi"));
        Files.createSymbolicLink(root.resolve("looks-local.avi"), outside.resolve("secret.avi"));
        Files.createSymbolicLink(root.resolve("subfolder"), outside);

        ImportReport report = folders(root).importFolder(root.toString());

        assertThat(report.items()).singleElement().satisfies(item -> {
            assertThat(item.item()).isEqualTo("looks-local.avi");
            assertThat(item.outcome()).isEqualTo(ImportItem.Outcome.REFUSED);
            assertThat(item.error()).isEqualTo(FolderImporter.NOT_IMPORTABLE_FILE);
        });
    }

    @Test
    void aHardLinkToAFileOutsideTheRootIsNotImported() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.write(outside.resolve("secret.avi"), concat(Files.readAllBytes(VTEST), "hard-link".getBytes(StandardCharsets.UTF_8)));
        Files.createLink(root.resolve("looks-local.avi"), outside.resolve("secret.avi"));

        ImportReport report = folders(root).importFolder(root.toString());

        assertThat(report.items()).singleElement().satisfies(item -> {
            assertThat(item.outcome()).isEqualTo(ImportItem.Outcome.REFUSED);
            assertThat(item.error()).isEqualTo(FolderImporter.NOT_IMPORTABLE_FILE);
        });
    }

    private static String catchMessage(Runnable call) {
        try {
            call.run();
        } catch (ImportRefusedException e) {
            return e.getMessage();
        }
        throw new AssertionError("not refused");
    }

    @Test
    void folderImportIsDisabledWithoutConfiguredRoots() {
        assertThat(imports.roots()).isEmpty();
        assertThatThrownBy(() -> imports.importFolder(tmp.toString()))
                .isInstanceOf(ImportRefusedException.class).hasMessageContaining("disabled").hasMessageContaining("ditto.imports.roots");
    }

    // ---- URLs ----

    @Test
    void loopbackPrivateAndLinkLocalAddressesAreRefusedWithoutAnyRequest() {
        List<String> urls = List.of(
                "http://127.0.0.1:" + port + "/vtest.avi",
                "http://[::1]:" + port + "/vtest.avi",
                "http://localhost:" + port + "/vtest.avi",
                "http://0.0.0.0:" + port + "/vtest.avi",
                "http://10.20.30.40/video.mp4",
                "http://172.16.0.9/video.mp4",
                "http://192.168.1.10/video.mp4",
                "http://169.254.169.254/latest/meta-data/",
                "http://[fe80::1]/video.mp4",
                "http://[fd12:3456::1]/video.mp4",
                "http://[::ffff:127.0.0.1]:" + port + "/vtest.avi",
                "http://100.64.0.1/video.mp4",
                "http://0177.0.0.1:" + port + "/vtest.avi",
                "http://0x7f.1:" + port + "/vtest.avi",
                "http://127.1:" + port + "/vtest.avi",
                "http://2130706433:" + port + "/vtest.avi",
                "http://192.0.2.1/video.mp4",
                "http://198.51.100.1/video.mp4",
                "http://203.0.113.1/video.mp4",
                "http://[2001:db8::1]/video.mp4",
                "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/video.mp4",
                "http://[2002:7f00:1::1]/video.mp4",
                "http://[64:ff9b::7f00:1]/video.mp4");
        int before = totalHits();

        ImportReport report = imports.importUrls(urls);

        assertThat(report.refused()).isEqualTo(urls.size());
        assertThat(report.items()).allSatisfy(item -> assertThat(item.error()).contains("public addresses only"));
        assertThat(report.items().get(0).error()).contains("loopback");
        assertThat(report.items().get(4).error()).contains("private");
        assertThat(report.items().get(7).error()).contains("link-local");
        assertThat(report.items().get(9).error()).contains("unique-local");
        assertThat(report.items().get(12).error()).contains("0177.0.0.1").contains("four decimal numbers");
        assertThat(report.items().get(16).error()).contains("documentation");
        assertThat(report.items().get(20).error()).contains("Teredo");
        assertThat(totalHits()).isEqualTo(before);
    }

    @Test
    void onlyHttpAndHttpsAreFetched() {
        ImportReport report = imports.importUrls(List.of("file:///etc/passwd", "ftp://example.com/a.mp4", "gopher://x/1"));

        assertThat(report.items()).allSatisfy(item -> {
            assertThat(item.outcome()).isEqualTo(ImportItem.Outcome.REFUSED);
            assertThat(item.error()).contains("only http and https");
        });
    }

    @Test
    void aDnsNameThatResolvesToLoopbackIsRefused() throws IOException {
        HostResolver dns = host -> host.equals("videos.example.com")
                ? new InetAddress[] {InetAddress.getByName("93.184.216.34"), InetAddress.getByName("127.0.0.1")}
                : HostResolver.SYSTEM.resolve(host);
        int before = totalHits();

        ImportReport report = new UrlImporter(sources, dns, OutboundAddressPolicy.PUBLIC_ONLY, limits(100))
                .importUrls(List.of("http://videos.example.com:" + port + "/vtest.avi"));

        assertThat(report.items()).singleElement().satisfies(item -> {
            assertThat(item.outcome()).isEqualTo(ImportItem.Outcome.REFUSED);
            assertThat(item.error()).contains("videos.example.com resolves to 127.0.0.1, a loopback address");
        });
        assertThat(totalHits()).isEqualTo(before);
    }

    @Test
    void theFirstDnsAnswerIsPinnedSoALaterAnswerIsNeverAskedForNorUsed() {
        AtomicInteger lookups = new AtomicInteger();
        HostResolver rebinding = host -> lookups.incrementAndGet() == 1
                ? new InetAddress[] {InetAddress.getLoopbackAddress()}
                : new InetAddress[] {InetAddress.getByName("10.255.255.1")};
        AddressPolicy checkedOnce = (host, address) -> address.isLoopbackAddress() ? null : "not the checked address";

        ImportReport report = new UrlImporter(sources, rebinding, checkedOnce, limits(100))
                .importUrls(List.of("http://rebind.example.com:" + port + "/vtest.avi"));

        assertThat(lookups.get()).isEqualTo(1);
        assertThat(report.items()).singleElement().satisfies(item -> assertThat(item.ok()).isTrue());
    }

    @Test
    void closedSilentAndHangingPortsAllGiveTheSameAnswer() throws IOException {
        int closed;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort();
        }
        try (java.net.ServerSocket hangs = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             java.net.ServerSocket slams = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread closer = Thread.ofVirtual().start(() -> {
                try (java.net.Socket s = slams.accept()) {
                    s.getInputStream().read();
                } catch (IOException e) {
                    // the test is over
                }
            });
            HostResolver dns = host -> new InetAddress[] {InetAddress.getLoopbackAddress()};
            UrlImporter.Limits quick = new UrlImporter.Limits(1024 * 1024, Duration.ofSeconds(1), Duration.ofSeconds(1), 0);

            ImportReport report = new UrlImporter(sources, dns, (host, address) -> null, quick).importUrls(List.of(
                    "http://scan.test:" + closed + "/", "http://scan.test:" + hangs.getLocalPort() + "/",
                    "http://scan.test:" + slams.getLocalPort() + "/"));

            assertThat(report.items()).hasSize(3).allSatisfy(item ->
                    assertThat(item.error()).isEqualTo(UrlImporter.COULD_NOT_FETCH));
            closer.interrupt();
        }
    }

    @Test
    void aRedirectToLoopbackOrLinkLocalIsNotFollowed() {
        ImportReport report = fixtureImporter(100).importUrls(List.of(
                fixtureUrl("/to-loopback"), fixtureUrl("/to-localhost"), fixtureUrl("/to-metadata")));

        assertThat(report.items()).hasSize(3).allSatisfy(item -> {
            assertThat(item.outcome()).isEqualTo(ImportItem.Outcome.REFUSED);
            assertThat(item.error()).contains("public addresses only");
        });
        assertThat(report.items().get(0).error()).contains("127.0.0.1");
        assertThat(report.items().get(1).error()).contains("localhost");
        assertThat(report.items().get(2).error()).contains("169.254.169.254").contains("link-local");
        assertThat(hits.getOrDefault("/vtest.avi", new AtomicInteger()).get()).isZero();
    }

    @Test
    void aDownloadIsCutOffMidStreamAtTheSizeLimit() {
        ImportReport report = fixtureImporter(1).importUrls(List.of(fixtureUrl("/endless.avi")));

        assertThat(report.items()).singleElement().satisfies(item -> {
            assertThat(item.outcome()).isEqualTo(ImportItem.Outcome.REFUSED);
            assertThat(item.error()).contains("too large").contains("stopped");
        });
        assertThat(endlessBytesSent.get()).as("bytes the server got to send before the cut-off").isLessThan(64L * 1024 * 1024);
    }

    @Test
    void aDownloadThatAnnouncesMoreThanTheLimitIsRefusedBeforeReading() {
        ImportReport report = fixtureImporter(1).importUrls(List.of(fixtureUrl("/announced-huge.mp4")));

        assertThat(report.items()).singleElement().satisfies(item -> assertThat(item.error()).contains("too large")
                .contains("announces 5120.0 MB"));
    }

    @Test
    void aDownloadThatIsNotAVideoIsRefusedAndARealClipIsImported() {
        ImportReport report = fixtureImporter(100).importUrls(List.of(fixtureUrl("/notes.txt"), fixtureUrl("/vtest.avi"),
                fixtureUrl("/missing.mp4")));

        assertThat(report.items().get(0).outcome()).isEqualTo(ImportItem.Outcome.REFUSED);
        assertThat(report.items().get(0).error()).contains("notes.txt").contains("not a video");
        assertThat(report.items().get(1).ok()).isTrue();
        Source source = sources.find(report.items().get(1).sourceId()).orElseThrow();
        assertThat(source.sizeBytes()).isEqualTo(sizeOf(VTEST));
        assertThat(report.items().get(2).error()).contains("HTTP 404");
    }

    private FolderImporter folders(Path root) {
        return new FolderImporter(sources, List.of(root), List.of("mp4", "avi", "mov"), 100);
    }

    /** Lets the fixture host (and only it) reach the local test server; everything else meets the real policy. */
    private UrlImporter fixtureImporter(long maxMb) {
        HostResolver dns = host -> host.equals(FIXTURE_HOST)
                ? new InetAddress[] {InetAddress.getLoopbackAddress()} : HostResolver.SYSTEM.resolve(host);
        AddressPolicy policy = (host, address) -> host.equals(FIXTURE_HOST) ? null : OutboundAddressPolicy.PUBLIC_ONLY.refusal(host, address);
        return new UrlImporter(sources, dns, policy, limits(maxMb));
    }

    private static UrlImporter.Limits limits(long maxMb) {
        return new UrlImporter.Limits(maxMb * 1024 * 1024, Duration.ofSeconds(5), Duration.ofSeconds(10), 3);
    }

    private static String fixtureUrl(String path) {
        return "http://" + FIXTURE_HOST + ":" + port + path;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int totalHits() {
        return hits.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
