package dev.ditto.releases;

import dev.ditto.blobs.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Real, small fixtures for release tests: 832x480 H.264 clips made by ffmpeg's test source, stored in the blob
 * store, and the rows (source, clip, instruction, accepted sample) a release selects, written with plain SQL.
 */
public final class ReleaseFixtures {
    private static Path media;
    private final JdbcClient jdbc;
    private final BlobStore blobs;
    private int variant;

    public ReleaseFixtures(JdbcClient jdbc, BlobStore blobs) {
        this.jdbc = jdbc;
        this.blobs = blobs;
    }

    /** Rejects every accepted sample: the tests share a schema, and each one releases only the samples it accepts itself. */
    public ReleaseFixtures releasingOnlyNewSamples() {
        jdbc.sql("update samples set status = 'REJECTED' where status = 'ACCEPTED'").update();
        return this;
    }

    /** A source with one normalised clip of {@code frames} frames at 832x480; returns the clip id. */
    public long clip(int frames) throws IOException {
        Path file = clipFile(frames, "testsrc");
        var stored = put(file);
        long sourceId = jdbc.sql("""
                insert into sources (origin, original_name, blob_key, size_bytes, sha256, status, width, height, fps)
                values ('UPLOAD', 'fixture.mp4', :key, :size, :sha, 'READY', 832, 480, 20) returning id""")
                .param("key", stored.key()).param("size", stored.size()).param("sha", UUID.randomUUID().toString())
                .query(Long.class).single();
        return jdbc.sql("""
                insert into source_assets (source_id, kind, clip_index, blob_key, size_bytes, content_type, width, height, frames, fps)
                values (:s, 'CLIP', 0, :key, :size, 'video/mp4', 832, 480, :frames, 20) returning id""")
                .param("s", sourceId).param("key", stored.key()).param("size", stored.size()).param("frames", frames)
                .query(Long.class).single();
    }

    /** An accepted sample of {@code clipId} with a distinct edited video and a key frame; returns the sample id. */
    public long sample(long clipId, String category, String instruction, double judgeScore) throws IOException {
        return sample(clipId, category, instruction, judgeScore, "{\"ssim\": 0.81}", "{\"decision\": \"ACCEPT\"}");
    }

    /** An accepted sample as {@link #sample(long, String, String, double)}, with the given metrics and verdict JSON. */
    public long sample(long clipId, String category, String instruction, double judgeScore, String metricsJson,
                       String verdictJson) throws IOException {
        long sourceId = jdbc.sql("select source_id from source_assets where id = :c").param("c", clipId).query(Long.class).single();
        long instructionId = jdbc.sql("""
                insert into instructions (source_id, clip_id, category, text, edit_spec, engine, model, prompt_version)
                values (:s, :c, :cat, :text, '{}', 'builtin-grammar', 'taxonomy-v1', 'p1') returning id""")
                .param("s", sourceId).param("c", clipId).param("cat", category).param("text", instruction)
                .query(Long.class).single();
        var edited = put(editedVariant(clipFile(73, "smptebars"), ++variant));
        var keyframe = put(keyframe());
        return jdbc.sql("""
                insert into samples (source_id, clip_id, instruction_id, status, category, edited_blob_key, edited_size_bytes,
                                     keyframe_blob_key, metrics, provenance, verdict, judge_score, judge_engine)
                values (:s, :c, :i, 'ACCEPTED', :cat, :e, :es, :k, cast(:metrics as jsonb), '{"pipeline": "builtin"}',
                        cast(:verdict as jsonb), :score, 'metric-judge') returning id""")
                .param("s", sourceId).param("c", clipId).param("i", instructionId).param("cat", category)
                .param("e", edited.key()).param("es", edited.size()).param("k", keyframe.key()).param("score", judgeScore)
                .param("metrics", metricsJson).param("verdict", verdictJson)
                .query(Long.class).single();
    }

    /** Decides a sample as a curator (REJECTED) or the judge (AUTO_REJECTED) would, with the reason kept. */
    public void decide(long sampleId, String status, String reason) {
        jdbc.sql("update samples set status = :st, reject_reason = :r where id = :id")
                .param("st", status).param("r", reason).param("id", sampleId).update();
    }

    public void reject(long sampleId) {
        jdbc.sql("update samples set status = 'REJECTED' where id = :id").param("id", sampleId).update();
    }

    public void reword(long sampleId, String text) {
        jdbc.sql("update instructions set text = :t where id = (select instruction_id from samples where id = :id)")
                .param("t", text).param("id", sampleId).update();
    }

    public void rescore(long sampleId, double score) {
        jdbc.sql("update samples set judge_score = :s where id = :id").param("s", score).param("id", sampleId).update();
    }

    private BlobStore.StoredBlob put(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return blobs.put(in, Long.MAX_VALUE, null);
        }
    }

    static synchronized Path mediaDir() throws IOException {
        if (media == null) {
            media = Files.createTempDirectory("ditto-release-fixtures-");
        }
        return media;
    }

    static synchronized Path clipFile(int frames, String pattern) throws IOException {
        Path file = mediaDir().resolve(pattern + "-" + frames + ".mp4");
        if (!Files.exists(file)) {
            ffmpeg(List.of("-f", "lavfi", "-i", pattern + "=size=832x480:rate=20", "-frames:v", String.valueOf(frames),
                    "-pix_fmt", "yuv420p", file.toString()));
        }
        return file;
    }

    private static Path editedVariant(Path base, int variant) throws IOException {
        Path file = mediaDir().resolve("edited-" + variant + "-" + UUID.randomUUID() + ".mp4");
        ffmpeg(List.of("-i", base.toString(), "-c", "copy", "-metadata", "comment=variant " + variant + " " + UUID.randomUUID(),
                file.toString()));
        return file;
    }

    private static synchronized Path keyframe() throws IOException {
        Path file = mediaDir().resolve("keyframe.png");
        if (!Files.exists(file)) {
            ffmpeg(List.of("-i", clipFile(73, "smptebars").toString(), "-frames:v", "1", file.toString()));
        }
        return file;
    }

    static void ffmpeg(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y"));
        command.addAll(args);
        run(command);
    }

    /** Runs a command, failing with its output when it fails; returns its standard output. */
    static String run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(command + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return output;
    }
}
