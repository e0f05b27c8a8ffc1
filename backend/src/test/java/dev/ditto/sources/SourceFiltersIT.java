package dev.ditto.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ditto.jobs.CompletedJob;
import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.ClipResult;
import dev.ditto.search.ClipIndex;
import dev.ditto.protocol.JobType;
import dev.ditto.protocol.ProbePayload;
import dev.ditto.protocol.ProbeResult;
import dev.ditto.protocol.Provenance;
import dev.ditto.protocol.VideoFormat;
import dev.ditto.settings.Setting;
import dev.ditto.settings.SettingsService;
import dev.ditto.testing.DittoIntegrationTest;
import dev.ditto.users.Role;
import dev.ditto.users.UserService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Probe filters that act (docs/source-filters.md): a PROBE result that breaks a threshold leaves the source
 * QUARANTINED with the reasons; admins release or archive it (audited; curators and viewers are refused); a threshold
 * change re-evaluates sources only on request; near-duplicates come from the perceptual-hash band index; the gallery's
 * query pages and filters in SQL.
 */
@DittoIntegrationTest
class SourceFiltersIT {
    private static final Map<String, Double> FINE = Map.of("motion", 2.0, "brisque", 30.0, "text_overlay", 0.0, "people", 0.0);

    @Autowired JdbcClient jdbc;
    @Autowired ProbeResultHandler probes;
    @Autowired SourceService sources;
    @Autowired SettingsService settings;
    @Autowired PhashIndex index;
    @Autowired ClipIndex clipIndex;
    @Autowired UserService users;
    @Autowired ObjectMapper json;
    @Autowired dev.ditto.campaigns.CampaignService campaigns;
    @LocalServerPort int port;

    private final Random random = new Random();

    @AfterEach
    void resetThresholds() {
        for (Setting s : List.of(SourceSettings.FILTER_MIN_MOTION, SourceSettings.FILTER_MAX_MOTION, SourceSettings.FILTER_MAX_BRISQUE,
                SourceSettings.FILTER_MAX_TEXT_OVERLAY, SourceSettings.FILTER_NEAR_DUPLICATE_DISTANCE,
                SourceSettings.FILTER_NEAR_DUPLICATE_SIMILARITY)) {
            settings.reset(s);
        }
        SecurityContextHolder.clearContext();
    }

