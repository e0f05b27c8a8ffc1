package dev.ditto.e2e;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Drill {@code replica-killed}: two packaged servers on one PostgreSQL and one Elasticsearch (the first server's
 * embedded ones; the second gets {@code ditto.db.url} and {@code ditto.search.url}) and one data folder (blobs,
 * releases), behind HAProxy with {@code deploy/haproxy/haproxy.cfg} (installed with apt when missing, as
 * {@code ./ditto} installs what it needs). Runners and curators go through HAProxy. The server that writes a
 * campaign is sent a folder publication of a built release and SIGKILLed at once: the other server must finish the
 * campaign (exactly its instructions) and the publication (the release's files, each once), while the curators'
 * decisions through HAProxy go on.
 */
final class ReplicaKilledDrill {
    private static final int SOURCES = 3;
    private static final int PER_SOURCE = 8;
    private static final List<String> LEASES = List.of("--ditto.runner.lease-seconds=10",
            "--ditto.runner.heartbeat-seconds=2", "--ditto.queue.reaper-interval-ms=1000",
            // the copy runners' "edits" are the source itself, which the judge rejects: every one goes to review
            "--ditto.agent.judge-review-share=1.0",
            // two servers and their runners on a small, busy machine: a connection may take more than the 3 s default
            "--ditto.db.connection-timeout=20s",
            "--ditto.campaigns.lease-seconds=10", "--ditto.campaigns.poll-ms=1000",
            "--ditto.releases.publication-lease-seconds=10", "--ditto.releases.publication-poll-ms=1000",
            "--ditto.releases.build-lease-seconds=10", "--ditto.releases.build-poll-ms=1000");

    private ReplicaKilledDrill() {}

    static void run(Map<String, Object> f) throws Exception {
        ensureHaproxy();
        List<Process> started = new ArrayList<>();
        try (DrillPlatform a = DrillPlatform.create("replica-killed", List.of())) {
            Path published = Files.createDirectories(a.folder.resolve("published"));
            LEASES.forEach(a::extraArgument);
            a.extraArgument("--ditto.releases.publish-roots=" + published);
            a.startServer();
            int portB = RunningPlatform.freePort();
            Process serverB = startServerB(a, portB, published);
            started.add(serverB);
            int lbPort = RunningPlatform.freePort();
            Process haproxy = startHaproxy(a, lbPort, portB);
            started.add(haproxy);
            awaitReady("http://127.0.0.1:" + portB, a.folder.resolve("server-b.log"));
            String lb = "http://127.0.0.1:" + lbPort;
            awaitReady(lb, a.folder.resolve("haproxy.log"));
            Api admin = new Api(lb, "admin", DrillPlatform.ADMIN_PASSWORD);

            started.add(runner(a, lb, "probe", "-Xmx1g", "-jar", runnerJar(a), "--stages", "probe"));
            for (int i = 0; i < 2; i++) {
                started.add(runner(a, lb, "copy" + i, "-Xmx256m", "-Dloader.main=dev.ditto.runner.DrillCopyRunner",
                        "-Dloader.path=" + a.root.resolve("gpu-runner/runner/target/test-classes"), "-cp", runnerJar(a),
                        "org.springframework.boot.loader.launch.PropertiesLauncher", "--stages", "generate"));
            }
            List<Long> sources = new ArrayList<>();
            admin.await("/api/sources?status=READY&limit=100", l -> l.getAsJsonArray().size() >= SOURCES, Duration.ofMinutes(8))
                    .getAsJsonArray().forEach(s -> sources.add(s.getAsJsonObject().get("id").getAsLong()));

            // a release of generated, accepted samples to publish later
            long first = startCampaign(admin, sources, 2);
            admin.await("/api/campaigns/" + first, c -> c.getAsJsonObject().get("status").getAsString().equals("DONE"),
                    Duration.ofMinutes(5));
            awaitGenerated(a, first, Duration.ofMinutes(10));
            int acceptedForRelease = 0;
            while (acceptNext(admin) >= 0) {
                acceptedForRelease++;
            }
            JsonObject release = admin.post("/api/releases", "{\"name\":\"replicas\",\"version\":\"1.0.0\"}").getAsJsonObject();
            long releaseId = release.get("id").getAsLong();
            say("release " + releaseId + " built with " + acceptedForRelease + " samples");

            // curators decide through HAProxy the whole time
            AtomicBoolean curating = new AtomicBoolean(true);
            Map<String, AtomicInteger> decisions = new TreeMap<>();
            List<Thread> curators = new ArrayList<>();
            long[] killedAt = {0};
            for (int i = 0; i < 2; i++) {
                String password = "drill-curator-password-" + i;
                admin.post("/api/admin/users", "{\"username\":\"curator" + i + "\",\"password\":\"" + password
                        + "\",\"role\":\"CURATOR\"}");
                Api curator = new Api(lb, "curator" + i, password);
                curators.add(Thread.ofVirtual().start(() -> {
                    while (curating.get()) {
                        String phase = killedAt[0] == 0 ? "before" : "after";
                        long r;
                        try {
                            r = acceptNext(curator);
                        } catch (RuntimeException e) {
                            r = -2;
                        }
                        String outcome = r >= 0 ? "ok" : r == -1 ? "none" : "failed";
                        synchronized (decisions) {
                            decisions.computeIfAbsent(phase + "_" + outcome, k -> new AtomicInteger()).incrementAndGet();
                        }
                        pause(300);
                    }
                }));
            }

            long campaign = startCampaign(admin, sources, PER_SOURCE);
            String owner = awaitOwner(a, "select lease_owner from campaigns where id = " + campaign
                    + " and status = 'RUNNING' and written > 0");
            Process holderProcess = owner.contains("-" + a.server().pid() + "-") ? a.server() : serverB;
            int holderPort = holderProcess == serverB ? portB : a.port;
            Api holder = new Api("http://127.0.0.1:" + holderPort, "admin", DrillPlatform.ADMIN_PASSWORD);
            Path destination = published.resolve("replicas");
            JsonObject publication = holder.post("/api/releases/" + releaseId + "/publish",
                    "{\"target\":\"folder\",\"destination\":\"" + destination + "\"}").getAsJsonObject();
            long publicationId = publication.get("id").getAsLong();
            holderProcess.destroyForcibly();
            killedAt[0] = System.nanoTime();
            holderProcess.waitFor(30, TimeUnit.SECONDS);
            boolean killedFirst = holderProcess != serverB;
            int survivorPort = killedFirst ? portB : a.port;
            Process survivor = killedFirst ? serverB : a.server();
            Map<String, Object> atKill = row(a, "select written, sources_done from campaigns where id = " + campaign);
            Map<String, Object> publicationAtKill = row(a, "select state, files_done, files_total, lease_owner from publications where id = "
                    + publicationId);
            say("killed the server on port " + holderPort + " (" + (killedFirst ? "first" : "second") + ") holding campaign "
                    + campaign + " " + atKill + " and publication " + publicationId + " " + publicationAtKill);

            Api direct = new Api("http://127.0.0.1:" + survivorPort, "admin", DrillPlatform.ADMIN_PASSWORD);
            JsonObject done = direct.await("/api/campaigns/" + campaign,
                    c -> !Set.of("QUEUED", "RUNNING").contains(c.getAsJsonObject().get("status").getAsString()),
                    Duration.ofMinutes(5)).getAsJsonObject();
            double campaignDone = (System.nanoTime() - killedAt[0]) / 1e9;
            JsonObject pub = direct.await("/api/publications/" + publicationId,
                    p -> !Set.of("QUEUED", "RUNNING").contains(p.getAsJsonObject().get("state").getAsString()),
                    Duration.ofMinutes(3)).getAsJsonObject();
            double publicationDone = (System.nanoTime() - killedAt[0]) / 1e9;
            pause(10_000); // curators go on a little after the takeover
            curating.set(false);
            for (Thread t : curators) {
                t.join(30_000);
            }

            Map<String, Object> campaignRow = row(a, "select lease_owner, written from campaigns where id = " + campaign);
            Map<String, Object> publicationRow = row(a, "select lease_owner, files_done, files_total from publications where id = "
                    + publicationId);
            Map<String, Long> perSource = perSource(a, campaign);
            Path releaseDir = a.data.resolve("releases/replicas/1.0.0");
            Map<String, Object> folder = compareFolder(releaseDir, destination);

            f.put("killed", killedFirst ? "first server (embedded PostgreSQL and Elasticsearch stay up)" : "second server");
            f.put("campaign_written_at_kill", atKill.get("written"));
            f.put("campaign_sources_done_at_kill", atKill.get("sources_done"));
            f.put("publication_at_kill", publicationAtKill);
            f.put("campaign_status", done.get("status").getAsString());
            f.put("campaign_done_seconds_after_kill", Drills.round(campaignDone));
            f.put("campaign_owner_after", campaignRow.get("lease_owner"));
            f.put("instructions_per_source", perSource);
            f.put("publication_state", pub.get("state").getAsString());
            f.put("publication_done_seconds_after_kill", Drills.round(publicationDone));
            f.put("publication_owner_after", publicationRow.get("lease_owner"));
            f.put("publication_files", publicationRow.get("files_done") + "/" + publicationRow.get("files_total"));
            f.put("published_folder", folder);
            Map<String, Integer> counts = new TreeMap<>();
            decisions.forEach((k, v) -> counts.put(k, v.get()));
            f.put("decisions", counts);
            f.put("survivor_alive", survivor.isAlive());
            boolean exact = done.get("status").getAsString().equals("DONE") && perSource.size() == SOURCES
                    && perSource.values().stream().allMatch(n -> n == PER_SOURCE)
                    && done.get("failedItems").getAsInt() == 0;
            f.put("campaign_exact", exact);
            int failedAfter = counts.getOrDefault("after_failed", 0);
            boolean curatorsWorked = counts.getOrDefault("after_ok", 0) > 0 && failedAfter <= 2;
            f.put("passed", exact && pub.get("state").getAsString().equals("DONE")
                    && !String.valueOf(publicationRow.get("lease_owner")).equals(String.valueOf(publicationAtKill.get("lease_owner")))
                    && Boolean.TRUE.equals(folder.get("exact")) && curatorsWorked && survivor.isAlive()
                    && (int) atKill.get("written") < SOURCES * PER_SOURCE);
        } finally {
            for (Process p : started.reversed()) {
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    /** HAProxy from Debian, installed the way {@code ./ditto} installs what it needs when it is missing. */
    static void ensureHaproxy() throws Exception {
        if (exec("haproxy", "-v")) {
            return;
        }
        List<String> sudo = ProcessHandle.current().info().user().orElse("").equals("root") ? List.of() : List.of("sudo");
        List<String> install = new ArrayList<>(sudo);
        install.addAll(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends", "haproxy"));
        if (!exec(install.toArray(String[]::new))) {
            List<String> update = new ArrayList<>(sudo);
            update.addAll(List.of("apt-get", "update", "-q"));
            exec(update.toArray(String[]::new));
            if (!exec(install.toArray(String[]::new))) {
                throw new IllegalStateException("apt-get install haproxy failed");
            }
        }
    }

    private static boolean exec(String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** The second server: the first one's PostgreSQL, Elasticsearch and data folder. */
    private static Process startServerB(DrillPlatform a, int port, Path published) throws IOException {
        List<String> arguments = new ArrayList<>(List.of("--ditto.search.url=http://127.0.0.1:" + a.esPort,
                "--ditto.releases.publish-roots=" + published));
        arguments.addAll(LEASES);
        return secondServer(a, port, a.data, arguments);
    }

    /**
     * Another packaged server on the first one's PostgreSQL (its embedded one), with {@code dataDir} as its data
     * folder and its own local runner's token file there, logging to {@code server-b.log} in the drill's folder.
     */
    static Process secondServer(DrillPlatform a, int port, Path dataDir, List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(RunningPlatform.java(), "--enable-native-access=ALL-UNNAMED", "-Xmx1g",
                "-jar", a.root.resolve("ui/target/ditto-server.jar").toString(),
                "--server.port=" + port,
                "--ditto.data-dir=" + dataDir,
                "--ditto.db.url=jdbc:postgresql://127.0.0.1:" + a.pgPort + "/ditto",
                "--ditto.db.username=ditto",
                "--ditto.db.password=" + Files.readString(a.data.resolve("postgres.password")).strip(),
                "--ditto.security.admin-password=" + DrillPlatform.ADMIN_PASSWORD,
                "--ditto.runner.local-token-file=" + dataDir.resolve("local-runner.token")));
        command.addAll(arguments);
        Files.createDirectories(dataDir);
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(a.folder.resolve("server-b.log").toFile())).start();
    }

    static Process startHaproxy(DrillPlatform a, int lbPort, int portB) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("haproxy", "-db", "-f", a.root.resolve("deploy/haproxy/haproxy.cfg").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(a.folder.resolve("haproxy.log").toFile()));
        pb.environment().put("DITTO_LB_BIND", "127.0.0.1:" + lbPort);
        pb.environment().put("DITTO_SERVER_1", "127.0.0.1:" + a.port);
        pb.environment().put("DITTO_SERVER_2", "127.0.0.1:" + portB);
        return pb.start();
    }

    /** Waits until {@code base}'s readiness answers 200. */
    static void awaitReady(String base, Path log) {
        Api probe = new Api(base, "admin", DrillPlatform.ADMIN_PASSWORD);
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (probe.raw("GET", "/actuator/health/readiness", null).statusCode() == 200) {
                    return;
                }
            } catch (RuntimeException e) {
                // not listening yet
            }
            pause(500);
        }
        throw new IllegalStateException(base + " was not ready within 4 minutes; see " + log);
    }

    static String runnerJar(DrillPlatform a) {
        return a.root.resolve("gpu-runner/runner/target/ditto-runner.jar").toString();
    }

    /** A runner whose server is HAProxy. */
    static Process runner(DrillPlatform a, String lb, String name, String... launch) throws IOException {
        String token = Files.readString(a.data.resolve("local-runner.token")).strip();
        List<String> command = new ArrayList<>(List.of(RunningPlatform.java(), "--enable-native-access=ALL-UNNAMED"));
        int split = List.of(launch).indexOf("--stages");
        command.addAll(List.of(launch).subList(0, split));
        command.addAll(List.of("--server", lb, "--name", name, "--concurrency", "1", "--grace-seconds", "5",
                "--work-dir", a.folder.resolve("runner-" + name).toString()));
        command.addAll(List.of(launch).subList(split, launch.length));
        ProcessBuilder builder = new ProcessBuilder(command).directory(a.folder.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(a.folder.resolve("runner-" + name + ".log").toFile()));
        builder.environment().put("DITTO_RUNNER_TOKEN", token);
        return builder.start();
    }

    private static long startCampaign(Api api, List<Long> sources, int perSource) {
        String ids = sources.stream().map(String::valueOf).reduce((x, y) -> x + "," + y).orElseThrow();
        return api.post("/api/campaigns", "{\"name\":\"replicas\",\"sourceIds\":[" + ids + "],\"perSource\":" + perSource
                + ",\"seed\":11}").getAsJsonObject().get("id").getAsLong();
    }

    /** Waits until every sample of the campaign is generated and judged. */
    private static void awaitGenerated(DrillPlatform a, long campaign, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Object> r = row(a, "select count(*) as n, count(*) filter (where s.status not in ('QUEUED', 'GENERATING', 'JUDGING')) as ready"
                    + " from samples s join instructions i on i.id = s.instruction_id where i.campaign_id = " + campaign);
            if ((long) r.get("n") > 0 && r.get("n").equals(r.get("ready"))) {
                return;
            }
            pause(1000);
        }
        throw new AssertionError("the samples of campaign " + campaign + " were not generated within " + timeout);
    }

    /** The next sample for the admin as curator, accepted: its id, -1 when none was left, -2 when a call failed. */
    private static long acceptNext(Api api) {
        HttpResponse<String> next = api.raw("POST", "/api/curation/next", "{}");
        if (next.statusCode() != 200) {
            return next.statusCode() == 204 ? -1 : -2;
        }
        long sample = JsonParser.parseString(next.body()).getAsJsonObject().get("sampleId").getAsLong();
        HttpResponse<String> d = api.raw("POST", "/api/curation/samples/" + sample + "/decision", "{\"decision\":\"ACCEPT\"}");
        return d.statusCode() == 200 ? sample : -2;
    }

    private static String awaitOwner(DrillPlatform a, String sql) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            Object owner = row(a, sql.replace("select lease_owner", "select lease_owner as owner")).get("owner");
            if (owner != null) {
                return owner.toString();
            }
            pause(20);
        }
        throw new AssertionError("no server started writing: " + sql);
    }

    private static Map<String, Long> perSource(DrillPlatform a, long campaign) throws Exception {
        Map<String, Long> out = new TreeMap<>();
        try (Connection db = a.database(); var st = db.createStatement();
             var rs = st.executeQuery("select source_id, count(*) from instructions where campaign_id = " + campaign
                     + " group by 1 order by 1")) {
            while (rs.next()) {
                out.put(String.valueOf(rs.getLong(1)), rs.getLong(2));
            }
        }
        return out;
    }

    /** One row as a map (empty when there is none); an empty map too when the database does not answer. */
    private static Map<String, Object> row(DrillPlatform a, String sql) throws Exception {
        Map<String, Object> out = new TreeMap<>();
        try (Connection db = a.database(); var st = db.createStatement(); var rs = st.executeQuery(sql)) {
            if (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    out.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
            }
        }
        return out;
    }

    /** The folder holds every file of the release's manifest with its sha256, the manifest, and nothing else. */
    private static Map<String, Object> compareFolder(Path releaseDir, Path folder) throws Exception {
        JsonArray files = JsonParser.parseString(Files.readString(releaseDir.resolve("manifest.json")))
                .getAsJsonObject().getAsJsonArray("files");
        Set<String> expected = new TreeSet<>(Set.of("manifest.json"));
        int mismatched = 0;
        for (JsonElement e : files) {
            String path = e.getAsJsonObject().get("path").getAsString();
            expected.add(path);
            Path copy = folder.resolve(path);
            if (!Files.isRegularFile(copy) || !sha256(copy).equals(e.getAsJsonObject().get("sha256").getAsString())) {
                mismatched++;
            }
        }
        Set<String> present = new HashSet<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.filter(Files::isRegularFile).forEach(p -> present.add(folder.relativize(p).toString()));
        }
        Set<String> extra = new TreeSet<>(present);
        extra.removeAll(expected);
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(present);
        return Map.of("files", present.size(), "manifest_files", files.size(), "mismatched", mismatched,
                "extra", List.copyOf(extra), "missing", List.copyOf(missing),
                "exact", mismatched == 0 && extra.isEmpty() && missing.isEmpty());
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void say(String s) {
        System.out.println("drill: " + s);
    }
}
