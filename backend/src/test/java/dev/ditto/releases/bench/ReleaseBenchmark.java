package dev.ditto.releases.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.ditto.db.Migrations;
import dev.ditto.db.embedded.EmbeddedPostgres;
import dev.ditto.hub.FakeHub;
import dev.ditto.hub.HubProperties;
import dev.ditto.hub.HubPublisher;
import dev.ditto.releases.BlobFiles;
import dev.ditto.releases.NewRelease;
import dev.ditto.releases.PublicationTracker;
import dev.ditto.releases.Release;
import dev.ditto.releases.ReleaseBuilder;
import dev.ditto.releases.ReleaseManifest;
import dev.ditto.releases.ReleaseProperties;
import dev.ditto.releases.ReleasePublisher;
import dev.ditto.releases.ReleaseSelection;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds a release of N synthetic accepted samples (default 1,000,000) from a real embedded PostgreSQL and measures
 * seconds and peak heap; then publishes a smaller release and its next version to a local Hub server and measures
 * bytes uploaded ÷ bytes changed. Videos are small shared blobs: one 64-byte file stands in for every clip, so the
 * shard logic (tar entries, hashing, assignment) runs in full while the disk holds ~1 KiB per video.
 *
 * <p>Usage: {@code ReleaseBenchmark <out-dir> [samples] [hub-samples]}; writes {@code <out-dir>/release.json}.
 */
public final class ReleaseBenchmark {
    private static final String[] CATEGORIES = {"GLOBAL_STYLE", "GLOBAL_FREEFORM", "LOCAL_ATTRIBUTE", "LOCAL_ADD",
            "LOCAL_REMOVE", "LOCAL_REPLACE", "BACKGROUND"};

