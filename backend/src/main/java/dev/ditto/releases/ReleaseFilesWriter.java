package dev.ditto.releases;

import dev.ditto.agent.InstructionText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.ObjectMapper;

/**
 * The file half of building a release. {@link #writeSamples} streams the selection once, in the order of the files
 * (category, then sample id), through a cursor: it archives new videos into shards, writes the training metadata
 * JSON and the DiffSynth-Studio CSV, and copies each shipped row into {@code release_samples} with its final shard
 * ids. {@link #finish} then links the shards earlier versions wrote and writes stats, dataset card and manifest.
 * Memory stays flat: only per-category counters and one entry per new source shard are kept.
 */
final class ReleaseFilesWriter {
    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final BlobFiles blobs;
    private final ReleaseProperties properties;
    private final ObjectMapper json;

    private final ReleaseStorage storage;

    ReleaseFilesWriter(DataSource dataSource, BlobFiles blobs, ReleaseProperties properties, ObjectMapper json,
                       ReleaseStorage storage) {
        this.storage = storage;
        this.dataSource = dataSource;
        this.jdbc = JdbcClient.create(dataSource);
        this.blobs = blobs;
        this.properties = properties;
        this.json = json;
    }

    /** The release being written. */
    record Target(long id, String name, String version, @Nullable Long previousId, Path dir, Instant builtAt,
                  Map<String, Long> counts, ReleaseDiff diff, @Nullable String notes, @Nullable Sim2Real sim2real,
                  @Nullable QualityReport quality) {}

    /** What the pass over the samples found: rows shipped, counts by category, the files written so far. */
    record Pass(long samples, Map<String, Long> counts, ReleaseStats.Builder stats,
                Map<String, HashingOutput.FileDigest> files) {}

    /** What was written: the manifest's sha256 and the statistics. */
    record Written(String manifestSha256, ReleaseStats stats) {}

    /**
     * Writes shards, metadata and CSV for the selected samples and records them in {@code release_samples}; throws
     * {@link ReleaseException} (INVALID) when an instruction would not read back as text in pandas.
     */
    Pass writeSamples(Target target, ReleaseSnapshot.Filter filter, ReleaseSnapshot.Preflight preflight,
                      BiConsumer<String, Long> progress) throws Exception {
        Files.createDirectories(target.dir());
        ShardRegistry shards = new ShardRegistry(jdbc, target.name(), target.id());
        long previous = target.previousId() == null ? -1 : target.previousId();
        SourceShards sourceShards = writeSourceShards(target, filter, previous, shards, progress);
        boolean referenceImage = preflight.samples() > 0 && preflight.withKeyframe() == preflight.samples();
        Sim2Real sim2real = target.sim2real();
        ReleaseStats.Builder stats = new ReleaseStats.Builder(target.name(), target.version(), properties);
        Map<String, Long> counts = new TreeMap<>();
        PromptProblems prompts = new PromptProblems();
        Map<String, HashingOutput.FileDigest> files = new TreeMap<>();
        long[] count = {0};
        String[] category = new String[2];
        List<Object> params = new ArrayList<>(List.of(previous, previous));
        params.addAll(filter.params());
        try (OpenShard.Slot open = new OpenShard.Slot(shards);
             ReleaseSampleCopy copy = new ReleaseSampleCopy(dataSource, target.id());
             TrainingFiles forward = new TrainingFiles(target.dir(), DatasetLayout.metadataPath(target.name()),
                     DatasetLayout.csvPath(target.name()), json, referenceImage);
             TrainingFiles reverse = sim2real == null ? null : new TrainingFiles(target.dir(),
                     DatasetLayout.sim2realMetadataPath(target.name()), DatasetLayout.sim2realCsvPath(target.name()),
                     json, false)) {
            Cursor.stream(dataSource, properties, "select " + SampleRow.COLUMNS + """
                     from samples s join instructions i on i.id = s.instruction_id
                         join source_assets c on c.id = s.clip_id
                         left join release_samples p on p.release_id = ? and p.sample_id = s.id
                         left join (select clip_id, min(source_shard_id) as source_shard_id from release_samples
                                    where release_id = ? and source_shard_id is not null group by clip_id) pc
                                on pc.clip_id = s.clip_id
                    where\s""" + filter.sql() + " order by s.category, s.id", params.toArray(), rs -> {
                        SampleRow row = SampleRow.of(rs);
                        String prompt = row.prompt();
                        if (prompts.check(row.sampleId(), prompt)) {
                            return;
                        }
                        if (!row.category().equals(category[0])) {
                            category[0] = row.category();
                            category[1] = DatasetLayout.categoryDir(row.category());
                        }
                        String dir = category[1];
                        String editedPath = DatasetLayout.editedPath(dir, row.sampleId(), row.editedKey());
                        String keyframePath = row.keyframeKey() == null ? null
                                : DatasetLayout.keyframePath(dir, row.sampleId(), row.keyframeKey());
                        long editedShard;
                        String shardPath;
                        if (row.inheritedEditedShard() == null) {
                            OpenShard shard = archiveEdited(target, row, dir, editedPath, keyframePath, open, shards);
                            editedShard = shard.id;
                            shardPath = shard.path;
                        } else {
                            editedShard = row.inheritedEditedShard();
                            shardPath = shards.path(editedShard);
                        }
                        long sourceShard = row.inheritedSourceShard() != null ? row.inheritedSourceShard()
                                : sourceShards.of(row.clipId());
                        String sourcePath = DatasetLayout.sourcePath(row.clipId(), row.clipKey());
                        writeRecord(forward.metadata(), row, prompt, dir, sourcePath, editedPath, keyframePath, shardPath);
                        forward.metadata().writeEndObject();
                        forward.csvRow(editedPath, sourcePath, prompt, keyframePath == null ? "" : keyframePath);
                        if (reverse != null && sim2real.covers(row.category())) {
                            // the same shard entries serve both directions: the stylised video conditions, the source is the target
                            JsonGenerator g = reverse.metadata();
                            writeRecord(g, row, sim2real.prompt(), dir, editedPath, sourcePath, null,
                                    shards.path(sourceShard));
                            g.writeStringProperty("direction", "sim2real");
                            g.writeStringProperty("forward_instruction", prompt);
                            g.writeStringProperty("condition_shard", shardPath);
                            g.writeEndObject();
                            reverse.csvRow(sourcePath, editedPath, sim2real.prompt(), "");
                        }
                        copy.row(row, editedShard, sourceShard);
                        stats.add(row, prompt, dir);
                        counts.merge(row.category(), 1L, Long::sum);
                        if (++count[0] % 100_000 == 0) {
                            progress.accept("samples written", count[0]);
                        }
                    });
            open.finish();
            prompts.throwIfAny();
            if (reverse != null && reverse.rows() == 0) {
                throw new ReleaseException(ReleaseException.Reason.INVALID, "the sim2real subset was asked for, but none"
                        + " of the " + count[0] + " selected samples is in " + String.join(", ", sim2real.categories())
                        + " (the setting releases.sim2real-categories); select such samples or build without sim2real");
            }
            forward.finish(files);
            if (reverse != null) {
                reverse.finish(files);
                stats.sim2realPairs(reverse.rows());
            }
            copy.finish();
        }
        progress.accept("samples written", count[0]);
        return new Pass(count[0], counts, stats, files);
    }

