package dev.ditto.campaigns;

import dev.ditto.agent.Category;
import dev.ditto.agent.CategoryMix;
import dev.ditto.agent.writer.InstructionWriter;
import dev.ditto.audit.AuditLog;
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
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/** Starts instruction campaigns and reports their progress; the work runs in {@link CampaignWorker}. */
@Service
public class CampaignService {
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final AuditLog audit;
    private final InstructionWriter writer;

    CampaignService(JdbcClient jdbc, ObjectMapper json, AuditLog audit, InstructionWriter writer) {
        this.jdbc = jdbc;
        this.json = json;
        this.audit = audit;
        this.writer = writer;
    }

    /** Queues a campaign; returns its id. Sources that are not READY yet are waited for by the worker. */
    @Transactional
    public long start(CampaignRequest request) {
        Map<Category, Double> mix = request.mix().isEmpty() ? CategoryMix.defaultMix().targets() : request.mix();
        new CategoryMix(new EnumMap<>(mix)); // validates the shares
        long id = jdbc.sql("""
                insert into campaigns (name, selection, per_source, category_mix, engine, seed)
                values (:name, cast(:selection as jsonb), :per, cast(:mix as jsonb), :engine, :seed) returning id""")
                .param("name", request.name().strip())
                .param("selection", json.writeValueAsString(Map.of("sourceIds", request.sourceIds())))
                .param("per", request.perSource())
                .param("mix", json.writeValueAsString(mix))
                .param("engine", writer.engine())
                .param("seed", request.seed())
                .query(Long.class).single();
        audit.record("campaign.start", "campaign", id, null,
                Map.of("name", request.name(), "sources", request.sourceIds().size(), "perSource", request.perSource()));
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
                rs.getString("error"), rs.getTimestamp("created_at").toInstant(), finished == null ? null : finished.toInstant());
    }
}
