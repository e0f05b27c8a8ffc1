package dev.ditto.campaigns;

import dev.ditto.agent.Category;
import dev.ditto.agent.CategoryMix;
import dev.ditto.agent.writer.InstructionWriter;
import dev.ditto.audit.AuditLog;
import dev.ditto.search.SampleSearch;
import dev.ditto.sources.Source;
import dev.ditto.sources.SourceService;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/** Starts instruction campaigns and reports their progress; the work runs in {@link CampaignWorker}. */
@Service
public class CampaignService {
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final AuditLog audit;
    private final InstructionWriter writer;
    private final SourceService sources;
    private final SampleSearch samples;
    private final TransactionTemplate tx;

    CampaignService(JdbcClient jdbc, ObjectMapper json, AuditLog audit, InstructionWriter writer, SourceService sources,
                    SampleSearch samples, TransactionTemplate tx, CampaignAdvisor advisor) {
        this.advisor = advisor;
        this.tx = tx;
        this.jdbc = jdbc;
        this.json = json;
        this.audit = audit;
        this.writer = writer;
        this.sources = sources;
        this.samples = samples;
    }

    private final CampaignAdvisor advisor;

    /** What curators' recent decisions suggest for the next campaign (see {@link CampaignAdvisor}). */
    public CampaignAdvisor.Advice advice(int last, int minDecisions) {
        return advisor.advise(null, last, minDecisions);
    }

    /** At most this many samples of a sample search are followed to their sources. */
    public static final int MAX_SEARCH_SAMPLES = 20_000;
    /** At most this many sources come from a source search. */
    public static final int MAX_SEARCH_SOURCES = 10_000;

    /**
     * The sources a request selects: those given by hand, then those its searches find now, without repeats.
     * Sources set aside as DUPLICATE, ARCHIVED or QUARANTINED are left out of a search's results (not of a hand-made choice).
     *
     * @throws IllegalArgumentException a search too broad to follow, or one that finds no source
     */
    public List<Long> resolveSources(CampaignRequest request) {
        java.util.LinkedHashSet<Long> ids = new java.util.LinkedHashSet<>(request.sourceIds());
        java.util.Set<Long> found = new java.util.LinkedHashSet<>();
        if (request.sourceSearch() != null) {
            sources.search(request.sourceSearch(), MAX_SEARCH_SOURCES).stream()
                    .filter(s -> !SET_ASIDE.contains(s.status())).map(Source::id).sorted().forEach(found::add);
        }
        if (request.sampleSearch() != null) {
            List<Long> fromSamples = samples.sourceIds(request.sampleSearch(), MAX_SEARCH_SAMPLES);
            if (!fromSamples.isEmpty()) {
                jdbc.sql("select id from sources where id in (:ids) and status not in ('DUPLICATE', 'ARCHIVED', 'QUARANTINED') order by id")
                        .param("ids", fromSamples).query(Long.class).list().forEach(found::add);
            }
        }
        if (found.isEmpty() && (request.sourceSearch() != null || request.sampleSearch() != null) && ids.isEmpty()) {
            throw new IllegalArgumentException("The search finds no sources to write instructions for; change it or pick sources by hand.");
        }
        ids.addAll(found);
        return List.copyOf(ids);
    }

    private static final java.util.Set<String> SET_ASIDE = java.util.Set.of("DUPLICATE", "ARCHIVED", "QUARANTINED");

    /**
     * Queues a campaign; returns its id. Searches are resolved to sources now (see {@link #resolveSources}) and
     * the campaign keeps both the sources and the searches that found them. Sources that are not READY yet are
     * waited for by the worker.
     */
    public long start(CampaignRequest request) {
        Map<Category, Double> mix = request.mix().isEmpty() ? CategoryMix.defaultMix().targets() : request.mix();
        new CategoryMix(new EnumMap<>(mix)); // validates the shares
        List<Long> sourceIds = resolveSources(request); // before the transaction: a sample search pages through Elasticsearch
        Map<String, Object> searches = new LinkedHashMap<>();
        if (request.sourceSearch() != null) {
            searches.put("sourceSearch", request.sourceSearch());
        }
        if (request.sampleSearch() != null) {
            searches.put("sampleSearch", request.sampleSearch().withFacets(false).after(null));
        }
        Map<String, Object> selection = new LinkedHashMap<>(Map.of("sourceIds", sourceIds));
        selection.putAll(searches);
        Long started = tx.execute(status -> insert(request, mix, selection, searches, sourceIds.size()));
        if (started == null) {
            throw new IllegalStateException("starting campaign '" + request.name() + "' returned no id");
        }
        return started;
    }

