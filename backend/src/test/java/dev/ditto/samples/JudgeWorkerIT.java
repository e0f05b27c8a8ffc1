package dev.ditto.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.agent.judge.Criterion;
import dev.ditto.agent.judge.Decision;
import dev.ditto.agent.judge.Judge;
import dev.ditto.agent.judge.JudgeInput;
import dev.ditto.agent.judge.Score;
import dev.ditto.agent.judge.Verdict;
import dev.ditto.blobs.BlobStore;
import dev.ditto.outbox.Outbox;
import dev.ditto.testing.DittoIntegrationTest;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;

/**
 * The judge holds no row lock while a (remote) model answers: the sample is claimed with a lease, the call runs
 * outside any transaction, and the verdict is written only by the lease's holder. The context's own judge worker is
 * switched off ({@code ditto.judge.enabled=false}); each test makes its own workers over the real database, with a
 * judge it controls.
 */
@DittoIntegrationTest
@org.springframework.test.context.TestPropertySource(properties = "ditto.judge.enabled=false")
class JudgeWorkerIT {
    @Autowired JdbcClient jdbc;
    @Autowired TransactionTemplate tx;
    @Autowired BlobStore blobs;
    @Autowired Outbox outbox;
    @Autowired ObjectMapper json;

    @BeforeEach
    void noOtherSamplesWait() {
        jdbc.sql("update samples set status = 'IN_REVIEW' where status = 'JUDGING'").update();
    }

