package dev.ditto.e2e;

import static dev.ditto.e2e.Drills.acceptNext;
import static dev.ditto.e2e.Drills.awaitCampaignDone;
import static dev.ditto.e2e.Drills.awaitIndexCaughtUp;
import static dev.ditto.e2e.Drills.detail;
import static dev.ditto.e2e.Drills.pause;
import static dev.ditto.e2e.Drills.round;
import static dev.ditto.e2e.Drills.say;
import static dev.ditto.e2e.Drills.startCampaign;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.ditto.db.embedded.EmbeddedElasticsearch;
import dev.ditto.db.embedded.EmbeddedElasticsearchCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code ./ditto drill node-lost}: the server on a three-node Elasticsearch cluster (indices with one replica), named
 * to it by all three URLs; once a campaign's first sample is in review, while the others are generated, judged and
 * indexed, the first node of the URL list is SIGKILLed and stays gone. Meanwhile a search every half second and a curator accepting samples.
 * Passes when every search meanwhile answered, every decision succeeded, the cluster was green again on the two
 * nodes left (the lost node's replicas rebuilt there, after Elasticsearch's one-minute wait for the node to come
 * back), the campaign ended {@code DONE} and the index holds exactly as many documents as PostgreSQL has samples.
 */
final class NodeLostDrill {
    private static final int NODES = 3;
    private static final int LOST = 0;
    private static final Duration OUTAGE_AT_MOST = Duration.ofSeconds(180);

    private NodeLostDrill() {}

