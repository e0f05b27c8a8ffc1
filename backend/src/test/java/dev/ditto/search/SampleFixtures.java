package dev.ditto.search;

import dev.ditto.outbox.Outbox;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Inserts sources, clips, instructions and samples with plain SQL, and records the outbox events writers would. */
public final class SampleFixtures {
    private final JdbcClient jdbc;
    private final Outbox outbox;

    public SampleFixtures(JdbcClient jdbc, Outbox outbox) {
        this.jdbc = jdbc;
        this.outbox = outbox;
    }

    /** A ready source with one clip; its caption and probe scores go into every sample's document. */
    public Source aSource(String caption, String... tags) {
        long sourceId = jdbc.sql("""
                insert into sources (origin, original_name, blob_key, size_bytes, sha256, status, caption, tags, scores)
                values ('DEMO', :name, :blob, 1000, :sha, 'READY', :caption, :tags,
                        '{"motion": 2.5, "brisque": 31.0, "people": 0.8, "faces": 1, "text_overlay": 0.0}')
                returning id""")
                .param("name", "clip-" + UUID.randomUUID() + ".mp4").param("blob", "sources/" + UUID.randomUUID())
                .param("sha", UUID.randomUUID().toString()).param("caption", caption).param("tags", tags)
                .query(Long.class).single();
        long clipId = jdbc.sql("""
                insert into source_assets (source_id, kind, clip_index, blob_key, size_bytes, content_type, scores)
                values (:s, 'CLIP', 0, :blob, 500, 'video/mp4', '{"motion": 3.0, "people": 1.0}') returning id""")
                .param("s", sourceId).param("blob", "clips/" + UUID.randomUUID()).query(Long.class).single();
        return new Source(sourceId, clipId);
    }

    public SampleBuilder aSample(Source source, String instruction) {
        return new SampleBuilder(source, instruction);
    }

    void setCaption(Source source, String caption) {
        jdbc.sql("update sources set caption = :c where id = :id").param("c", caption).param("id", source.id()).update();
        outbox.changed(Outbox.Aggregate.SOURCE, source.id());
    }

    void setStatus(long sampleId, String status) {
        jdbc.sql("update samples set status = :s, updated_at = now() where id = :id").param("s", status).param("id", sampleId).update();
        outbox.changed(Outbox.Aggregate.SAMPLE, sampleId);
    }

    void deleteSample(long sampleId) {
        jdbc.sql("delete from samples where id = :id").param("id", sampleId).update();
        outbox.deleted(Outbox.Aggregate.SAMPLE, sampleId);
    }

    long release(String name, String version, List<Long> sampleIds) {
        long id = jdbc.sql("insert into releases (name, version, selection) values (:n, :v, '{}') returning id")
                .param("n", name).param("v", version).query(Long.class).single();
        for (long sampleId : sampleIds) {
            jdbc.sql("insert into release_samples (release_id, sample_id, category) select :r, id, category from samples where id = :s")
                    .param("r", id).param("s", sampleId).update();
            outbox.changed(Outbox.Aggregate.SAMPLE, sampleId);
        }
        return id;
    }

    /** Indexes every pending outbox event and refreshes the index, for a test that runs with the indexer off. */
    public static void indexEverything(OutboxIndexer indexer, ApplicationContext context) throws IOException {
        while (indexer.drainOnce().events() > 0) {
            // drain until the outbox is empty
        }
        context.getBean(SampleIndex.class).refresh();
    }

    long samplesInDatabase() {
        return jdbc.sql("select count(*) from samples").query(Long.class).single();
    }

    /** A source and its one clip. */
    public record Source(long id, long clipId) {}

    /** One sample to insert; defaults: GLOBAL_STYLE, IN_REVIEW, judged 0.8 by the built-in judge. */
    public final class SampleBuilder {
        private final Source source;
        private final String instruction;
        private String category = "GLOBAL_STYLE";
        private String status = "IN_REVIEW";
        private double judge = 0.8;
        private String engine = "builtin.grammar";
        private float @Nullable [] embedding;
        private final List<String> tags = new ArrayList<>();

        private SampleBuilder(Source source, String instruction) {
            this.source = source;
            this.instruction = instruction;
        }

        public SampleBuilder category(String value) {
            category = value;
            return this;
        }

        public SampleBuilder status(String value) {
            status = value;
            return this;
        }

        public SampleBuilder judged(double value) {
            judge = value;
            return this;
        }

        public SampleBuilder writtenBy(String value) {
            engine = value;
            return this;
        }

        public SampleBuilder tagged(String value) {
            tags.add(value);
            return this;
        }

        /** Stores an instruction embedding, as the agent does, so indexing reuses it instead of computing one. */
        public SampleBuilder withStoredEmbedding(float[] value) {
            embedding = value;
            return this;
        }

        public long build() {
            Float[] boxed = null;
            if (embedding != null) {
                boxed = new Float[embedding.length];
                for (int i = 0; i < embedding.length; i++) {
                    boxed[i] = embedding[i];
                }
            }
            long instructionId = jdbc.sql("""
                    insert into instructions (source_id, clip_id, category, text, edit_spec, engine, model, prompt_version, embedding)
                    values (:s, :c, :cat, :text, '{}', :engine, 'grammar-v1', 'p1', :embedding) returning id""")
                    .param("s", source.id()).param("c", source.clipId()).param("cat", category).param("text", instruction)
                    .param("engine", engine).param("embedding", boxed).query(Long.class).single();
            String verdict = """
                    {"scores": {"SAFETY": {"value": 1.0, "reason": "ok"}, "INSTRUCTION_FOLLOWING": {"value": %s, "reason": "r"},
                                "PRESERVATION": {"value": 0.7, "reason": "r"}, "VISUAL_QUALITY": {"value": 0.6, "reason": "r"},
                                "TEMPORAL_CONSISTENCY": {"value": 0.9, "reason": "r"}},
                     "overall": %s, "decision": "ACCEPT_TO_QUEUE", "engine": "builtin.metric-judge", "model": "metric-v1",
                     "promptVersion": "j1"}""".formatted(judge, judge);
            long id = jdbc.sql("""
                    insert into samples (source_id, clip_id, instruction_id, status, category, metrics, provenance, verdict,
                                         judge_score, judge_engine, tags, keyframe_blob_key)
                    values (:s, :c, :i, :status, :cat,
                            '{"warp_error": 1.2, "edge_ssim": 0.85, "edit_strength": 0.3, "brisque": 28.5}',
                            '{"runner": "gpu-01", "stages": [{"stage": "keyframe", "engine": "builtin.keyframe-edit", "model": "opencv", "version": "4.13.0", "seed": 1},
                                                            {"stage": "propagate", "engine": "builtin.flow-propagation", "model": "opencv-dis", "version": "4.13.0", "seed": 1}]}',
                            cast(:verdict as jsonb), :judge, 'builtin.metric-judge', :tags, 'keyframes/k.jpg')
                    returning id""")
                    .param("s", source.id()).param("c", source.clipId()).param("i", instructionId).param("status", status)
                    .param("cat", category).param("verdict", verdict).param("judge", judge)
                    .param("tags", tags.toArray(String[]::new)).query(Long.class).single();
            outbox.changed(Outbox.Aggregate.SAMPLE, id);
            return id;
        }
    }
}
