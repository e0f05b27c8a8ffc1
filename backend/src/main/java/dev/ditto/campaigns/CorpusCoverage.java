package dev.ditto.campaigns;

import dev.ditto.agent.Category;
import dev.ditto.agent.CategoryMix;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * What the whole corpus of instructions covers, and where it has gaps: each category's share against the target
 * mix, which operators were tried on which kind of source (source tags), and a sample of instruction embeddings for
 * the map. "Fill the gaps" turns it into a campaign: a mix of the under-target categories on the sources with the
 * fewest instructions. Counts are over every instruction; the map reads an evenly spread sample of at most a few
 * thousand, so the page stays fast at a million.
 */
@Service
public class CorpusCoverage {
    /** A category counts as under target below this share of its target. */
    static final double UNDER = 0.8;
    /** Source tags shown as source types, the most frequent first. */
    static final int SOURCE_TYPES = 15;

    /**
     * An instruction is near the concept it is most similar to (cosine, MiniLM) when at least this similar; below it
     * belongs to no concept (free-form).
     */
    static final double NEAR = 0.4;
    /** The share a "fill the gaps" campaign gives an empty region's category at least. */
    static final double EMPTY_REGION_SHARE = 0.1;
    /** How many instructions, evenly spread over the corpus, the empty regions are measured on. */
    static final int REGION_SAMPLE = 3000;

    /**
     * The directions of the edit space the empty regions are looked for in: one plain instruction per operator,
     * style and grade the platform can make.
     */
    static final List<Concept> CONCEPTS = concepts();

    private final JdbcClient jdbc;
    private final dev.ditto.agent.diversity.Embedder embedder;
    private volatile @org.jspecify.annotations.Nullable List<float[]> conceptVectors;

    CorpusCoverage(JdbcClient jdbc, dev.ditto.agent.diversity.Embedder embedder) {
        this.jdbc = jdbc;
        this.embedder = embedder;
    }

    /**
     * A named direction of the edit space, the instruction that stands for it, its category, and its writer-guidance
     * key ({@link dev.ditto.agent.diversity.DiversitySelector#key}: {@code style=pixel_art}, {@code add_snowfall}).
     */
    public record Concept(String name, String phrase, Category category, String key) {}

    /**
     * A concept and how close the corpus comes to it: instructions of the sample nearest to it (and at least
     * {@link #NEAR} similar), and the highest similarity of any instruction.
     */
    public record Region(Concept concept, int near, double closest) {
        public boolean empty() {
            return near == 0;
        }
    }

    /** One category: instructions written, share of the corpus, target share. */
    public record CategoryShare(Category category, long instructions, double share, double target) {
        public boolean underTarget() {
            return share < target * UNDER;
        }
    }

    /** One instruction of the map sample. */
    public record MapPoint(String category, String text, float[] vector) {}

    /**
     * The coverage.
     *
     * @param operatorsBySourceType source tag → operator → instructions written with it on sources with that tag
     * @param gaps                  what is missing, in words
     */
    public record Coverage(long instructions, long sources, List<CategoryShare> categories, List<String> operators,
                           Map<String, Map<String, Long>> operatorsBySourceType, List<MapPoint> map, List<String> gaps,
                           List<Region> regions) {}