    @Test
    void eachThresholdQuarantinesTheSourceWithItsReason() {
        assertThat(probe(with("motion", 0.01), random.nextLong()).status()).isEqualTo("QUARANTINED");
        assertThat(probe(with("motion", 0.01), random.nextLong()).quarantineReasons()).singleElement().asString()
                .startsWith("too static: motion 0.01").contains("< 0.1");
        assertThat(probe(with("motion", 55.0), random.nextLong()).quarantineReasons()).singleElement().asString()
                .startsWith("too shaky: motion 55").contains("> 30");
        assertThat(probe(with("brisque", 90.0), random.nextLong()).quarantineReasons()).singleElement().asString()
                .startsWith("low quality: BRISQUE 90").contains("> 85");
        assertThat(probe(with("text_overlay", 0.45), random.nextLong()).quarantineReasons()).singleElement().asString()
                .startsWith("text overlay: 0.45").contains("> 0.3");
        Map<String, Double> all = new HashMap<>(FINE);
        all.put("motion", 0.0);
        all.put("brisque", 99.0);
        all.put("text_overlay", 0.9);
        assertThat(probe(all, random.nextLong()).quarantineReasons()).hasSize(3);

        Source fine = probe(FINE, random.nextLong());
        assertThat(fine.status()).isEqualTo("READY");
        assertThat(fine.quarantineReasons()).isEmpty();

        settings.set(SourceSettings.FILTER_MAX_BRISQUE, "");
        assertThat(probe(with("brisque", 90.0), random.nextLong()).status()).as("an empty threshold is off").isEqualTo("READY");
        settings.set(SourceSettings.FILTER_MAX_BRISQUE, "95");
        assertThat(probe(with("brisque", 90.0), random.nextLong()).status()).as("in force at once").isEqualTo("READY");
        assertThatThrownBy(() -> settings.set(SourceSettings.FILTER_MAX_TEXT_OVERLAY, "lots")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> settings.set(SourceSettings.FILTER_NEAR_DUPLICATE_DISTANCE, "40"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 0 and 12");
    }

    @Test
    void campaignsNeverPickAQuarantinedSource() {
        String word = "kestrel" + UUID.randomUUID().toString().substring(0, 6);
        Source held = probe(with("motion", 0.0), random.nextLong());
        Source ready = probe(FINE, random.nextLong());
        jdbc.sql("update sources set caption = :c where id in (:a, :b)").param("c", "a " + word + " hovering")
                .param("a", held.id()).param("b", ready.id()).update();
        List<Long> picked = campaigns.resolveSources(new dev.ditto.campaigns.CampaignRequest("filters", List.of(), 1, null, 1,
                word, null));
        assertThat(picked).containsExactly(ready.id());
    }

    @Test
    void aClipCloseToAReadySourcesClipIsQuarantinedAsANearDuplicate() {
        long hash = random.nextLong();
        Source original = probe(FINE, hash);
        assertThat(original.status()).isEqualTo("READY");

        Source copy = probe(FINE, hash ^ 0b1000_0000_0000_0001L ^ (1L << 63)); // 3 bits apart, across bands
        assertThat(copy.status()).isEqualTo("QUARANTINED");
        assertThat(copy.quarantineReasons()).singleElement().asString()
                .isEqualTo("near-duplicate of source " + original.id() + ": clip hashes 3 bit(s) apart ≤ 3");

        Source farther = probe(FINE, hash ^ 0b1111L); // 4 bits apart
        assertThat(farther.status()).isEqualTo("READY");

        Source ofTheCopy = probe(FINE, hash ^ 0b1000_0000_0000_0001L ^ (1L << 63));
        assertThat(ofTheCopy.quarantineReasons()).as("only READY sources count; the original still matches")
                .singleElement().asString().contains("of source " + original.id() + ":");

        settings.set(SourceSettings.FILTER_NEAR_DUPLICATE_DISTANCE, "6");
        assertThat(probe(FINE, hash ^ 0b11_1111L).status()).as("6 bits apart").isEqualTo("QUARANTINED");
        settings.set(SourceSettings.FILTER_NEAR_DUPLICATE_DISTANCE, "");
        assertThat(probe(FINE, hash).status()).as("off").isEqualTo("READY");
    }

    @Test
    void aClipWhoseEmbeddingIsCloseToAReadySourcesClipIsQuarantinedThoughItsHashIsFar() throws Exception {
        float[] e = unit(random, null, 0);
        Source original = probe(FINE, random.nextLong(), e);
        assertThat(original.status()).isEqualTo("READY");
        assertThat(jdbc.sql("select embedding_indexed from source_assets where source_id = :s and kind = 'CLIP'")
                .param("s", original.id()).query(Boolean.class).single()).as("indexed at probe").isTrue();

        // a re-encoded copy: the hash is unrelated (random), the embedding 0.99 similar
        Source copy = probe(FINE, random.nextLong(), unit(random, e, 0.14));
        assertThat(copy.status()).isEqualTo("QUARANTINED");
        assertThat(copy.quarantineReasons()).singleElement().asString()
                .matches("near-duplicate of source " + original.id() + ": clip embeddings 0\\.9[89]\\d similar ≥ 0\\.97");

        Source other = probe(FINE, random.nextLong(), unit(random, null, 0));
        assertThat(other.status()).as("unrelated footage (cosine near 0)").isEqualTo("READY");
        Source loose = probe(FINE, random.nextLong(), unit(random, e, 0.5));
        assertThat(loose.status()).as("cosine about 0.9: similar, not a copy").isEqualTo("READY");

        Source ofTheCopy = probe(FINE, random.nextLong(), unit(random, e, 0.14));
        assertThat(ofTheCopy.quarantineReasons()).as("a QUARANTINED copy is not compared against")
                .singleElement().asString().contains("of source " + original.id() + ":");

        settings.set(SourceSettings.FILTER_NEAR_DUPLICATE_SIMILARITY, "");
        assertThat(probe(FINE, random.nextLong(), unit(random, e, 0.14)).status()).as("off").isEqualTo("READY");
    }

    @Test
    void theSweepIndexesClipsTheIndexIsMissing() throws Exception {
        float[] e = unit(random, null, 0);
        Source original = probe(FINE, random.nextLong(), e);
        long clip = jdbc.sql("select id from source_assets where source_id = :s and kind = 'CLIP'").param("s", original.id())
                .query(Long.class).single();
        // as if the probe had completed while Elasticsearch was down
        clipIndex.delete(clip);
        jdbc.sql("update source_assets set embedding_indexed = false where id = :id").param("id", clip).update();
        assertThat(probe(FINE, random.nextLong(), unit(random, e, 0.14)).status()).as("the index lacks the original")
                .isEqualTo("READY");

        assertThat(clipIndex.sweep()).isGreaterThanOrEqualTo(1);

        assertThat(clipIndex.nearest(e, 5, 0.97, -1, null)).extracting(ClipIndex.Neighbour::clipId).contains(clip);
        assertThat(jdbc.sql("select embedding_indexed from source_assets where id = :id").param("id", clip)
                .query(Boolean.class).single()).isTrue();
    }

    @Test
    void adminsReleaseOrArchiveAQuarantinedSourceAuditedAndOthersAreRefused() throws Exception {
        users.findByUsername("filters-curator").orElseGet(() -> users.create("filters-curator", "password-filters-curator", Role.CURATOR, null));
        users.findByUsername("filters-viewer").orElseGet(() -> users.create("filters-viewer", "password-filters-viewer", Role.VIEWER, null));
        Source held = probe(with("motion", 0.0), random.nextLong());
        Source other = probe(with("brisque", 99.0), random.nextLong());
        assertThat(held.status()).isEqualTo("QUARANTINED");

        assertThat(send("POST", "/api/sources/" + held.id() + "/release", "filters-curator").statusCode()).isEqualTo(403);
        assertThat(send("POST", "/api/sources/" + held.id() + "/archive", "filters-viewer").statusCode()).isEqualTo(403);
        assertThat(sources.find(held.id()).orElseThrow().status()).isEqualTo("QUARANTINED");
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                "filters-curator", "n/a", List.of(new SimpleGrantedAuthority(Role.CURATOR.authority()))));
        assertThatThrownBy(() -> sources.release(held.id())).as("the service checks the role too")
                .isInstanceOf(org.springframework.security.access.AccessDeniedException.class);
        SecurityContextHolder.clearContext();

        HttpResponse<String> released = send("POST", "/api/sources/" + held.id() + "/release", "admin");
        assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
        assertThat(json.readTree(released.body()).path("status").asString()).isEqualTo("READY");
        assertThat(json.readTree(released.body()).path("releasedBy").asString()).isEqualTo("admin");
        HttpResponse<String> archived = send("POST", "/api/sources/" + other.id() + "/archive", "admin");
        assertThat(archived.statusCode()).isEqualTo(200);
        assertThat(sources.find(other.id()).orElseThrow().status()).isEqualTo("ARCHIVED");

        List<String> audited = jdbc.sql("""
                select action || ' ' || actor_name || ' ' || before::text from audit_log
                where entity = 'source' and entity_id in (:a, :b) and action in ('source.release', 'source.archive') order by id""")
                .param("a", String.valueOf(held.id())).param("b", String.valueOf(other.id())).query(String.class).list();
        assertThat(audited).hasSize(2);
        assertThat(audited.get(0)).startsWith("source.release admin").contains("too static");
        assertThat(audited.get(1)).startsWith("source.archive admin").contains("low quality");

        HttpResponse<String> again = send("POST", "/api/sources/" + held.id() + "/release", "admin");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode problem = json.readTree(again.body());
        assertThat(problem.path("status").asInt()).isEqualTo(409);
        assertThat(problem.path("detail").asString()).contains("is READY, not QUARANTINED");
        assertThat(send("POST", "/api/sources/99999999/release", "admin").statusCode()).isEqualTo(404);
        HttpResponse<String> bad = send("POST", "/api/sources/abc/archive", "admin");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json.readTree(bad.body()).path("detail").asString()).contains("abc");
        HttpResponse<String> badRange = send("GET", "/api/sources/page?range=motion:x:1", "admin");
        assertThat(badRange.statusCode()).isEqualTo(400);
        assertThat(json.readTree(badRange.body()).path("title").asString()).isEqualTo("Bad request");
    }

    @Test
    void changingAThresholdReEvaluatesOnlyOnRequestAndAPreviewChangesNothing() throws Exception {
        Source slow = probe(with("motion", 0.5), random.nextLong());
        Source released = probe(with("motion", 0.05), random.nextLong());
        signInAdmin();
        sources.release(released.id());
        Source heldForQuality = probe(with("brisque", 88.0), random.nextLong());
        assertThat(slow.status()).isEqualTo("READY");

        settings.set(SourceSettings.FILTER_MIN_MOTION, "1");
        settings.set(SourceSettings.FILTER_MAX_BRISQUE, "90");
        assertThat(sources.find(slow.id()).orElseThrow().status()).as("never silently").isEqualTo("READY");

        HttpResponse<String> preview = send("POST", "/api/sources/filters/reevaluate", "admin");
        assertThat(preview.statusCode()).as(preview.body()).isEqualTo(200);
        JsonNode p = json.readTree(preview.body());
        assertThat(p.path("applied").asBoolean()).isFalse();
        assertThat(ids(p.path("quarantined"))).contains(slow.id()).doesNotContain(released.id());
        assertThat(ids(p.path("readied"))).contains(heldForQuality.id());
        assertThat(sources.find(slow.id()).orElseThrow().status()).as("a preview").isEqualTo("READY");
        assertThat(send("POST", "/api/sources/filters/reevaluate?apply=true", "filters-curator").statusCode()).isIn(401, 403);

        HttpResponse<String> applied = send("POST", "/api/sources/filters/reevaluate?apply=true", "admin");
        assertThat(json.readTree(applied.body()).path("applied").asBoolean()).isTrue();
        Source now = sources.find(slow.id()).orElseThrow();
        assertThat(now.status()).isEqualTo("QUARANTINED");
        assertThat(now.quarantineReasons()).singleElement().asString().contains("too static").contains("< 1");
        assertThat(sources.find(released.id()).orElseThrow().status()).as("an admin's release stands").isEqualTo("READY");
        assertThat(sources.find(heldForQuality.id()).orElseThrow().status()).isEqualTo("READY");
        assertThat(jdbc.sql("select count(*) from audit_log where action = 'source.filters.reevaluate'").query(Long.class).single())
                .isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from audit_log where action = 'source.filters.quarantine' and entity_id = :id")
                .param("id", String.valueOf(slow.id())).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void theBandIndexFindsExactlyWhatABruteForceScanFindsAmong100kHashesAndUsesTheIndexes() {
        Random r = new Random(18_4);
        int sourcesN = 500;
        int perSource = 200;
        long[] hashes = new long[sourcesN * perSource];
        long[] owners = new long[hashes.length];
        List<Long> queries = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            queries.add(r.nextLong());
        }
        int n = 0;
        for (int s = 0; s < sourcesN; s++) {
            long id = jdbc.sql("""
                    insert into sources (origin, original_name, blob_key, size_bytes, sha256, status)
                    values ('API', 'bulk.mp4', 'k', 1, :sha, 'ARCHIVED') returning id""")
                    .param("sha", UUID.randomUUID().toString()).query(Long.class).single();
            Long[] batch = new Long[perSource];
            for (int c = 0; c < perSource; c++) {
                long h = r.nextLong();
                if (c % 10 == 0) { // plant neighbours of the queries at 0..6 bits
                    h = queries.get(r.nextInt(queries.size()));
                    for (int flips = r.nextInt(7), f = 0; f < flips; f++) {
                        h ^= 1L << r.nextInt(64);
                    }
                }
                batch[c] = h;
                hashes[n] = h;
                owners[n++] = id;
            }
            jdbc.sql("""
                    insert into source_assets (source_id, kind, clip_index, blob_key, size_bytes, content_type, phash, phash64)
                    select :s, 'CLIP', (o - 1)::int, 'k', 1, 'video/mp4', lpad(to_hex(h), 16, '0'), h
                    from unnest(cast(:h as bigint[])) with ordinality as t(h, o)""")
                    .param("s", id).param("h", batch).update();
        }
        jdbc.sql("analyze source_assets").update();
        jdbc.sql("analyze sources").update();

        for (int k : new int[] {0, 3, 5}) {
            long found = 0;
            for (long q : queries) {
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < hashes.length; i++) {
                    if (Long.bitCount(hashes[i] ^ q) <= k) {
                        expected.add(owners[i] + ":" + hashes[i]);
                    }
                }
                List<String> actual = index.neighbours(q, k, -1, List.of("ARCHIVED"), null).stream()
                        .map(nb -> nb.sourceId() + ":" + nb.hash()).toList();
                assertThat(actual).as("k=%d", k).containsExactlyInAnyOrderElementsOf(expected);
                found += actual.size();
            }
            assertThat(found).as("planted neighbours are found at k=%d", k).isPositive();
        }

        long t0 = System.nanoTime();
        for (long query : queries) {
            index.neighbours(query, 3, -1, List.of("ARCHIVED"), null);
        }
        long t1 = System.nanoTime();
        for (long query : queries) {
            jdbc.sql("select count(*) from source_assets a where a.phash64 is not null and bit_count((a.phash64 # :h)::bit(64)) <= 3")
                    .param("h", query).query(Long.class).single();
        }
        long t2 = System.nanoTime();
        System.out.printf("phash band index, %d clips: %.2f ms per look-up at k=3; a full scan takes %.2f ms%n",
                hashes.length, (t1 - t0) / 1e6 / queries.size(), (t2 - t1) / 1e6 / queries.size());

        long q = queries.getFirst();
        Integer[] b0 = {PhashIndex.band(q, 0)};
        String plan = String.join("\n", jdbc.sql("""
                explain select a.id from source_assets a join sources s on s.id = a.source_id
                where a.phash64 is not null
                  and (a.phash_b0 = any(:b0) or a.phash_b1 = any(:b1) or a.phash_b2 = any(:b2) or a.phash_b3 = any(:b3))
                  and bit_count((a.phash64 # :h)::bit(64)) <= 3 and s.status = any(:st)""")
                .param("b0", b0).param("b1", new Integer[] {PhashIndex.band(q, 1)})
                .param("b2", new Integer[] {PhashIndex.band(q, 2)}).param("b3", new Integer[] {PhashIndex.band(q, 3)})
                .param("h", q).param("st", new String[] {"ARCHIVED"}).query(String.class).list());
        assertThat(plan).contains("source_assets_phash_b0_idx").contains("source_assets_phash_b3_idx").doesNotContain("Seq Scan on source_assets");
    }

    @Test
    void nearDuplicateGroupsComeFromTheIndex() {
        long hash = random.nextLong();
        settings.set(SourceSettings.FILTER_NEAR_DUPLICATE_DISTANCE, "");
        Source a = probe(FINE, hash);
        Source b = probe(FINE, hash ^ 0b11);
        Source c = probe(FINE, hash ^ 0b11L << 40 ^ 0b1);
        var groups = sources.nearDuplicateGroups(3);
        var group = groups.stream().filter(g -> g.sourceIds().contains(a.id())).findFirst().orElseThrow();
        assertThat(group.sourceIds()).contains(a.id(), b.id(), c.id());
        assertThat(group.closestDistance()).isEqualTo(2);
        assertThat(sources.nearDuplicateGroups(0).stream().anyMatch(g -> g.sourceIds().contains(a.id()))).isFalse();
    }

    @Test
    void theGalleryQueryPagesAndFiltersInSql() {
        String tag = "page-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 120; i++) {
            jdbc.sql("""
                    insert into sources (origin, original_name, blob_key, size_bytes, sha256, status, tags, scores, caption, quarantine_reasons)
                    values ('API', :name, 'k', 1, :sha, :status, :tags, cast(:scores as jsonb), :caption, :reasons)""")
                    .param("name", "clip-" + i + ".mp4").param("sha", UUID.randomUUID().toString())
                    .param("status", i % 3 == 0 ? "QUARANTINED" : "READY")
                    .param("tags", i % 2 == 0 ? new String[] {tag, "people"} : new String[] {tag})
                    .param("scores", "{\"motion\": " + (i / 10.0) + "}")
                    .param("caption", i == 7 ? "a red kite over the dunes" : "something")
                    .param("reasons", i % 3 == 0 ? new String[] {"too static: motion 0 px/frame < 0.1"} : new String[0]).update();
        }
        SourceQuery byTag = new SourceQuery(Set.of(), Set.of(tag), "", "", Map.of());
        assertThat(sources.count(byTag)).isEqualTo(120);
        List<Source> first = sources.page(byTag, 0, 50);
        assertThat(first).hasSize(50);
        assertThat(first.getFirst().originalName()).isEqualTo("clip-119.mp4");
        assertThat(sources.page(byTag, 100, 50)).hasSize(20).last().extracting(Source::originalName).isEqualTo("clip-0.mp4");

        SourceQuery held = new SourceQuery(Set.of("QUARANTINED"), Set.of(tag, "people"), "", "", Map.of());
        assertThat(sources.count(held)).isEqualTo(20); // i divisible by 6
        assertThat(sources.page(held, 0, 5)).allSatisfy(s -> assertThat(s.quarantineReasons()).containsExactly(
                "too static: motion 0 px/frame < 0.1"));
        SourceQuery range = new SourceQuery(Set.of(), Set.of(tag), "", "",
                Map.of("motion", new SourceQuery.Range(2.0, 3.0)));
        assertThat(sources.count(range)).isEqualTo(11); // i = 20..30
        assertThat(sources.count(new SourceQuery(Set.of(), Set.of(tag), "clip-1", "", Map.of()))).isEqualTo(31); // 1, 10-19, 100-119
        assertThat(sources.page(new SourceQuery(Set.of(), Set.of(tag), "", "KITE dunes", Map.of()), 0, 10))
                .extracting(Source::originalName).containsExactly("clip-7.mp4");
        assertThat(sources.ids(byTag, 1000)).hasSize(120);
        assertThatThrownBy(() -> new SourceQuery(Set.of(), Set.of(), "", "", Map.of("x'; drop", new SourceQuery.Range(1.0, null))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // --- helpers ---

    private static Map<String, Double> with(String key, double value) {
        Map<String, Double> m = new HashMap<>(FINE);
        m.put(key, value);
        return m;
    }

    /**
     * A unit vector of the clip embedding's size: random, or {@code base} plus Gaussian noise of {@code noise} per
     * unit length (0.14 → cosine about 0.99, 0.5 → about 0.89).
     */
    static float[] unit(Random random, float @org.jspecify.annotations.Nullable [] base, double noise) {
        float[] v = new float[ClipIndex.DIMENSIONS];
        double n = 0;
        for (int i = 0; i < v.length; i++) {
            double g = random.nextGaussian() / Math.sqrt(v.length);
            v[i] = (float) (base == null ? g : base[i] + noise * g);
            n += v[i] * (double) v[i];
        }
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] / Math.sqrt(n));
        }
        return v;
    }

    private Source probe(Map<String, Double> scores, long hash) {
        return probe(scores, hash, null);
    }

    /** A source probed the way the runner's completion stores it: one clip with {@code scores}, {@code hash}, embedding. */
    private Source probe(Map<String, Double> scores, long hash, float @org.jspecify.annotations.Nullable [] embedding) {
        long sourceId = jdbc.sql("""
                insert into sources (origin, original_name, blob_key, size_bytes, sha256, status)
                values ('API', 'filter-test.mp4', :blob, 1000, :sha, 'PROBING') returning id""")
                .param("blob", "sources/" + UUID.randomUUID()).param("sha", UUID.randomUUID().toString())
                .query(Long.class).single();
        BlobRef blob = new BlobRef("a".repeat(64), 10, "video/mp4");
        ClipResult clip = new ClipResult(0, 0, 3.65, blob, blob, blob, scores, HexFormat.of().toHexDigits(hash), null,
                embedding);
        ProbeResult result = new ProbeResult(1, 4.0, 20.0, 832, 480, "h264", List.of(clip), List.of(), Map.of(),
                new Provenance("test-runner", List.of()));
        ProbePayload payload = new ProbePayload(1, sourceId, new BlobRef("v", 1, "video/mp4"), "filter-test.mp4",
                VideoFormat.DITTO_DEFAULT, 2.0, 8.0);
        probes.completed(new CompletedJob(1, JobType.PROBE, payload, result, 1, 1, sourceId, null, Instant.now()));
        return sources.find(sourceId).orElseThrow();
    }

    private static List<Long> ids(JsonNode array) {
        List<Long> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asLong()));
        return out;
    }

    private static void signInAdmin() {
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                "admin", "n/a", List.of(new SimpleGrantedAuthority(Role.ADMIN.authority()))));
    }

    private HttpResponse<String> send(String method, String path, String user) throws Exception {
        String password = user.equals("admin") ? "admin-test-password" : "password-" + user;
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Basic " + auth).method(method, HttpRequest.BodyPublishers.noBody()).build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }
}
