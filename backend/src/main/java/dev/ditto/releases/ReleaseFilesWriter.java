package dev.ditto.releases;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.ObjectMapper;

/**
 * The file half of building a release: streams the snapshot once through a cursor and writes, as it goes, new video
 * shards, the training metadata JSON and the DiffSynth-Studio CSV; then links the shards earlier versions wrote,
 * and writes stats, dataset card and manifest. Memory stays flat: only per-category counters are kept.
 */
final class ReleaseFilesWriter {
    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final BlobFiles blobs;
    private final ReleaseProperties properties;
    private final ObjectMapper json;

    ReleaseFilesWriter(DataSource dataSource, BlobFiles blobs, ReleaseProperties properties, ObjectMapper json) {
        this.dataSource = dataSource;
        this.jdbc = JdbcClient.create(dataSource);
        this.blobs = blobs;
        this.properties = properties;
        this.json = json;
    }

    /** The release being written. */
    record Target(long id, String name, String version, @Nullable Long previousId, Path dir, Instant builtAt,
                  Map<String, Long> counts, ReleaseDiff diff) {}

    /** What was written: the manifest's sha256 and the statistics. */
    record Written(String manifestSha256, ReleaseStats stats) {}

    Written write(Target target, BiConsumer<String, Long> progress) throws Exception {
        Files.createDirectories(target.dir());
        ShardRegistry shards = new ShardRegistry(jdbc, target.name(), target.id());
        Map<String, HashingOutput.FileDigest> files = new TreeMap<>();
        writeSourceShards(target, shards, progress);
        ReleaseStats stats = writeSamples(target, shards, files, progress);
        Map<Long, ShardInfo> releaseShards = linkShards(target);
        stats = stats.withShards(releaseShards.size(), releaseShards.values().stream().mapToLong(ShardInfo::size).sum(),
                jdbc.sql("select count(distinct clip_id) from release_samples where release_id = :rid")
                        .param("rid", target.id()).query(Long.class).single());
        files.put(DatasetLayout.STATS, writeJson(target.dir().resolve(DatasetLayout.STATS), stats));
        files.put(DatasetLayout.CARD, writeText(target.dir().resolve(DatasetLayout.CARD),
                DatasetCard.render(target, stats, properties)));
        String manifestSha = writeManifest(target, files, releaseShards, progress);
        return new Written(manifestSha, stats);
    }

    private void writeSourceShards(Target target, ShardRegistry shards, BiConsumer<String, Long> progress) throws Exception {
        OpenShard[] open = {null};
        long[] count = {0};
        Cursor.stream(dataSource, properties.fetchSize(), """
                select distinct on (rs.clip_id) rs.clip_id, c.blob_key
                from release_samples rs join source_assets c on c.id = rs.clip_id
                where rs.release_id = ? and rs.source_shard_id is null order by rs.clip_id""",
                new Object[] {target.id()}, rs -> {
                    long clipId = rs.getLong(1);
                    String key = rs.getString(2);
                    Path blob = blob(key, "source clip " + clipId);
                    long size = Files.size(blob);
                    if (open[0] != null && open[0].full(TarShardWriter.entryBytes(size))) {
                        open[0].finishSources(shards);
                        open[0] = null;
                    }
                    if (open[0] == null) {
                        open[0] = OpenShard.open(target.dir(), DatasetLayout.SOURCE, DatasetLayout.SOURCE, shards, properties);
                    }
                    open[0].add(DatasetLayout.sourcePath(clipId, key), blob, size, clipId);
                    if (++count[0] % 100_000 == 0) {
                        progress.accept("source clips archived", count[0]);
                    }
                });
        if (open[0] != null) {
            open[0].finishSources(shards);
        }
    }