    /** The coverage with a map of at most {@code mapPoints} instructions. */
    public Coverage coverage(int mapPoints) {
        Map<Category, Double> targets = CategoryMix.defaultMix().targets();
        Map<Category, Long> counts = new EnumMap<>(Category.class);
        jdbc.sql("select category, count(*) from instructions group by category")
                .query((rs, i) -> counts.put(Category.valueOf(rs.getString(1)), rs.getLong(2))).list();
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        List<CategoryShare> categories = new ArrayList<>();
        for (Category c : Category.values()) {
            long n = counts.getOrDefault(c, 0L);
            categories.add(new CategoryShare(c, n, total == 0 ? 0 : (double) n / total, targets.getOrDefault(c, 0.0)));
        }

        List<String> types = jdbc.sql("""
                select t, count(*) from sources, unnest(tags) t where status = 'READY' group by t order by 2 desc, 1 limit :n""")
                .param("n", SOURCE_TYPES).query((rs, i) -> rs.getString(1)).list();
        Map<String, Map<String, Long>> matrix = new LinkedHashMap<>();
        TreeSet<String> operators = new TreeSet<>();
        for (String type : types) {
            matrix.put(type, new TreeMap<>());
        }
        jdbc.sql("""
                select t, coalesce(i.edit_spec ->> 'op', '?') as op, count(*)
                from instructions i join sources s on s.id = i.source_id, unnest(s.tags) t
                where t = any(:types) group by t, op""")
                .param("types", types.toArray(String[]::new))
                .query((rs, i) -> {
                    operators.add(rs.getString(2));
                    return matrix.get(rs.getString(1)).put(rs.getString(2), rs.getLong(3));
                }).list();
        jdbc.sql("select distinct coalesce(edit_spec ->> 'op', '?') from instructions").query(String.class).list()
                .forEach(operators::add);
        long sources = jdbc.sql("select count(*) from sources where status = 'READY'").query(Long.class).single();

        List<String> gaps = new ArrayList<>();
        for (CategoryShare c : categories) {
            if (c.target() > 0 && c.underTarget()) {
                gaps.add(String.format(Locale.ROOT, "%s: %.0f%% of the corpus (%d), target %.0f%%", label(c.category().name()),
                        100 * c.share(), c.instructions(), 100 * c.target()));
            }
        }
        for (var row : matrix.entrySet()) {
            List<String> never = operators.stream().filter(op -> !op.equals("?") && row.getValue().getOrDefault(op, 0L) == 0).toList();
            if (!never.isEmpty() && !operators.isEmpty()) {
                gaps.add("never tried on " + row.getKey() + " sources: " + String.join(", ", never));
            }
        }
        List<Region> regions = regions(sample(total, REGION_SAMPLE));
        List<String> empty = regions.stream().filter(Region::empty).map(r -> r.concept().name()).toList();
        if (!empty.isEmpty()) {
            gaps.add(String.format(Locale.ROOT, "empty regions (no instruction nearest to, at similarity >= %.2f): %s", NEAR,
                    String.join(", ", empty)));
        }
        return new Coverage(total, sources, categories, List.copyOf(operators), matrix, sample(total, mapPoints), gaps,
                regions);
    }

    /** The mix that fills the gaps: the under-target categories, each weighted by how far below target it is. */
    public Map<Category, Double> gapMix(Coverage coverage) {
        Map<Category, Double> mix = new EnumMap<>(Category.class);
        for (CategoryShare c : coverage.categories()) {
            double deficit = c.target() - c.share();
            if (c.target() > 0 && deficit > 0 && (c.underTarget() || coverage.instructions() == 0)) {
                mix.put(c.category(), Math.round(deficit * 1000) / 1000.0);
            }
        }
        return mix;
    }