    /** Archives a new sample's edited video (and key frame) into the open shard of its category, or a new one. */
    private OpenShard archiveEdited(Target target, SampleRow row, String dir, String editedPath,
                                    @Nullable String keyframePath, OpenShard.Slot slot, ShardRegistry shards)
            throws IOException {
        String keyframe = row.keyframeKey();
        long editedSize = row.editedSize() != null ? row.editedSize()
                : size(row.editedKey(), "edited video of sample " + row.sampleId());
        long keyframeSize = keyframe == null ? 0 : size(keyframe, "key frame of sample " + row.sampleId());
        long needed = TarShardWriter.entryBytes(editedSize)
                + (keyframe == null ? 0 : TarShardWriter.entryBytes(keyframeSize));
        OpenShard open = slot.current();
        if (open != null && (!open.category.equals(row.category()) || open.full(needed))) {
            slot.finish();
            open = null;
        }
        if (open == null) {
            open = OpenShard.open(target.dir(), row.category(), dir, shards, properties.shardMaxBytes(), storage);
            slot.set(open);
        }
        open.add(editedPath, blobs, editedSize, "edited video of sample " + row.sampleId(), row.editedKey());
        if (keyframe != null) {
            open.add(keyframePath, blobs, keyframeSize, "key frame of sample " + row.sampleId(), keyframe);
        }
        return open;
    }

