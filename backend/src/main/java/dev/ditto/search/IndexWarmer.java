package dev.ditto.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.JsonData;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Warms an index version with the searches a curator makes, so the node compiles its search code before anyone
 * waits for it ({@link SearchProperties.Warmup}). Public so the search benchmark measures what it buys.
 */
public final class IndexWarmer {
    private IndexWarmer() {}

    /**
     * Sends first-page searches (text and vector, facets, one filter in turn: none, a category, a status) straight to
     * the index version {@code target} until {@code budget} has passed or {@code maxSearches} have run, and returns
     * how many ran. The texts, vectors, categories and statuses are those of up to 100 of the version's own samples,
     * so the searches look like a curator's, including a category filter far from the text. A reindex warms the new
     * version this way before the alias swaps to it.
     */
    public static int warm(ElasticsearchClient client, SearchProperties.Query tuning, ObjectMapper json, String target,
                           Duration budget, int maxSearches) throws IOException {
        if (budget.isZero() || budget.isNegative() || maxSearches <= 0) {
            return 0;
        }
        long deadline = System.nanoTime() + budget.toNanos();
        var seed = client.search(s -> s.index(target).size(100)
                .source(src -> src.filter(f -> f.includes("instruction", "category", "status"))).fields(f -> f.field("vector")),
                JsonData.class);
        record Material(String text, float[] vector, @Nullable String category, @Nullable String status) {}
        List<Material> materials = new ArrayList<>();
        for (var hit : seed.hits().hits()) {
            JsonData vectorField = hit.fields().get("vector");
            if (hit.source() == null || vectorField == null) {
                continue;
            }
            JsonNode source = json.readTree(hit.source().toJson().toString());
            float[] vector = vector(vectorField, json);
            String instruction = source.path("instruction").asString("");
            if (!instruction.isBlank()) {
                materials.add(new Material(instruction, vector, textOrNull(source.path("category")),
                        textOrNull(source.path("status"))));
            }
        }
        if (materials.isEmpty()) {
            return 0;
        }
        int shards = Math.max(1, seed.shards().total().intValue());
        int searches = 0;
        while (searches < maxSearches && System.nanoTime() < deadline) {
            Material m = materials.get(searches % materials.size());
            // the filter of another sample, so a category is as often far from the text as near it
            Material other = materials.get((searches / 3 + 1) % materials.size());
            SearchRequest request = SearchRequest.text(m.text());
            if (searches % 3 == 1 && other.category() != null) {
                request = request.withCategories(List.of(other.category()));
            } else if (searches % 3 == 2 && other.status() != null) {
                request = request.withStatuses(List.of(other.status()));
            }
            client.search(HybridQuery.build(HybridQuery.Spec.of(request, tuning).onIndex(target).near(m.vector())
                    .shards(shards)), Void.class);
            searches++;
        }
        return searches;
    }

    /** A hit's {@code vector} field (asked for with {@code fields}, as {@code _source} leaves vectors out). */
    static float[] vector(JsonData field, ObjectMapper json) {
        JsonNode values = json.readTree(field.toJson().toString());
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) values.get(i).asDouble();
        }
        return vector;
    }

    private static @Nullable String textOrNull(JsonNode node) {
        return node.isString() ? node.asString() : null;
    }
}