    static void run(Map<String, Object> f) throws Exception {
        DrillPlatform p = DrillPlatform.create("node-lost", List.of());
        EmbeddedElasticsearchCluster cluster = null;
        try {
            long startAt = System.nanoTime();
            cluster = EmbeddedElasticsearchCluster.start(p.folder.resolve("cluster"),
                    EmbeddedElasticsearch.defaultDistribution(), "ditto-node-lost", NODES, 512,
                    EmbeddedElasticsearchCluster.Speed.QUICK_START); // three JVMs and the server on a small machine
            f.put("node_jvm", "512 MB heap, client compiler only");
            f.put("cluster_start_seconds", round((System.nanoTime() - startAt) / 1e9));
            say("cluster up: " + cluster.urls());
            p.extraArgument("--ditto.search.url=" + cluster.urls());
            p.extraArgument("--ditto.search.index.replicas=1");
            p.startServer();
            p.startRunner("r1");
            // one probed source is enough: its instructions keep the runner generating, and the indexer indexing,
            // through the node's loss
            List<Long> sources = p.awaitReadySources(1, Duration.ofMinutes(10));
            long campaign = startCampaign(p.admin, sources.subList(0, 1), 8);
            // mid-way: samples generated and judged (one in review, for the curator), more being made
            p.admin.await("/api/search?status=IN_REVIEW&size=1",
                    r -> r.getAsJsonObject().get("total").getAsLong() >= 1, Duration.ofMinutes(15));
            JsonObject atKill = p.admin.get("/api/admin/search/status").getAsJsonObject();
            String lostName = "ditto-node-lost-" + LOST;
            f.put("lost_node_was_master", master(cluster, 1).equals(lostName));
            f.put("documents_at_kill", atKill.get("indexedDocuments").getAsLong());
            f.put("samples_at_kill", atKill.get("samplesInDatabase").getAsLong());

            long t0 = System.nanoTime();
            cluster.kill(LOST);
            say("SIGKILL to node " + lostName + " (the first URL the server knows) with "
                    + atKill.get("indexedDocuments") + " documents indexed");
            Map<Integer, Integer> searchStatuses = new TreeMap<>();
            Set<String> reasons = new TreeSet<>();
            Set<Long> accepted = new HashSet<>();
            int decisionErrors = 0;
            long maxSearchMs = 0;
            double detected = -1;
            double green = -1;
            boolean redSeen = false;
            int i = 0;
            // until green again on the nodes left, at least 30 s, and a decision made meanwhile (written to the index)
            while (System.nanoTime() - t0 < OUTAGE_AT_MOST.toNanos()
                    && (green < 0 || System.nanoTime() - t0 < Duration.ofSeconds(30).toNanos() || accepted.isEmpty())) {
                long s0 = System.nanoTime();
                HttpResponse<String> search = p.admin.raw("GET", "/api/search?q=video&size=5", null);
                maxSearchMs = Math.max(maxSearchMs, (System.nanoTime() - s0) / 1_000_000);
                searchStatuses.merge(search.statusCode(), 1, Integer::sum);
                if (search.statusCode() != 200) {
                    reasons.add(search.statusCode() + " " + detail(search));
                }
                if (i++ % 4 == 0) {
                    long sample = acceptNext(p.admin);
                    if (sample >= 0) {
                        accepted.add(sample);
                    } else if (sample == -2) {
                        decisionErrors++;
                    }
                }
                Optional<JsonObject> h = health(cluster, 1);
                if (h.isPresent() && h.get().get("number_of_nodes").getAsInt() == NODES - 1) {
                    String status = h.get().get("status").getAsString();
                    double now = (System.nanoTime() - t0) / 1e9;
                    redSeen |= status.equals("red");
                    if (detected < 0) {
                        detected = now;
                        say("node left the cluster after " + round(now) + " s: " + status);
                    }
                    if (green < 0 && status.equals("green")) {
                        green = now;
                        say("green again on " + (NODES - 1) + " nodes after " + round(now) + " s");
                    }
                }
                pause(500);
            }
            double outage = (System.nanoTime() - t0) / 1e9;
            int answered = searchStatuses.getOrDefault(200, 0);
            int failed = searchStatuses.entrySet().stream().filter(e -> e.getKey() != 200).mapToInt(Map.Entry::getValue).sum();
            say("searches " + searchStatuses + " in " + round(outage) + " s; accepted " + accepted.size());

            JsonObject done = awaitCampaignDone(p.admin, campaign, Duration.ofMinutes(20));
            JsonObject status = awaitIndexCaughtUp(p.admin, Duration.ofMinutes(5));
            long samplesInPostgres;
            try (var db = p.database(); var st = db.createStatement(); var rs = st.executeQuery("select count(*) from samples")) {
                rs.next();
                samplesInPostgres = rs.getLong(1);
            }
            long documents = count(cluster, 1, "ditto-samples");
            // the last decisions become searchable with the index's next refresh (1 s)
            long acceptedFound = -1;
            for (long caughtUp = System.nanoTime(); acceptedFound != accepted.size()
                    && System.nanoTime() - caughtUp < Duration.ofSeconds(60).toNanos(); pause(500)) {
                acceptedFound = p.admin.get("/api/search?status=ACCEPTED&size=100").getAsJsonObject().get("total").getAsLong();
            }

            f.put("lost_node", lostName);
            f.put("observed_seconds", round(outage));
            f.put("node_left_detected_seconds", round(detected));
            f.put("green_on_two_nodes_seconds", round(green));
            f.put("red_seen", redSeen);
            f.put("searches_answered", answered);
            f.put("searches_failed", failed);
            f.put("search_statuses", searchStatuses);
            f.put("search_failure_reasons", List.copyOf(reasons));
            f.put("search_max_ms", maxSearchMs);
            f.put("accepted_during_outage", accepted.size());
            f.put("decision_errors", decisionErrors);
            f.put("campaign_status", done.get("status").getAsString());
            f.put("indexed_documents", documents);
            f.put("samples_in_database", samplesInPostgres);
            f.put("status_indexed_documents", status.get("indexedDocuments").getAsLong());
            f.put("accepted_found_by_search", acceptedFound);
            f.put("passed", failed == 0 && answered > 0 && decisionErrors == 0 && !accepted.isEmpty() && detected >= 0
                    && green >= 0 && done.get("status").getAsString().equals("DONE")
                    && documents == samplesInPostgres && acceptedFound == accepted.size());
        } finally {
            p.close();
            if (cluster != null) {
                cluster.close();
            }
            f.put("processes_left", p.processesLeft());
        }
    }

    /** The cluster's health as node {@code via} sees it now, if it answers. */
    private static Optional<JsonObject> health(EmbeddedElasticsearchCluster cluster, int via) {
        return get(cluster.url(via) + "/_cluster/health").map(b -> JsonParser.parseString(b).getAsJsonObject());
    }

    private static String master(EmbeddedElasticsearchCluster cluster, int via) {
        return get(cluster.url(via) + "/_cat/master?h=node").map(String::strip).orElse("");
    }

    private static long count(EmbeddedElasticsearchCluster cluster, int via, String index) {
        return get(cluster.url(via) + "/" + index + "/_count").map(b -> JsonParser.parseString(b).getAsJsonObject()
                .get("count").getAsLong()).orElseThrow(() -> new AssertionError("no count from node " + via));
    }

    private static Optional<String> get(String url) {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
