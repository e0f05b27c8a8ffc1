package dev.ditto.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.agent.diversity.Embedder;
import dev.ditto.testing.DittoIntegrationTest;
import java.io.IOException;
import java.net.ConnectException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.ObjectMapper;

@DittoIntegrationTest
class CorpusInstructionsIT {
    @Autowired JdbcClient jdbc;
    @Autowired Embedder embedder;
    @Autowired ObjectMapper json;

    @Test
    void withElasticsearchDownTheCheckFallsBackToTheRecentInstructionsInPostgres() {
        String text = "Recolour the " + UUID.randomUUID() + " tram a glossy cherry red";
        float[] vector = embedder.embed(text);
        long source = aSourceWithInstruction(text, vector);
        CorpusInstructions.InstructionIndex down = (v, k, s) -> {
            throw new IOException("cannot reach Elasticsearch", new ConnectException("Connection refused"));
        };
        CorpusInstructions corpus = new CorpusInstructions(jdbc, embedder, json, down);

        List<Double> sameSource = corpus.nearestSimilaritiesForSource(String.valueOf(source), vector, 1);
        List<Double> otherSource = corpus.nearestSimilaritiesForSource(String.valueOf(source + 1_000_000), vector, 1);

        assertThat(sameSource).singleElement().satisfies(s -> assertThat(s).isGreaterThan(0.999));
        assertThat(otherSource).allSatisfy(s -> assertThat(s).isLessThan(0.999));
        assertThat(corpus.nearestSimilarities(vector, 1)).singleElement().satisfies(s -> assertThat(s).isGreaterThan(0.999));
    }

    @Test
    void instructionsTheIndexerHasNotReachedYetStillCount() {
        String text = "Give the " + UUID.randomUUID() + " skyline a neon cyberpunk glow";
        float[] vector = embedder.embed(text);
        CorpusInstructions.InstructionIndex lagging = (v, k, s) -> List.of(0.41);
        CorpusInstructions corpus = new CorpusInstructions(jdbc, embedder, json, lagging);

        corpus.added(text, 7L, vector);

        assertThat(corpus.nearestSimilaritiesForSource("7", vector, 2)).hasSize(2)
                .first().satisfies(s -> assertThat(s).isGreaterThan(0.999));
        assertThat(corpus.nearestSimilaritiesForSource("8", vector, 2)).containsExactly(0.41);
    }

    private long aSourceWithInstruction(String text, float[] vector) {
        long sourceId = jdbc.sql("""
                insert into sources (origin, original_name, blob_key, size_bytes, sha256, status, caption)
                values ('DEMO', :name, :blob, 1000, :sha, 'READY', 'a tram crosses a square') returning id""")
                .param("name", "clip-" + UUID.randomUUID() + ".mp4").param("blob", "sources/" + UUID.randomUUID())
                .param("sha", UUID.randomUUID().toString()).query(Long.class).single();
        Float[] boxed = new Float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            boxed[i] = vector[i];
        }
        jdbc.sql("""
                insert into instructions (source_id, category, text, edit_spec, engine, model, prompt_version, embedding)
                values (:source, 'LOCAL_ATTRIBUTE', :text, '{}'::jsonb, 'test', 'test', 'v1', :vec)""")
                .param("source", sourceId).param("text", text).param("vec", boxed).update();
        return sourceId;
    }
}