    /** Archives the source clips no earlier version shipped, in clip order; remembers which shard holds which. */
    private SourceShards writeSourceShards(Target target, ReleaseSnapshot.Filter filter, long previous,
                                           ShardRegistry shards, BiConsumer<String, Long> progress) throws Exception {
        SourceShards result = new SourceShards();
        long[] count = {0};
        List<Object> params = new ArrayList<>(filter.params());
        params.add(previous);
        try (OpenShard.Slot open = new OpenShard.Slot(shards)) {
            Cursor.stream(dataSource, properties, """
                    select c.id, c.blob_key, c.size_bytes from source_assets c
                    where c.id in (select s.clip_id from samples s where\s""" + filter.sql() + """
                    )
                      and not exists (select 1 from release_samples p where p.release_id = ? and p.clip_id = c.id
                                      and p.source_shard_id is not null)
                    order by c.id""", params.toArray(), rs -> {
                        long clipId = rs.getLong(1);
                        String key = rs.getString(2);
                        long size = rs.getLong(3);
                        if (open.current() != null && open.current().full(TarShardWriter.entryBytes(size))) {
                            open.finish();
                        }
                        if (open.current() == null) {
                            open.set(OpenShard.open(target.dir(), DatasetLayout.SOURCE, DatasetLayout.SOURCE, shards,
                                    properties.shardMaxBytes(), storage));
                            result.starts(clipId, open.current().id);
                        }
                        open.current().add(DatasetLayout.sourcePath(clipId, key), blobs, size,
                                "source clip " + clipId, key);
                        if (++count[0] % 100_000 == 0) {
                            progress.accept("source clips archived", count[0]);
                        }
                    });
            open.finish();
        }
        progress.accept("source clips archived", count[0]);
        return result;
    }

    /** Writes stats, dataset card and manifest once the diff is known. */
    Written finish(Target target, Pass pass, BiConsumer<String, Long> progress) throws Exception {
        Map<Long, ShardInfo> releaseShards = linkShards(target);
        ReleaseStats stats = pass.stats().build(target.diff()).withShards(releaseShards.size(),
                releaseShards.values().stream().mapToLong(ShardInfo::size).sum(),
                jdbc.sql("select count(distinct clip_id) from release_samples where release_id = :rid")
                        .param("rid", target.id()).query(Long.class).single());
        Map<String, HashingOutput.FileDigest> files = new TreeMap<>(pass.files());
        files.put(DatasetLayout.STATS, writeJson(target.dir().resolve(DatasetLayout.STATS), stats));
        if (target.quality() != null) {
            files.put(DatasetLayout.QUALITY, writeJson(target.dir().resolve(DatasetLayout.QUALITY), target.quality()));
        }
        files.put(DatasetLayout.CARD, writeText(target.dir().resolve(DatasetLayout.CARD),
                DatasetCard.render(target, stats, properties)));
        String manifestSha = writeManifest(target, files, releaseShards, progress);
        return new Written(manifestSha, stats);
    }

    private long size(String key, String what) throws IOException {
        try {
            return blobs.size(key);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(key, null, "the " + what + " (blob " + key
                    + ") is missing from the blob store; restore it or leave the sample out");
        }
    }

    /**
     * Writes one metadata record, leaving it open for the caller's extra properties: {@code sourcePath} is the
     * condition, {@code editedPath} the target and {@code shardPath} the shard holding the target.
     */
    private static void writeRecord(JsonGenerator g, SampleRow row, String prompt, String dir, String sourcePath,
                                    String editedPath, @Nullable String keyframePath, String shardPath) {
        g.writeStartObject();
        g.writeStringProperty("source_path", sourcePath);
        g.writeStringProperty("instruction", prompt);
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
        for (ShardInfo shard : result.values()) {
            storage.linkShard(target.dir(), shard.firstVersion(), shard.path());
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
                Cursor.stream(dataSource, properties, """
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
        Cursor.stream(dataSource, properties,
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

    /** The shards this version opened for source clips, each from its first clip id on (clips are archived in order). */
    private static final class SourceShards {
        private final List<long[]> starts = new ArrayList<>();

        void starts(long clipId, long shardId) {
            starts.add(new long[] {clipId, shardId});
        }

        long of(long clipId) {
            int lo = 0;
            int hi = starts.size() - 1;
            long shard = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (starts.get(mid)[0] <= clipId) {
                    shard = starts.get(mid)[1];
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            if (shard < 0) {
                throw new IllegalStateException("source clip " + clipId + " is in no shard of this release or an earlier one");
            }
            return shard;
        }
    }

    /** Instructions pandas.read_csv would not read back as text: how many, and the first ten. */
    private static final class PromptProblems {
        private final List<String> examples = new ArrayList<>();
        private long count;

        /** True when the prompt is refused (the row is then left out: the build fails once all are counted). */
        boolean check(long sampleId, String prompt) {
            Optional<String> problem = InstructionText.problem(prompt);
            if (problem.isEmpty()) {
                return false;
            }
            if (count++ < 10) {
                examples.add("sample " + sampleId + ": " + problem.get());
            }
            return true;
        }

        void throwIfAny() {
            if (count > 0) {
                throw new ReleaseException(ReleaseException.Reason.INVALID, count + " sample(s) have an instruction"
                        + " pandas.read_csv would not read back as text: " + String.join("; ", examples)
                        + ". Rewrite those instructions or leave the samples out.");
            }
        }
    }
}