    /** The campaign request that fills the gaps now; throws with the reason when there is nothing to fill. */
    public CampaignRequest fillGapsRequest(int perSource, int sources, long seed) {
        if (sources < 1 || sources > 20_000) {
            throw new IllegalArgumentException("sources must be between 1 and 20000, not " + sources);
        }
        CorpusCoverage.Coverage now = coverage(0);
        java.util.Map<dev.ditto.agent.Category, Double> mix = gapMix(now);
        List<Region> empty = now.regions().stream().filter(Region::empty).toList();
        for (Region r : empty) {
            // an empty region's category gets at least a small share, so the writer is asked for it
            mix.merge(r.concept().category(), EMPTY_REGION_SHARE, Math::max);
        }
        if (mix.isEmpty()) {
            throw new IllegalArgumentException("no category is under its target share and no region of the instruction"
                    + " space is empty; there is no gap to fill");
        }
        List<Long> ids = leastCoveredSources(sources);
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("there is no READY source to write for");
        }
        List<String> advice = new java.util.ArrayList<>();
        now.gaps().forEach(g -> advice.add("gap: " + g));
        empty.forEach(r -> advice.add("writer: prefer " + r.concept().key() + ": empty region of the corpus ("
                + r.concept().name() + ")"));
        return new CampaignRequest("Fill the gaps " + java.time.LocalDate.now(), ids, perSource, mix, seed, null, null, advice);
    }

    /** READY sources with the fewest instructions, at most {@code limit}. */
    public List<Long> leastCoveredSources(int limit) {
        return jdbc.sql("""
                select s.id from sources s left join instructions i on i.source_id = s.id
                where s.status = 'READY' group by s.id order by count(i.id), s.id limit :limit""")
                .param("limit", limit).query(Long.class).list();
    }

    /**
     * How close the sampled instructions come to each concept. Empty when there are no instructions (then every
     * category is a gap already and nothing is learned from the embedding space).
     */
    List<Region> regions(List<MapPoint> sample) {
        if (sample.isEmpty()) {
            return List.of();
        }
        List<float[]> vectors = conceptVectors;
        if (vectors == null) {
            vectors = embedder.embedAll(CONCEPTS.stream().map(Concept::phrase).toList());
            conceptVectors = vectors;
        }
        // each instruction belongs to the concept it is most similar to (MiniLM similarities are compressed: a
        // watercolour instruction is 0.8 from "watercolour" but also 0.64 from "stylize"), if it is at least NEAR
        int[] near = new int[CONCEPTS.size()];
        double[] closest = new double[CONCEPTS.size()];
        java.util.Arrays.fill(closest, -1);
        for (MapPoint p : sample) {
            int best = -1;
            double bestSim = -1;
            for (int c = 0; c < CONCEPTS.size(); c++) {
                double sim = dev.ditto.agent.diversity.Embedder.cosine(vectors.get(c), p.vector());
                closest[c] = Math.max(closest[c], sim);
                if (sim > bestSim) {
                    bestSim = sim;
                    best = c;
                }
            }
            if (bestSim >= NEAR) {
                near[best]++;
            }
        }
        List<Region> out = new ArrayList<>();
        for (int c = 0; c < CONCEPTS.size(); c++) {
            out.add(new Region(CONCEPTS.get(c), near[c], closest[c]));
        }
        return out;
    }

    private static List<Concept> concepts() {
        List<Concept> out = new ArrayList<>();
        Map<String, String> styles = Map.of("stylize", "a stylised painting", "pencil_sketch", "a pencil sketch",
                "colour_pencil", "a colour pencil drawing", "cartoon", "a cartoon", "oil_paint", "an oil painting",
                "watercolour", "a watercolour painting", "pixel_art", "pixel art", "edge_glow", "glowing neon outlines");
        for (String style : dev.ditto.protocol.EditOps.GLOBAL_STYLES) {
            out.add(new Concept(style.replace('_', ' '), "Turn the video into " + styles.getOrDefault(style, style),
                    Category.GLOBAL_STYLE, "style=" + style));
        }
        Map<String, String> grades = Map.of("vintage_film", "an old vintage film", "noir", "a black and white film noir",
                "golden_hour", "golden hour light", "night", "night time", "underwater", "being underwater",
                "cyberpunk", "a cyberpunk neon city", "sepia", "a sepia photograph");
        for (String grade : dev.ditto.protocol.EditOps.COLOUR_GRADES) {
            out.add(new Concept(grade.replace('_', ' '), "Make it look like " + grades.getOrDefault(grade, grade),
                    Category.GLOBAL_FREEFORM, "grade=" + grade));
        }
        out.add(new Concept("background blur", "Blur the background behind the person", Category.BACKGROUND, "background_blur"));
        out.add(new Concept("background replace", "Replace the background with a different place", Category.BACKGROUND,
                "background_replace"));
        out.add(new Concept("person recolour", "Change the colour of the person's clothes", Category.LOCAL_ATTRIBUTE,
                "person_recolour"));
        out.add(new Concept("person stylize", "Make the person look like a painting", Category.LOCAL_REPLACE, "person_stylize"));
        out.add(new Concept("person remove", "Remove the person from the video", Category.LOCAL_REMOVE, "person_remove"));
        out.add(new Concept("add snowfall", "Add falling snow", Category.LOCAL_ADD, "add_snowfall"));
        out.add(new Concept("add rain", "Add falling rain", Category.LOCAL_ADD, "add_rain"));
        out.add(new Concept("object recolour", "Change the colour of the object", Category.LOCAL_ATTRIBUTE, "object_recolour"));
        out.add(new Concept("object remove", "Remove the object from the scene", Category.LOCAL_REMOVE, "object_remove"));
        out.add(new Concept("add sign", "Add a sign with text to the scene", Category.LOCAL_ADD, "add_sign"));
        out.add(new Concept("add sticker", "Add a sticker to the scene", Category.LOCAL_ADD, "add_sticker"));
        return List.copyOf(out);
    }

    /** About {@code points} instructions with embeddings, evenly spread by id. */
    private List<MapPoint> sample(long total, int points) {
        if (total == 0 || points <= 0) {
            return List.of();
        }
        long every = Math.max(1, total / points);
        return jdbc.sql("""
                select category, text, embedding from instructions
                where embedding is not null and id % :every = 0 order by id limit :limit""")
                .param("every", every).param("limit", points)
                .query((rs, i) -> {
                    Float[] boxed = (Float[]) rs.getArray(3).getArray();
                    float[] v = new float[boxed.length];
                    for (int k = 0; k < v.length; k++) {
                        v[k] = boxed[k];
                    }
                    return new MapPoint(rs.getString(1), rs.getString(2), v);
                }).list();
    }

    private static String label(String category) {
        return category.toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