    @Test
    void whileTheModelAnswersTheSampleRowIsNotLockedAndTheVerdictLandsAfterwards() throws Exception {
        long sample = sampleWaitingForTheJudge();
        CountDownLatch calling = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<String> judged = new java.util.concurrent.atomic.AtomicReference<>();
        JudgeWorker worker = worker(input -> {
            judged.set(input.sampleId());
            calling.countDown();
            await(answer);
            return verdict(0.9, Decision.ACCEPT_TO_QUEUE);
        }, 600);

        CompletableFuture<Boolean> judging = CompletableFuture.supplyAsync(worker::judgeOne);
        assertThat(calling.await(30, TimeUnit.SECONDS)).as("the judge was called").isTrue();
        assertThat(judged.get()).isEqualTo(String.valueOf(sample));
        // another transaction (a curator's tag, the indexer) locks the row at once: the judge holds no lock
        Boolean locked = tx.execute(s -> jdbc.sql("select id from samples where id = :id for update nowait")
                .param("id", sample).query(Long.class).optional().isPresent());
        assertThat(locked).isTrue();
        assertThat(lease(sample)).as("claimed with a lease while the model answers").isNotNull();

        answer.countDown();
        assertThat(judging.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(status(sample)).isEqualTo("IN_REVIEW");
        assertThat(lease(sample)).as("the lease is given up with the verdict").isNull();
        assertThat(jdbc.sql("select judge_score from samples where id = :id").param("id", sample).query(Double.class).single())
                .isEqualTo(0.9);
    }

    @Test
    void aSampleWhoseLeaseRanOutIsTakenOverAndTheFirstJudgesLateVerdictIsDropped() throws Exception {
        long sample = sampleWaitingForTheJudge();
        CountDownLatch calling = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        JudgeWorker slow = worker(input -> {
            calling.countDown();
            await(answer);
            return verdict(0.95, Decision.ACCEPT_TO_QUEUE);
        }, 600);
        CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(slow::judgeOne);
        assertThat(calling.await(30, TimeUnit.SECONDS)).isTrue();
        // the first server's lease runs out (it hangs, or died): another server's worker takes the sample
        jdbc.sql("update samples set judge_lease_until = now() - interval '1 second' where id = :id").param("id", sample).update();
        JudgeWorker other = worker(input -> verdict(0.2, Decision.AUTO_REJECT), 600);
        assertThat(other.judgeOne()).isTrue();
        assertThat(status(sample)).isEqualTo("AUTO_REJECTED");

        answer.countDown();
        assertThat(first.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(status(sample)).as("the late verdict changes nothing").isEqualTo("AUTO_REJECTED");
        assertThat(jdbc.sql("select judge_score from samples where id = :id").param("id", sample).query(Double.class).single())
                .isEqualTo(0.2);
    }

    @Test
    void aSampleWhoseJudgeDiedThreeTimesGoesToAPersonWithTheReason() {
        long sample = sampleWaitingForTheJudge();
        jdbc.sql("update samples set judge_attempts = :n where id = :id").param("n", JudgeWorker.MAX_ATTEMPTS).param("id", sample).update();
        JudgeWorker worker = worker(input -> {
            throw new AssertionError("not called again");
        }, 600);
        assertThat(worker.judgeOne()).isTrue();
        assertThat(status(sample)).isEqualTo("IN_REVIEW");
        assertThat(jdbc.sql("select verdict ->> 'error' from samples where id = :id").param("id", sample).query(String.class).single())
                .contains("did not finish in 3 attempts");
    }

    @Test
    void theFrameStripsTheRunnerSentReachTheJudgeAsFramePairsWithTheMask() throws Exception {
        long sample = sampleWaitingForTheJudge();
        long runner = jdbc.sql("insert into runners (name, token_hash, token_hint) values (:n, :h, 'x') returning id")
                .param("n", "strips-" + sample).param("h", "hash-" + UUID.randomUUID()).query(Long.class).single();
        dev.ditto.protocol.BlobRef src = put(sheet(new java.awt.Color(200, 40, 40), false), "image/jpeg");
        dev.ditto.protocol.BlobRef edited = put(sheet(new java.awt.Color(40, 40, 200), false), "image/jpeg");
        dev.ditto.protocol.BlobRef mask = put(sheet(java.awt.Color.WHITE, true), "image/png");
        dev.ditto.protocol.BlobRef video = put(new byte[] {1, 2, 3}, "video/mp4");
        dev.ditto.protocol.BlobRef key = put(sheet(java.awt.Color.GRAY, false), "image/jpeg");
        dev.ditto.protocol.FrameStrips strips = new dev.ditto.protocol.FrameStrips(java.util.List.of(0, 24, 48, 72), 64, 36,
                src, edited, mask);
        dev.ditto.protocol.EditSpec spec = new dev.ditto.protocol.EditSpec("style", Map.of("style", "watercolour"), 1, "w");
        jdbc.sql("update samples set status = 'GENERATING' where id = :id").param("id", sample).update();
        // the runner's GENERATE completes: the handler stores the strips with the sample, which then waits for the judge
        new GenerateResultHandler(jdbc, json, outbox).completed(new dev.ditto.jobs.CompletedJob(1, dev.ditto.protocol.JobType.GENERATE,
                new dev.ditto.protocol.GeneratePayload(1, sample, 1, 1, video, "make it a watercolour", spec,
                        dev.ditto.protocol.VideoFormat.DITTO_DEFAULT, null),
                new dev.ditto.protocol.GenerateResult(1, video, key, Map.of("edit_strength", 0.2), Map.of(),
                        new dev.ditto.protocol.Provenance("r", java.util.List.of()), strips),
                runner, 1, null, sample, java.time.Instant.now()));
        assertThat(status(sample)).isEqualTo("JUDGING");
        assertThat(jdbc.sql("select frame_strips ->> 'tileWidth' from samples where id = :id").param("id", sample)
                .query(String.class).single()).isEqualTo("64");

        java.util.concurrent.atomic.AtomicReference<JudgeInput> seen = new java.util.concurrent.atomic.AtomicReference<>();
        assertThat(worker(input -> {
            seen.set(input);
            return verdict(0.9, Decision.ACCEPT_TO_QUEUE);
        }, 600).judgeOne()).isTrue();

        JudgeInput input = seen.get();
        assertThat(input.sampleId()).isEqualTo(String.valueOf(sample));
        assertThat(input.frames()).extracting(dev.ditto.agent.judge.FramePair::frameIndex).containsExactly(0, 24, 48, 72);
        assertThat(input.frames()).allMatch(dev.ditto.agent.judge.FramePair::hasMask);
        java.awt.image.BufferedImage firstEdited = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(input.frames().getFirst().edited()));
        assertThat(firstEdited.getWidth()).isEqualTo(64);
        assertThat(new java.awt.Color(firstEdited.getRGB(32, 18)).getBlue()).isGreaterThan(150);
        assertThat(input.editedKeyFrame()).isNotEmpty();
        assertThat(status(sample)).isEqualTo("IN_REVIEW");
    }

    @Test
    void aSampleWithoutFrameStripsIsJudgedOnItsKeyFramesAlone() throws Exception {
        long sample = sampleWaitingForTheJudge();
        long runner = jdbc.sql("insert into runners (name, token_hash, token_hint) values (:n, :h, 'x') returning id")
                .param("n", "old-" + sample).param("h", "hash-" + UUID.randomUUID()).query(Long.class).single();
        dev.ditto.protocol.BlobRef video = put(new byte[] {4, 5, 6}, "video/mp4");
        jdbc.sql("update samples set status = 'GENERATING' where id = :id").param("id", sample).update();
        // a runner older than frame strips: its result has none, and the sample keeps none
        new GenerateResultHandler(jdbc, json, outbox).completed(new dev.ditto.jobs.CompletedJob(2, dev.ditto.protocol.JobType.GENERATE,
                new dev.ditto.protocol.GeneratePayload(1, sample, 1, 1, video, "make it a watercolour",
                        new dev.ditto.protocol.EditSpec("style", Map.of("style", "watercolour"), 1, "w"),
                        dev.ditto.protocol.VideoFormat.DITTO_DEFAULT, null),
                new dev.ditto.protocol.GenerateResult(1, video, video, Map.of("edit_strength", 0.2), Map.of(),
                        new dev.ditto.protocol.Provenance("r", java.util.List.of())),
                runner, 1, null, sample, java.time.Instant.now()));
        assertThat(jdbc.sql("select frame_strips is null from samples where id = :id").param("id", sample)
                .query(Boolean.class).single()).isTrue();
        java.util.concurrent.atomic.AtomicReference<JudgeInput> seen = new java.util.concurrent.atomic.AtomicReference<>();
        assertThat(worker(input -> {
            seen.set(input);
            return verdict(0.9, Decision.ACCEPT_TO_QUEUE);
        }, 600).judgeOne()).isTrue();

        assertThat(seen.get().frames()).isEmpty();
    }

    private dev.ditto.protocol.BlobRef put(byte[] bytes, String type) throws java.io.IOException {
        BlobStore.StoredBlob b = blobs.put(new java.io.ByteArrayInputStream(bytes), 1 << 20, null);
        return new dev.ditto.protocol.BlobRef(b.key(), b.size(), type);
    }

    /** A contact sheet of four 64×36 tiles in one colour. */
    private static byte[] sheet(java.awt.Color colour, boolean png) throws java.io.IOException {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(4 * 64, 36,
                png ? java.awt.image.BufferedImage.TYPE_BYTE_GRAY : java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, 4 * 64, 36);
        g.dispose();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(img, png ? "png" : "jpg", out);
        return out.toByteArray();
    }

    private JudgeWorker worker(Judge judge, int leaseSeconds) {
        return new JudgeWorker(jdbc, tx, judge, blobs, outbox, json, leaseSeconds);
    }

    private static Judge judgeOf(java.util.function.Function<JudgeInput, Verdict> f) {
        return new Judge() {
            @Override
            public Verdict judge(JudgeInput input) {
                return f.apply(input);
            }

            @Override
            public String engine() {
                return "test";
            }
        };
    }

    private JudgeWorker worker(java.util.function.Function<JudgeInput, Verdict> f, int leaseSeconds) {
        return worker(judgeOf(f), leaseSeconds);
    }

    private static Verdict verdict(double overall, Decision decision) {
        Map<Criterion, Score> scores = new EnumMap<>(Criterion.class);
        for (Criterion c : Criterion.values()) {
            scores.put(c, new Score(overall, "test"));
        }
        return new Verdict(scores, overall, decision, decision == Decision.AUTO_REJECT ? "low" : null, "test", "test-model", "v1");
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never answered");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String status(long sample) {
        return jdbc.sql("select status from samples where id = :id").param("id", sample).query(String.class).single();
    }

    private java.sql.Timestamp lease(long sample) {
        return jdbc.sql("select judge_lease_until from samples where id = :id").param("id", sample)
                .query((rs, i) -> java.util.Optional.ofNullable(rs.getTimestamp(1))).single().orElse(null);
    }

    /** A generated sample waiting for the judge; its key frames are absent (the judge under test reads none). */
    private long sampleWaitingForTheJudge() {
        String sha = (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
        long source = jdbc.sql("""
                insert into sources (origin, original_name, blob_key, size_bytes, sha256, status)
                values ('UPLOAD', 'cup.mp4', :key, 1000, :sha, 'READY') returning id""")
                .param("key", sha).param("sha", sha).query(Long.class).single();
        long clip = jdbc.sql("""
                insert into source_assets (source_id, kind, clip_index, blob_key, size_bytes, content_type, start_s, end_s)
                values (:s, 'CLIP', 0, :key, 1000, 'video/mp4', 0, 4) returning id""")
                .param("s", source).param("key", "c" + sha).query(Long.class).single();
        long instruction = jdbc.sql("""
                insert into instructions (source_id, clip_id, category, text, edit_spec, engine, model, prompt_version)
                values (:s, :clip, 'GLOBAL_STYLE', 'make it a watercolour', '{"op":"style","params":{"style":"watercolour"},"seed":1,"prompt":"w"}',
                        'grammar', 'builtin', 'v1') returning id""")
                .param("s", source).param("clip", clip).query(Long.class).single();
        return jdbc.sql("""
                insert into samples (source_id, clip_id, instruction_id, status, category, metrics)
                values (:s, :clip, :i, 'JUDGING', 'GLOBAL_STYLE', '{"edit_strength": 0.2}') returning id""")
                .param("s", source).param("clip", clip).param("i", instruction).query(Long.class).single();
    }
}
