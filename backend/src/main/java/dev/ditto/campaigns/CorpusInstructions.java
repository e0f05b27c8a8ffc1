package dev.ditto.campaigns;

import dev.ditto.agent.SourceFacts;
import dev.ditto.agent.caption.CaptionInput;
import dev.ditto.agent.caption.ProbeCaptioner;
import dev.ditto.agent.SourceFactsLookup;
import dev.ditto.agent.diversity.CorpusNeighbours;
import dev.ditto.agent.diversity.Embedder;
import dev.ditto.agent.writer.InstructionLookup;
import dev.ditto.search.IndexedInstructions;
import java.io.IOException;
import java.sql.Array;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/**
 * What the agent may look up about the corpus: the instructions written so far (for near-duplicate rejection
 * and the "similar instructions" tool) and a source's facts. Near-duplicates are found by Elasticsearch kNN over
 * every indexed instruction, plus an exact scan of the last {@value #RECENT} written by this server (the outbox
 * indexer trails the writer by a second or so). When Elasticsearch cannot answer, a warning is logged and the
 * check falls back to an exact scan of a window of the most recent {@value #WINDOW} instructions from PostgreSQL.
 */
@Component
public class CorpusInstructions implements CorpusNeighbours, InstructionLookup, SourceFactsLookup {
    private static final Logger log = LoggerFactory.getLogger(CorpusInstructions.class);
    static final int WINDOW = 20_000;
    static final int RECENT = 2_000;
    private static final Set<String> COLOURS = Set.of("red", "orange", "yellow", "green", "blue", "purple", "pink",
            "brown", "black", "white", "grey", "gray");

    private final JdbcClient jdbc;
    private final Embedder embedder;
    private final ObjectMapper json;
    private final InstructionIndex indexed;
    private final List<Entry> window = new ArrayList<>();
    private final ArrayDeque<Entry> recent = new ArrayDeque<>();
    private boolean loaded;
    private boolean searchDown;

    @Autowired
    CorpusInstructions(JdbcClient jdbc, Embedder embedder, ObjectMapper json, IndexedInstructions indexed) {
        this(jdbc, embedder, json, indexed::nearestSimilarities);
    }

    CorpusInstructions(JdbcClient jdbc, Embedder embedder, ObjectMapper json, InstructionIndex indexed) {
        this.jdbc = jdbc;
        this.embedder = embedder;
        this.json = json;
        this.indexed = indexed;
    }

    /** Records a newly written instruction of {@code sourceId}. */
    public synchronized void added(String text, long sourceId, float[] vector) {
        Entry entry = new Entry(text, sourceId, vector);
        recent.addLast(entry);
        if (recent.size() > RECENT) {
            recent.removeFirst();
        }
        if (loaded) {
            window.add(entry);
            if (window.size() > WINDOW) {
                window.subList(0, window.size() - WINDOW).clear();
            }
        }
    }

    @Override
    public List<Double> nearestSimilarities(float[] vector, int k) {
        return nearest(vector, k, null);
    }

    @Override
    public List<Double> nearestSimilaritiesForSource(String sourceId, float[] vector, int k) {
        long id;
        try {
            id = Long.parseLong(sourceId);
        } catch (NumberFormatException e) {
            return nearest(vector, k, null);
        }
        return nearest(vector, k, id);
    }

    private List<Double> nearest(float[] vector, int k, @Nullable Long sourceId) {
        List<Double> fromIndex;
        try {
            fromIndex = indexed.nearestSimilarities(vector, k, sourceId);
            synchronized (this) {
                if (searchDown) {
                    log.info("Elasticsearch answers again: near-duplicate checks use kNN over the whole corpus");
                    searchDown = false;
                }
            }
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                if (!searchDown) {
                    log.warn("Elasticsearch cannot answer the near-duplicate kNN ({}); checking against the {} most recent"
                            + " instructions in memory until it can", e.toString(), WINDOW);
                    searchDown = true;
                }
                ensureLoaded();
                return top(window, vector, k, sourceId, List.of());
            }
        }
        synchronized (this) {
            return top(recent, vector, k, sourceId, fromIndex);
        }
    }

    /** The {@code k} highest of {@code known} and the similarities to the entries in scope. */
    private static List<Double> top(Collection<Entry> entries, float[] vector, int k, @Nullable Long sourceId,
                                    List<Double> known) {
        List<Double> all = new ArrayList<>(known);
        for (Entry e : entries) {
            if (sourceId == null || e.sourceId() == sourceId) {
                all.add(Embedder.cosine(vector, e.vector()));
            }
        }
        all.sort(Comparator.reverseOrder());
        return List.copyOf(all.subList(0, Math.min(k, all.size())));
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
        return jdbc.sql("""
                select caption, tags, scores::text, duration_s,
                       (select count(*) from source_assets a where a.source_id = s.id and a.kind = 'CLIP')
                from sources s where id = :id""").param("id", id)
                .query((rs, i) -> facts(sourceId, rs.getString(1), rs.getArray(2), rs.getString(3),
                        (Double) rs.getObject(4), rs.getInt(5))).optional();
    }

    /**
     * The writer's facts; a source whose caption is not written yet (a campaign started right after PROBE) gets the
     * built-in caption from its measurements for this call, so the writer never works without one.
     */
    private SourceFacts facts(String sourceId, String storedCaption, Array tagArray, String scoresJson,
                              @Nullable Double duration, int clips) throws SQLException {
        List<String> tags = tagArray == null ? List.of() : Arrays.asList((String[]) tagArray.getArray());
        Map<String, Double> scores = scoresJson == null ? Map.of()
                : json.readValue(scoresJson, new TypeReference<Map<String, Double>>() {});
        String caption = storedCaption != null && !storedCaption.isBlank() ? storedCaption
                : ProbeCaptioner.describe(new CaptionInput(sourceId, duration, clips, withoutNulls(scores), tags, List.of()));
        List<String> colours = tags.stream().filter(COLOURS::contains).toList();
        List<String> scene = tags.stream().filter(t -> !COLOURS.contains(t)).toList();
        return new SourceFacts(sourceId, caption, tags, scores.getOrDefault("people", 0.0),
                Math.min(1.0, scores.getOrDefault("faces", 0.0)), scores.getOrDefault("motion", 0.0),
                scores.getOrDefault("text_overlay", 0.0), colours, scene);
    }

    private static Map<String, Double> withoutNulls(Map<String, Double> scores) {
        Map<String, Double> out = new java.util.HashMap<>();
        scores.forEach((k, v) -> {
            if (k != null && v != null) {
                out.put(k, v);
            }
        });
        return out;
    }

    private void ensureLoaded() {
        if (loaded) {
            return;
        }
        List<Entry> latest = jdbc.sql("select text, source_id, embedding from instructions where embedding is not null"
                        + " order by id desc limit :n")
                .param("n", WINDOW)
                .query((rs, i) -> new Entry(rs.getString(1), rs.getLong(2), toFloats((Float[]) rs.getArray(3).getArray()))).list();
        window.addAll(latest.reversed());
        loaded = true;
    }

    private static float[] toFloats(Float[] boxed) {
        float[] out = new float[boxed.length];
        for (int i = 0; i < boxed.length; i++) {
            out[i] = boxed[i];
        }
        return out;
    }

    private record Entry(String text, long sourceId, float[] vector) {}

    /** The kNN side of the check ({@link IndexedInstructions} in production); throws when it cannot answer. */
    @FunctionalInterface
    interface InstructionIndex {
        List<Double> nearestSimilarities(float[] vector, int k, @Nullable Long sourceId) throws IOException;
    }
}