    private ReleaseStats writeSamples(Target target, ShardRegistry shards, Map<String, HashingOutput.FileDigest> files,
                                      BiConsumer<String, Long> progress) throws Exception {
        boolean referenceImage = jdbc.sql("""
                select count(*) > 0 and count(*) = count(keyframe_blob_key) from release_samples where release_id = :rid""")
                .param("rid", target.id()).query(Boolean.class).single();
        String metadataPath = DatasetLayout.metadataPath(target.name());
        String csvPath = DatasetLayout.csvPath(target.name());
        Files.createDirectories(target.dir().resolve(metadataPath).getParent());
        Files.createDirectories(target.dir().resolve(csvPath).getParent());
        ReleaseStats.Builder stats = new ReleaseStats.Builder(target.name(), target.version(), target.diff(), properties);
        OpenShard[] open = {null};
        long[] count = {0};
        try (HashingOutput metadataOut = new HashingOutput(target.dir().resolve(metadataPath));
             HashingOutput csvOut = new HashingOutput(target.dir().resolve(csvPath));
             JsonGenerator metadata = json.createGenerator(HashingOutput.unclosable(metadataOut));
             BufferedWriter csvWriter = new BufferedWriter(new OutputStreamWriter(HashingOutput.unclosable(csvOut),
                     StandardCharsets.UTF_8), 1 << 16)) {
            DiffSynthCsv csv = new DiffSynthCsv(csvWriter, referenceImage);
            metadata.writeStartArray();
            Cursor.stream(dataSource, properties.fetchSize(), """
                    select rs.sample_id, rs.category, rs.clip_id, rs.instruction, rs.judge_score, rs.edited_blob_key,
                           rs.keyframe_blob_key, rs.edited_shard_id, rs.source_shard_id, s.source_id, s.instruction_id,
                           s.campaign_id, s.metrics::text, s.provenance::text, s.verdict::text, s.judge_engine,
                           c.blob_key, c.width, c.height, c.frames, c.fps, i.engine, i.model, i.prompt_version
                    from release_samples rs join samples s on s.id = rs.sample_id
                         join source_assets c on c.id = rs.clip_id join instructions i on i.id = s.instruction_id
                    where rs.release_id = ? order by rs.category, rs.sample_id""", new Object[] {target.id()}, rs -> {
                        SampleRow row = SampleRow.of(rs);
                        String dir = DatasetLayout.categoryDir(row.category());
                        String editedPath = DatasetLayout.editedPath(dir, row.sampleId(), row.editedKey());
                        String keyframePath = row.keyframeKey() == null ? null
                                : DatasetLayout.keyframePath(dir, row.sampleId(), row.keyframeKey());
                        String shardPath;
                        if (row.editedShardId() == null) {
                            Path edited = blob(row.editedKey(), "edited video of sample " + row.sampleId());
                            Path keyframe = row.keyframeKey() == null ? null
                                    : blob(row.keyframeKey(), "key frame of sample " + row.sampleId());
                            long editedSize = Files.size(edited);
                            long keyframeSize = keyframe == null ? 0 : Files.size(keyframe);
                            long needed = TarShardWriter.entryBytes(editedSize)
                                    + (keyframe == null ? 0 : TarShardWriter.entryBytes(keyframeSize));
                            if (open[0] != null && (!open[0].category.equals(row.category()) || open[0].full(needed))) {
                                open[0].finishEdited(shards);
                                open[0] = null;
                            }
                            if (open[0] == null) {
                                open[0] = OpenShard.open(target.dir(), row.category(), dir, shards, properties);
                            }
                            open[0].add(editedPath, edited, editedSize, row.sampleId());
                            if (keyframe != null) {
                                open[0].add(keyframePath, keyframe, keyframeSize, row.sampleId());
                            }
                            shardPath = open[0].path;
                        } else {
                            shardPath = shards.path(row.editedShardId());
                        }
                        String sourcePath = DatasetLayout.sourcePath(row.clipId(), row.clipKey());
                        writeRecord(metadata, row, dir, sourcePath, editedPath, keyframePath, shardPath);
                        csv.sample(editedPath, sourcePath, row.instruction(), keyframePath == null ? "" : keyframePath);
                        stats.add(row);
                        if (++count[0] % 100_000 == 0) {
                            progress.accept("samples written", count[0]);
                        }
                    });
            if (open[0] != null) {
                open[0].finishEdited(shards);
            }
            metadata.writeEndArray();
            metadata.close();
            csvWriter.close();
            files.put(metadataPath, metadataOut.finish());
            files.put(csvPath, csvOut.finish());
        }
        return stats.build();
    }