    private long insert(CampaignRequest request, Map<Category, Double> mix, Map<String, Object> selection,
                        Map<String, Object> searches, int sources) {
        long id = jdbc.sql("""
                insert into campaigns (name, selection, per_source, category_mix, engine, seed, advice)
                values (:name, cast(:selection as jsonb), :per, cast(:mix as jsonb), :engine, :seed, cast(:advice as jsonb))
                returning id""")
                .param("advice", request.advice() == null ? null : json.writeValueAsString(request.advice()))
                .param("name", request.name().strip())
                .param("selection", json.writeValueAsString(selection))
                .param("per", request.perSource())
                .param("mix", json.writeValueAsString(mix))
                .param("engine", writer.engine())
                .param("seed", request.seed())
                .query(Long.class).single();
        Map<String, Object> audited = new LinkedHashMap<>(Map.of("name", request.name(), "sources", sources,
                "perSource", request.perSource()));
        audited.putAll(searches);
        audited.put("mix", mix);
        if (request.advice() != null) {
            audited.put("advice", request.advice());
        }
        audit.record("campaign.start", "campaign", id, null, audited);
        return id;
    }

    public Optional<Campaign> find(long id) {
        return jdbc.sql(SELECT + " where c.id = :id").param("id", id).query(this::map).optional();
    }

    public List<Campaign> list(int limit) {
        return jdbc.sql(SELECT + " order by c.id desc limit :limit").param("limit", limit).query(this::map).list();
    }

    /** The campaign's instructions, newest first. */
    public List<InstructionRow> instructions(long campaignId, int limit) {
        return jdbc.sql("""
                select i.id, i.source_id, i.category, i.text, i.edit_spec::text, i.engine, i.model, s.status
                from instructions i left join samples s on s.instruction_id = i.id
                where i.campaign_id = :id order by i.id desc limit :limit""")
                .param("id", campaignId).param("limit", limit)
                .query((rs, i) -> new InstructionRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8)))
                .list();
    }

    /** One written instruction and the state of its sample. */
    public record InstructionRow(long id, long sourceId, String category, String text, String editSpec, String engine,
                                 String model, String sampleStatus) {}

    /** The engine that writes instructions now ("grammar" built-in or the configured model). */
    public String engine() {
        return writer.engine();
    }

    /** The campaign's instructions with their embeddings (384-d MiniLM), oldest first, at most {@code limit}. */
    public List<EmbeddedInstruction> embeddings(long campaignId, int limit) {
        return jdbc.sql("""
                select id, category, text, embedding from instructions
                where campaign_id = :id and embedding is not null order by id limit :limit""")
                .param("id", campaignId).param("limit", limit)
                .query((rs, i) -> {
                    Float[] boxed = (Float[]) rs.getArray(4).getArray();
                    float[] v = new float[boxed.length];
                    for (int k = 0; k < v.length; k++) {
                        v[k] = boxed[k];
                    }
                    return new EmbeddedInstruction(rs.getLong(1), rs.getString(2), rs.getString(3), v);
                }).list();
    }

    /** An instruction and its embedding. */
    public record EmbeddedInstruction(long id, String category, String text, float[] vector) {}

    /** Per-stage timings of the campaign's generated samples, with each sample's category and status. */
    public List<SampleTimings> sampleTimings(long campaignId) {
        return jdbc.sql("select category, status, timings::text from samples where campaign_id = :id and timings <> '{}'::jsonb")
                .param("id", campaignId)
                .query((rs, i) -> new SampleTimings(rs.getString(1), rs.getString(2),
                        json.readValue(rs.getString(3), new TypeReference<Map<String, dev.ditto.protocol.StageTiming>>() {})))
                .list();
    }

    /** Samples of the campaign by status (all of them, generated or not). */
    public Map<String, Long> sampleCounts(long campaignId) {
        Map<String, Long> out = new LinkedHashMap<>();
        jdbc.sql("select status, count(*) from samples where campaign_id = :id group by status order by status")
                .param("id", campaignId).query((rs, i) -> out.put(rs.getString(1), rs.getLong(2))).list();
        return out;
    }

    /** One generated sample's seconds per stage. */
    public record SampleTimings(String category, String status, Map<String, dev.ditto.protocol.StageTiming> timings) {}

    private static final String SELECT = """
            select c.*, jsonb_array_length(c.selection -> 'sourceIds') as source_count,
                   (select jsonb_object_agg(status, n)::text from (select j.status, count(*) n from jobs j
                      join samples s on s.id = j.sample_id where s.campaign_id = c.id group by j.status) x) as job_counts
            from campaigns c""";

    private Campaign map(ResultSet rs, int row) throws SQLException {
        Timestamp finished = rs.getTimestamp("finished_at");
        String jobs = rs.getString("job_counts");
        return new Campaign(rs.getLong("id"), rs.getString("name"), rs.getString("status"), rs.getString("engine"),
                rs.getInt("source_count"), rs.getInt("per_source"), rs.getInt("written"), rs.getInt("deduplicated"),
                rs.getInt("failed_items"), json.readValue(rs.getString("diversity"), new TypeReference<Map<String, Object>>() {}),
                jobs == null ? new LinkedHashMap<>() : json.readValue(jobs, new TypeReference<Map<String, Long>>() {}),
                rs.getString("error"), rs.getTimestamp("created_at").toInstant(), finished == null ? null : finished.toInstant(),
                json.readValue(rs.getString("category_mix"), new TypeReference<Map<String, Double>>() {}),
                rs.getString("advice") == null ? List.of()
                        : json.readValue(rs.getString("advice"), new TypeReference<List<String>>() {}));
    }
}
