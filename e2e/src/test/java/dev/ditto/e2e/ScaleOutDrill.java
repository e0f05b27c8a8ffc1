package dev.ditto.e2e;

import static dev.ditto.e2e.Drills.startCampaign;
import static dev.ditto.e2e.ReplicaKilledDrill.awaitReady;
import static dev.ditto.e2e.ReplicaKilledDrill.pause;
import static dev.ditto.e2e.ReplicaKilledDrill.runner;
import static dev.ditto.e2e.ReplicaKilledDrill.runnerJar;
import static dev.ditto.e2e.ReplicaKilledDrill.say;

import com.google.gson.JsonObject;
import dev.ditto.db.embedded.EmbeddedElasticsearch;
import dev.ditto.db.embedded.EmbeddedElasticsearchCluster;
import dev.ditto.db.embedded.EmbeddedS3Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Drill {@code scale-out}: the platform spread out as docs/replicas.md describes it, everything on this machine. Two
 * packaged servers, each with a data folder of its own, on one PostgreSQL (the first server's embedded one), a
 * three-node Elasticsearch cluster (indices with one replica) and one S3 bucket (s3proxy), behind HAProxy with
 * {@code deploy/haproxy/haproxy.cfg}; a runner (the built-in engine, every stage) and the admin's API calls go
 * through HAProxy only. Passes when a campaign's samples are generated end to end and all reach review, each is
 * found by search, each edited video is in the bucket, neither server's data folder holds a blob, both servers
 * answered runner requests, and each server has its own local runner (one per data folder), neither revoked.
 */
final class ScaleOutDrill {
    private static final int NODES = 3;
    private static final int PER_SOURCE = 4;

    private ScaleOutDrill() {}

    static void run(Map<String, Object> f) throws Exception {
        ReplicaKilledDrill.ensureHaproxy();
        List<Process> started = new ArrayList<>();
        DrillPlatform a = DrillPlatform.create("scale-out", List.of());
        // the servers and the runner stop (drill's own clean-up) before the bucket and the cluster go
        try (EmbeddedS3Proxy store = EmbeddedS3Proxy.start(a.folder, EmbeddedS3Proxy.defaultJar(), RunningPlatform.freePort())) {
            drill(f, a, store, started);
        } finally {
            a.close();
        }
    }

    private static void drill(Map<String, Object> f, DrillPlatform a, EmbeddedS3Proxy store, List<Process> started)
            throws Exception {
        EmbeddedElasticsearchCluster cluster = null;
        try {
            long t0 = System.nanoTime();
            cluster = EmbeddedElasticsearchCluster.start(a.folder.resolve("cluster"), EmbeddedElasticsearch.defaultDistribution(),
                    "ditto-scale-out", NODES, 512, EmbeddedElasticsearchCluster.Speed.QUICK_START);
            f.put("cluster_start_seconds", seconds(t0));
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            List<String> shared = List.of("--ditto.search.url=" + cluster.urls(), "--ditto.search.index.replicas=1",
                    "--ditto.blobs.s3.endpoint=" + store.endpoint(), "--ditto.blobs.s3.bucket=scale-out",
                    "--ditto.blobs.s3.access-key=" + EmbeddedS3Proxy.IDENTITY,
                    "--ditto.blobs.s3.secret-key=" + EmbeddedS3Proxy.CREDENTIAL,
                    "--ditto.blobs.s3.path-style=true", "--ditto.blobs.s3.create-bucket=true",
                    // one settings key for both (their data folders differ, so their key files would)
                    "--ditto.settings.secret-key=" + Base64.getEncoder().encodeToString(key),
                    // every sample the built-in judge would reject goes to review too: all of them should arrive there
                    "--ditto.agent.judge-review-share=1.0",
                    // two servers, three Elasticsearch nodes and a runner on a small machine
                    "--ditto.db.connection-timeout=20s");
            shared.forEach(a::extraArgument);
            long s0 = System.nanoTime();
            a.startServer();
            Path dataB = a.folder.resolve("server-b-data");
            int portB = RunningPlatform.freePort();
            List<String> argumentsB = new ArrayList<>(shared);
            argumentsB.add("--ditto.demo.enabled=false"); // the first server loads the demo corpus
            started.add(ReplicaKilledDrill.secondServer(a, portB, dataB, argumentsB));
            int lbPort = RunningPlatform.freePort();
            started.add(ReplicaKilledDrill.startHaproxy(a, lbPort, portB));
            String b = "http://127.0.0.1:" + portB;
            awaitReady(b, a.folder.resolve("server-b.log"));
            String lb = "http://127.0.0.1:" + lbPort;
            awaitReady(lb, a.folder.resolve("haproxy.log"));
            f.put("servers_ready_seconds", seconds(s0));
            Api admin = new Api(lb, "admin", DrillPlatform.ADMIN_PASSWORD);

            started.add(runner(a, lb, "r1", "-Xmx1g", "-jar", runnerJar(a), "--stages", "probe,generate"));
            List<Long> sources = new ArrayList<>();
            admin.await("/api/sources?status=READY&limit=100", l -> !l.getAsJsonArray().isEmpty(), Duration.ofMinutes(10))
                    .getAsJsonArray().forEach(s -> sources.add(s.getAsJsonObject().get("id").getAsLong()));
            long c0 = System.nanoTime();
            long campaign = startCampaign(admin, sources.subList(0, 1), PER_SOURCE);
            JsonObject inReview = admin.await("/api/search?status=IN_REVIEW&campaign=" + campaign + "&size=" + PER_SOURCE,
                    r -> r.getAsJsonObject().get("total").getAsLong() >= PER_SOURCE, Duration.ofMinutes(20)).getAsJsonObject();
            f.put("campaign_to_all_in_review_seconds", seconds(c0));
            f.put("samples_in_review", inReview.get("total").getAsLong());

            // each sample found by a search for words of its own instruction, through HAProxy
            int found = 0;
            List<Long> ids = new ArrayList<>();
            for (var hit : inReview.getAsJsonArray("hits")) {
                JsonObject h = hit.getAsJsonObject();
                long id = h.get("sampleId").getAsLong();
                ids.add(id);
                List<String> instruction = List.of(h.get("instruction").getAsString().split("\\s+"));
                String words = String.join(" ", instruction.subList(0, Math.min(4, instruction.size())));
                JsonObject hits = admin.get("/api/search?wordsOnly=true&size=50&campaign=" + campaign + "&q="
                        + java.net.URLEncoder.encode(words, java.nio.charset.StandardCharsets.UTF_8)).getAsJsonObject();
                for (var other : hits.getAsJsonArray("hits")) {
                    if (other.getAsJsonObject().get("sampleId").getAsLong() == id) {
                        found++;
                        break;
                    }
                }
            }
            f.put("samples_found_by_search", found);

            // every edited video in the bucket; no blob in either server's data folder
            Path bucket = store.dataDir().resolve("scale-out");
            int inBucket = 0;
            try (Connection db = a.database(); var q = db.prepareStatement(
                    "select edited_blob_key from samples where campaign_id = ? and status = 'IN_REVIEW'")) {
                q.setLong(1, campaign);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        String blob = rs.getString(1);
                        if (blob != null && Files.isRegularFile(bucket.resolve("blobs").resolve(blob))) {
                            inBucket++;
                        }
                    }
                }
            }
            f.put("edited_videos_in_bucket", inBucket);
            long localBlobs = files(a.data.resolve("blobs")) + files(dataB.resolve("blobs"));
            f.put("blobs_in_servers_data_folders", localBlobs);

            Map<String, Long> claims = new LinkedHashMap<>();
            claims.put("a", requests(a.baseUrl));
            claims.put("b", requests(b));
            f.put("runner_requests_answered", claims);
            long localRunners = localRunners(admin);
            f.put("local_runners_not_revoked", localRunners);
            boolean tokensValid = localRunners == 2;

            f.put("passed", inReview.get("total").getAsLong() >= PER_SOURCE && found == ids.size() && inBucket == ids.size()
                    && localBlobs == 0 && claims.values().stream().allMatch(n -> n > 0) && tokensValid);
        } finally {
            for (Process p : started.reversed()) { // the runner, HAProxy and server B, then server A, then the cluster
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            started.clear();
            a.close();
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    /** Runner protocol requests ({@code /api/runner/...}, any outcome) the server at {@code base} answered. */
    private static long requests(String base) {
        Api direct = new Api(base, "admin", DrillPlatform.ADMIN_PASSWORD);
        JsonObject all = direct.get("/actuator/metrics/http.server.requests").getAsJsonObject();
        long n = 0;
        for (var tag : all.getAsJsonArray("availableTags")) {
            if (!tag.getAsJsonObject().get("tag").getAsString().equals("uri")) {
                continue;
            }
            for (var uri : tag.getAsJsonObject().getAsJsonArray("values")) {
                if (uri.getAsString().startsWith("/api/runner/")) {
                    JsonObject m = direct.get("/actuator/metrics/http.server.requests?tag=uri:"
                            + java.net.URLEncoder.encode(uri.getAsString(), java.nio.charset.StandardCharsets.UTF_8)).getAsJsonObject();
                    n += Math.round(m.getAsJsonArray("measurements").get(0).getAsJsonObject().get("value").getAsDouble());
                }
            }
        }
        return n;
    }

    /** Runners named local-runner@… that are not revoked: one per server's data folder. */
    private static long localRunners(Api admin) {
        long n = 0;
        for (var r : admin.get("/api/admin/runners?limit=1000").getAsJsonArray()) {
            JsonObject runner = r.getAsJsonObject();
            if (runner.get("name").getAsString().startsWith("local-runner@")
                    && (!runner.has("revokedAt") || runner.get("revokedAt").isJsonNull())) {
                n++;
            }
        }
        return n;
    }

    private static long files(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).count();
        }
    }

    private static double seconds(long since) {
        return Math.round((System.nanoTime() - since) / 1e8) / 10.0;
    }
}
