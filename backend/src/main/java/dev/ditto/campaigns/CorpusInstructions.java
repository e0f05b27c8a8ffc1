package dev.ditto.campaigns;

import dev.ditto.agent.SourceFacts;
import dev.ditto.agent.SourceFactsLookup;
import dev.ditto.agent.diversity.CorpusNeighbours;
import dev.ditto.agent.diversity.Embedder;
import dev.ditto.agent.writer.InstructionLookup;
import java.sql.Array;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/**
 * What the agent may look up about the corpus: the instructions written so far (for near-duplicate rejection
 * and the "similar instructions" tool) and a source's facts. Instruction vectors are searched exactly over a
 * window of the most recent {@value #WINDOW} instructions, held in memory and kept up to date as campaigns write.
 */
@Component
public class CorpusInstructions implements CorpusNeighbours, InstructionLookup, SourceFactsLookup {
    static final int WINDOW = 20_000;
    private static final Set<String> COLOURS = Set.of("red", "orange", "yellow", "green", "blue", "purple", "pink",
            "brown", "black", "white", "grey", "gray");

    private final JdbcClient jdbc;
    private final Embedder embedder;
    private final ObjectMapper json;
    private final List<Entry> window = new ArrayList<>();
    private boolean loaded;

    CorpusInstructions(JdbcClient jdbc, Embedder embedder, ObjectMapper json) {
        this.jdbc = jdbc;
        this.embedder = embedder;
        this.json = json;
    }

    /** Adds a newly written instruction to the window. */
    public synchronized void added(String text, float[] vector) {
        ensureLoaded();
        window.add(new Entry(text, vector));
        if (window.size() > WINDOW) {
            window.subList(0, window.size() - WINDOW).clear();
        }
    }

    @Override
    public synchronized List<Double> nearestSimilarities(float[] vector, int k) {
        ensureLoaded();
        return window.stream().map(e -> Embedder.cosine(vector, e.vector())).sorted(Comparator.reverseOrder())
                .limit(k).toList();
    }

    @Override
    public List<String> similarInstructions(String text, int k) {
        float[] vector = embedder.embed(text);
        synchronized (this) {
            ensureLoaded();
            return window.stream()
                    .sorted(Comparator.comparingDouble((Entry e) -> Embedder.cosine(vector, e.vector())).reversed())
                    .limit(k).map(Entry::text).toList();
        }
    }

    @Override
    public Optional<SourceFacts> find(String sourceId) {
        long id;
        try {
            id = Long.parseLong(sourceId);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return jdbc.sql("select caption, tags, scores::text from sources where id = :id").param("id", id)
                .query((rs, i) -> facts(sourceId, rs.getString(1), rs.getArray(2), rs.getString(3))).optional();
    }

    private SourceFacts facts(String sourceId, String caption, Array tagArray, String scoresJson) throws SQLException {
        List<String> tags = tagArray == null ? List.of() : Arrays.asList((String[]) tagArray.getArray());
        Map<String, Double> scores = scoresJson == null ? Map.of()
                : json.readValue(scoresJson, new TypeReference<Map<String, Double>>() {});
        List<String> colours = tags.stream().filter(COLOURS::contains).toList();
        List<String> scene = tags.stream().filter(t -> !COLOURS.contains(t)).toList();
        return new SourceFacts(sourceId, caption, tags, scores.getOrDefault("people", 0.0),
                Math.min(1.0, scores.getOrDefault("faces", 0.0)), scores.getOrDefault("motion", 0.0),
                scores.getOrDefault("text_overlay", 0.0), colours, scene);
    }

    private void ensureLoaded() {
        if (loaded) {
            return;
        }
        List<Entry> recent = jdbc.sql("select text, embedding from instructions where embedding is not null order by id desc limit :n")
                .param("n", WINDOW)
                .query((rs, i) -> new Entry(rs.getString(1), toFloats((Float[]) rs.getArray(2).getArray()))).list();
        window.addAll(recent.reversed());
        loaded = true;
    }

    private static float[] toFloats(Float[] boxed) {
        float[] out = new float[boxed.length];
        for (int i = 0; i < boxed.length; i++) {
            out[i] = boxed[i];
        }
        return out;
    }

    private record Entry(String text, float[] vector) {}
}