    private ReleaseBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench-results").toAbsolutePath();
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int hubSamples = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        Files.createDirectories(out);
        Path work = Path.of("target/release-bench").toAbsolutePath();
        Files.createDirectories(work);
        long start = System.nanoTime();
        HeapWatch heap = new HeapWatch();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(work.resolve("pg"), Integer.getInteger("bench.pg-port", 54339))) {
            pg.createDatabaseIfMissing("ditto_bench");
            String schema = "bench_" + System.currentTimeMillis();
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(pg.jdbcUrl("ditto_bench") + "?currentSchema=" + schema);
            ds.setUser(pg.username());
            ds.setPassword(pg.password());
            Migrations.migrate(ds, schema);
            progress(start, "migrated schema " + schema);
            Path blob = work.resolve("tiny-video.bin");
            Files.write(blob, new byte[64]);
            ObjectMapper json = JsonMapper.builder().build();
            Path releasesRoot = work.resolve("releases-" + schema);

            insertSynthetic(ds, 1, samples, Math.max(1, samples / 10), start);
            ReleaseBuilder builder = new ReleaseBuilder(ds, BlobFiles.ofPaths(k -> blob), ReleaseProperties.defaults(), json, Clock.systemUTC(),
                    releasesRoot);
            System.gc();
            heap.reset();
            long buildStart = System.nanoTime();
            Release release = builder.build(new NewRelease("bench", "1.0.0", ReleaseSelection.all(), null), null,
                    (stage, n) -> progress(start, stage + ": " + n));
            double seconds = (System.nanoTime() - buildStart) / 1e9;
            long peakUsedMb = heap.peakUsed() >> 20;
            long peakLiveMb = heap.peakAfterGc() >> 20;
            progress(start, String.format("built %d samples in %.1f s, peak heap %d MiB (live after GC %d MiB)",
                    release.sampleCount(), seconds, peakUsedMb, peakLiveMb));

            double ratio = incrementalRatio(ds, json, work, schema, samples, hubSamples, blob, start);

            Map<String, Object> result = new LinkedHashMap<>();
            result.put("samples", release.sampleCount());
            result.put("seconds", Math.round(seconds * 10) / 10.0);
            result.put("peak_heap_mb", peakUsedMb);
            result.put("peak_live_heap_mb", peakLiveMb);
            result.put("incremental_upload_ratio", ratio);
            result.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
            result.put("video_bytes", "one shared 64-byte blob per video; shards written in full");
            result.put("hub_samples", hubSamples);
            Files.writeString(out.resolve("release.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(result));
            System.out.println();
            System.out.printf("%-26s %s%n", "metric", "value (target)");
            System.out.printf("%-26s %d%n", "samples", release.sampleCount());
            System.out.printf("%-26s %.1f (<= 60)%n", "seconds", seconds);
            System.out.printf("%-26s %d (<= 1024)%n", "peak_heap_mb", peakUsedMb);
            System.out.printf("%-26s %d%n", "peak_live_heap_mb", peakLiveMb);
            System.out.printf("%-26s %.4f (= 1.0)%n", "incremental_upload_ratio", ratio);
            System.out.println("wrote " + out.resolve("release.json"));
            deleteQuietly(releasesRoot);
            JdbcClient.create(ds).sql("drop schema " + schema + " cascade").update();
        }
    }

    private static void insertSynthetic(DataSource ds, long from, long count, long clips, long start) {
        JdbcClient jdbc = JdbcClient.create(ds);
        long existingClips = jdbc.sql("select count(*) from source_assets").query(Long.class).single();
        if (existingClips == 0) {
            jdbc.sql("""
                    insert into sources (origin, original_name, blob_key, size_bytes, sha256, status, width, height, fps)
                    select 'API', 'synthetic-' || g, md5(g::text) || md5('s' || g), 64, 'bench-' || g, 'READY', 832, 480, 20
                    from generate_series(1, :n) g""").param("n", clips).update();
            jdbc.sql("""
                    insert into source_assets (source_id, kind, clip_index, blob_key, size_bytes, content_type, width, height, frames, fps)
                    select id, 'CLIP', 0, blob_key, 64, 'video/mp4', 832, 480, 73, 20 from sources order by id""").update();
            progress(start, "inserted " + clips + " sources and clips");
            existingClips = clips;
        }
        String categories = "array['" + String.join("','", CATEGORIES) + "']";
        for (long lo = from; lo < from + count; lo += 250_000) {
            long hi = Math.min(from + count - 1, lo + 249_999);
            jdbc.sql("""
                    insert into instructions (source_id, clip_id, category, text, edit_spec, engine, model, prompt_version)
                    select 1 + g % :c, 1 + g % :c, (CATEGORIES)[1 + g % 7],
                           'Synthetic edit ' || g || ': make it look, say, like a "painting"', '{}', 'bench', 'bench', 'p1'
                    from generate_series(:lo, :hi) g order by g""".replace("CATEGORIES", categories))
                    .param("c", existingClips).param("lo", lo).param("hi", hi).update();
            jdbc.sql("""
                    insert into samples (source_id, clip_id, instruction_id, status, category, edited_blob_key, edited_size_bytes,
                                         metrics, provenance, verdict, judge_score, judge_engine)
                    select i.source_id, i.clip_id, i.id, 'ACCEPTED', i.category, md5(i.id::text) || md5('e' || i.id), 64,
                           '{"ssim": 0.8}', '{"pipeline": "bench"}', '{"decision": "ACCEPT"}', 0.5 + (i.id % 50) / 100.0, 'bench'
                    from instructions i where i.id between :lo and :hi order by i.id""")
                    .param("lo", lo).param("hi", hi).update();
            progress(start, "inserted samples up to " + hi);
        }
    }

    /** Publishes v1 of a small release, adds 1% samples, publishes v1.1: bytes uploaded ÷ bytes of changed files. */
    private static double incrementalRatio(DataSource ds, ObjectMapper json, Path work, String schema, int samples,
                                           int hubSamples, Path blob, long start) throws Exception {
        JdbcClient jdbc = JdbcClient.create(ds);
        jdbc.sql("update samples set status = 'REJECTED' where id > :n").param("n", hubSamples).update();
        Path root = work.resolve("hub-releases-" + schema);
        ReleaseBuilder builder = new ReleaseBuilder(ds, BlobFiles.ofPaths(k -> blob), ReleaseProperties.defaults().withShardMaxBytes(1 << 20),
                json, Clock.systemUTC(), root);
        Release v1 = builder.build(new NewRelease("bench-hub", "1.0.0", ReleaseSelection.all(), null), null, (s, n) -> {});
        try (FakeHub hub = new FakeHub("hf_bench_token", Files.createTempDirectory(work, "fake-hub-"))) {
            hub.thresholds(10L << 20, 256L << 10, 128L << 10);
            HubPublisher publisher = new HubPublisher(HubProperties.of(hub.url(), "hf_bench_token").withRetries(0, 0), json);
            publish(publisher, builder, v1, json, "bench/hub");
            progress(start, "published " + v1.sampleCount() + " samples to the local Hub (" + hub.bytesUploaded() + " bytes)");
            Map<String, String> before = shas(builder, v1, json);
            int added = Math.max(1, hubSamples / 100);
            jdbc.sql("update samples set status = 'ACCEPTED' where id > :n and id <= :m")
                    .param("n", hubSamples).param("m", hubSamples + added).update();
            Release v2 = builder.build(new NewRelease("bench-hub", "1.1.0", ReleaseSelection.all(), null), null, (s, n) -> {});
            hub.resetCounters();
            publish(publisher, builder, v2, json, "bench/hub");
            long changed = 0;
            Path dir = builder.directoryOf(v2.name(), v2.version());
            for (var e : shas(builder, v2, json).entrySet()) {
                if (!e.getValue().equals(before.get(e.getKey()))) {
                    changed += Files.size(dir.resolve(e.getKey()));
                }
            }
            progress(start, "v1.1.0 (+" + added + " samples): uploaded " + hub.bytesUploaded() + " bytes, changed " + changed);
            deleteQuietly(root);
            return changed == 0 ? 0 : Math.round(hub.bytesUploaded() * 10_000.0 / changed) / 10_000.0;
        }
    }

    private static Map<String, String> shas(ReleaseBuilder builder, Release r, ObjectMapper json) throws Exception {
        Map<String, String> m = new HashMap<>();
        for (var f : ReleaseManifest.read(builder.directoryOf(r.name(), r.version()), json).files()) {
            m.put(f.path(), f.sha256());
        }
        return m;
    }

    private static void publish(HubPublisher publisher, ReleaseBuilder builder, Release r, ObjectMapper json, String repo)
            throws Exception {
        Path dir = builder.directoryOf(r.name(), r.version());
        publisher.publish(new ReleasePublisher.Job(0, r, dir, ReleaseManifest.read(dir, json), repo, new MemoryTracker()));
    }

    private static void progress(long start, String message) {
        System.out.printf("[%6.1f s] %s%n", (System.nanoTime() - start) / 1e9, message);
    }

    private static void deleteQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception e) {
            System.out.println("could not remove " + dir + ": " + e.getMessage());
        }
    }

    /** Keeps publisher state in memory (the benchmark never resumes). */
    private static final class MemoryTracker implements PublicationTracker {
        private @Nullable Object state;

        @Override
        public <T> @Nullable T state(Class<T> type) {
            return type.isInstance(state) ? type.cast(state) : null;
        }

        @Override
        public void saveState(Object s) {
            state = s;
        }

        @Override
        public void totals(int files, long bytes) {}

        @Override
        public void advance(int files, long bytes) {}
    }

    /** Peak heap: used heap sampled every 20 ms, and the largest heap left after any collection (the live set). */
    private static final class HeapWatch {
        private final AtomicLong peakUsed = new AtomicLong();
        private final AtomicLong peakAfterGc = new AtomicLong();

        HeapWatch() {
            Thread sampler = new Thread(() -> {
                var memory = ManagementFactory.getMemoryMXBean();
                while (true) {
                    peakUsed.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-sampler");
            sampler.setDaemon(true);
            sampler.start();
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((NotificationEmitter) gc).addNotificationListener((n, h) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                        var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                        long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream()
                                .mapToLong(MemoryUsage::getUsed).sum();
                        peakAfterGc.accumulateAndGet(used, Math::max);
                    }
                }, null, null);
            }
        }

        void reset() {
            peakUsed.set(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
            peakAfterGc.set(0);
        }

        long peakUsed() {
            return peakUsed.get();
        }

        long peakAfterGc() {
            return peakAfterGc.get();
        }
    }
}