    private static void writeRecord(JsonGenerator g, SampleRow row, String dir, String sourcePath, String editedPath,
                                    @Nullable String keyframePath, String shardPath) {
        g.writeStartObject();
        g.writeStringProperty("source_path", sourcePath);
        g.writeStringProperty("instruction", row.instruction());
        g.writeStringProperty("edited_path", editedPath);
        if (keyframePath != null) {
            g.writeStringProperty("edited_keyframe_path", keyframePath);
        }
        g.writeStringProperty("category", dir);
        g.writeNumberProperty("sample_id", row.sampleId());
        g.writeNumberProperty("source_id", row.sourceId());
        g.writeNumberProperty("clip_id", row.clipId());
        g.writeNumberProperty("instruction_id", row.instructionId());
        if (row.campaignId() != null) {
            g.writeNumberProperty("campaign_id", row.campaignId());
        }
        g.writeStringProperty("shard", shardPath);
        if (row.width() != null) g.writeNumberProperty("width", row.width());
        if (row.height() != null) g.writeNumberProperty("height", row.height());
        if (row.frames() != null) g.writeNumberProperty("frames", row.frames());
        if (row.fps() != null) g.writeNumberProperty("fps", row.fps());
        if (row.judgeScore() != null) g.writeNumberProperty("judge_score", row.judgeScore());
        if (row.judgeEngine() != null) g.writeStringProperty("judge_engine", row.judgeEngine());
        g.writeName("verdict");
        g.writeRawValue(row.verdictJson() == null ? "null" : row.verdictJson());
        g.writeName("metrics");
        g.writeRawValue(row.metricsJson());
        g.writeName("provenance");
        g.writeStartObject();
        g.writeName("sample");
        g.writeRawValue(row.provenanceJson());
        g.writeStringProperty("instruction_engine", row.instructionEngine());
        g.writeStringProperty("instruction_model", row.instructionModel());
        g.writeStringProperty("instruction_prompt_version", row.promptVersion());
        g.writeEndObject();
        g.writeEndObject();
    }

    private Path blob(String key, String what) throws IOException {
        Path path = blobs.pathOf(key);
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null,
                    "the " + what + " (blob " + key + ") is missing from the blob store; restore it or leave the sample out");
        }
        return path;
    }

    /** Every shard this release ships, linked into its folder from the version that wrote it. */
    private Map<Long, ShardInfo> linkShards(Target target) throws IOException {
        Map<Long, ShardInfo> result = new LinkedHashMap<>();
        jdbc.sql("""
                select sh.id, sh.path, sh.category, sh.sha256, sh.size_bytes, sh.entries, r.version
                from release_shards sh join releases r on r.id = sh.first_release_id
                where sh.id in (select edited_shard_id from release_samples where release_id = :rid
                                union select source_shard_id from release_samples where release_id = :rid)
                order by sh.path""")
                .param("rid", target.id())
                .query(rs -> {
                    result.put(rs.getLong(1), new ShardInfo(rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getLong(5), rs.getInt(6), rs.getString(7)));
                });
        Path versions = target.dir().getParent();
        for (ShardInfo shard : result.values()) {
            Path here = target.dir().resolve(shard.path());
            if (Files.exists(here)) {
                continue;
            }
            Path there = versions.resolve(shard.firstVersion()).resolve(shard.path());
            if (!Files.exists(there)) {
                throw new NoSuchFileException(there.toString(), null, "shard " + shard.path() + " of version "
                        + shard.firstVersion() + " is gone; rebuild that version or compact the release");
            }
            Files.createDirectories(here.getParent());
            try {
                Files.createLink(here, there);
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(there, here, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return result;
    }

    /** A shard shipped by a release. */
    record ShardInfo(String path, String category, String sha256, long size, int entries, String firstVersion) {}

    private String writeManifest(Target target, Map<String, HashingOutput.FileDigest> files, Map<Long, ShardInfo> shards,
                                 BiConsumer<String, Long> progress) throws Exception {
        Path path = target.dir().resolve(DatasetLayout.MANIFEST);
        HashingOutput out = new HashingOutput(path);
        try (out; JsonGenerator g = json.createGenerator(HashingOutput.unclosable(out))) {
            g.writeStartObject();
            g.writeStringProperty("name", target.name());
            g.writeStringProperty("version", target.version());
            if (target.diff().previousVersion() != null) {
                g.writeStringProperty("previous_version", target.diff().previousVersion());
            }
            g.writeStringProperty("built_at", target.builtAt().toString());
            g.writeStringProperty("dataset_base_path", DatasetLayout.VIDEOS);
            g.writeNumberProperty("samples", target.counts().values().stream().mapToLong(Long::longValue).sum());
            Map<String, Object[]> all = new TreeMap<>();
            files.forEach((p, d) -> all.put(p, new Object[] {d.size(), d.sha256()}));
            shards.values().forEach(s -> all.put(s.path(), new Object[] {s.size(), s.sha256()}));
            g.writeName("files");
            g.writeStartArray();
            for (var e : all.entrySet()) {
                g.writeStartObject();
                g.writeStringProperty("path", e.getKey());
                g.writeNumberProperty("size", (Long) e.getValue()[0]);
                g.writeStringProperty("sha256", (String) e.getValue()[1]);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeName("shards");
            g.writeStartArray();
            Map<Long, ShardInfo> remaining = new HashMap<>(shards);
            streamShardMembers(g, target, shards, remaining, "edited_shard_id", "sample_id", "samples");
            streamShardMembers(g, target, shards, remaining, "source_shard_id", "clip_id", "clips");
            g.writeEndArray();
            g.writeName("removed_samples");
            g.writeStartArray();
            if (target.previousId() != null) {
                Cursor.stream(dataSource, properties.fetchSize(), """
                        select o.sample_id, o.category, o.edited_blob_key, sh.path
                        from release_samples o left join release_shards sh on sh.id = o.edited_shard_id
                        where o.release_id = ? and not exists (
                            select 1 from release_samples n where n.release_id = ? and n.sample_id = o.sample_id)
                        order by o.sample_id""", new Object[] {target.previousId(), target.id()}, rs -> {
                            g.writeStartObject();
                            g.writeNumberProperty("sample_id", rs.getLong(1));
                            g.writeStringProperty("edited_path", DatasetLayout.editedPath(
                                    DatasetLayout.categoryDir(rs.getString(2)), rs.getLong(1), rs.getString(3)));
                            if (rs.getString(4) != null) {
                                g.writeStringProperty("shard", rs.getString(4));
                            }
                            g.writeEndObject();
                        });
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        progress.accept("manifest written", (long) shards.size());
        return out.finish().sha256();
    }

    private void streamShardMembers(JsonGenerator g, Target target, Map<Long, ShardInfo> shards, Map<Long, ShardInfo> remaining,
                                    String shardColumn, String memberColumn, String listName) throws Exception {
        long[] current = {-1};
        Cursor.stream(dataSource, properties.fetchSize(),
                "select distinct " + shardColumn + ", " + memberColumn + " from release_samples where release_id = ? and "
                        + shardColumn + " is not null order by 1, 2", new Object[] {target.id()}, rs -> {
                    long shardId = rs.getLong(1);
                    if (shardId != current[0]) {
                        if (current[0] >= 0) {
                            g.writeEndArray();
                            g.writeEndObject();
                        }
                        current[0] = shardId;
                        ShardInfo s = shards.get(shardId);
                        remaining.remove(shardId);
                        g.writeStartObject();
                        g.writeStringProperty("path", s.path());
                        g.writeStringProperty("category", s.category());
                        g.writeNumberProperty("size", s.size());
                        g.writeStringProperty("sha256", s.sha256());
                        g.writeNumberProperty("entries", s.entries());
                        g.writeStringProperty("first_version", s.firstVersion());
                        g.writeName(listName);
                        g.writeStartArray();
                    }
                    g.writeNumber(rs.getLong(2));
                });
        if (current[0] >= 0) {
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private HashingOutput.FileDigest writeJson(Path path, Object value) throws IOException {
        HashingOutput out = new HashingOutput(path);
        try (out) {
            json.writerWithDefaultPrettyPrinter().writeValue(HashingOutput.unclosable(out), value);
        }
        return out.finish();
    }

    private static HashingOutput.FileDigest writeText(Path path, String text) throws IOException {
        HashingOutput out = new HashingOutput(path);
        try (out) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.finish();
    }

    /** One row of the snapshot joined with its sample, clip and instruction. */
    record SampleRow(long sampleId, String category, long clipId, String instruction, @Nullable Float judgeScore,
                     String editedKey, @Nullable String keyframeKey, @Nullable Long editedShardId, long sourceId,
                     long instructionId, @Nullable Long campaignId, String metricsJson, String provenanceJson,
                     @Nullable String verdictJson, @Nullable String judgeEngine, String clipKey, @Nullable Integer width,
                     @Nullable Integer height, @Nullable Integer frames, @Nullable Double fps, String instructionEngine,
                     String instructionModel, String promptVersion) {
        static SampleRow of(ResultSet rs) throws java.sql.SQLException {
            return new SampleRow(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4).strip(),
                    rs.getObject(5) == null ? null : rs.getFloat(5), rs.getString(6), rs.getString(7),
                    rs.getObject(8) == null ? null : rs.getLong(8), rs.getLong(10), rs.getLong(11),
                    rs.getObject(12) == null ? null : rs.getLong(12), rs.getString(13), rs.getString(14), rs.getString(15),
                    rs.getString(16), rs.getString(17), (Integer) rs.getObject(18), (Integer) rs.getObject(19),
                    (Integer) rs.getObject(20), (Double) rs.getObject(21), rs.getString(22), rs.getString(23),
                    rs.getString(24));
        }
    }

    /** A shard being filled. */
    private static final class OpenShard {
        final String category;
        final String shardCategory;
        final int seq;
        final String path;
        final TarShardWriter writer;
        final long maxBytes;
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;

        private OpenShard(String category, String shardCategory, int seq, String path, TarShardWriter writer, long maxBytes) {
            this.category = category;
            this.shardCategory = shardCategory;
            this.seq = seq;
            this.path = path;
            this.writer = writer;
            this.maxBytes = maxBytes;
        }

        static OpenShard open(Path dir, String category, String shardCategory, ShardRegistry shards,
                              ReleaseProperties properties) throws IOException {
            int seq = shards.nextSeq(shardCategory);
            String path = DatasetLayout.shardPath(shardCategory, seq);
            Path file = dir.resolve(path);
            if (Files.exists(file)) {
                throw new UncheckedIOException(new IOException("shard " + file + " already exists; shards are never rewritten"));
            }
            return new OpenShard(category, shardCategory, seq, path, new TarShardWriter(file), properties.shardMaxBytes());
        }

        boolean full(long entryBytes) {
            return writer.entries() > 0 && writer.size() + entryBytes + 2L * TarShardWriter.BLOCK > maxBytes;
        }

        void add(String name, Path content, long size, long member) throws IOException {
            writer.add(name, content, size);
            lo = Math.min(lo, member);
            hi = Math.max(hi, member);
        }

        void finishEdited(ShardRegistry shards) throws IOException {
            int entries = writer.entries();
            shards.recordEdited(category, shardCategory, seq, writer.finish(), entries, lo, hi);
        }

        void finishSources(ShardRegistry shards) throws IOException {
            int entries = writer.entries();
            shards.recordSources(seq, writer.finish(), entries, lo, hi);
        }
    }
}
