package dev.ditto.sources;

import dev.ditto.audit.AuditLog;
import dev.ditto.blobs.BlobStore;
import dev.ditto.jobs.JobQueue;
import dev.ditto.outbox.Outbox;
import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.JobPayload;
import dev.ditto.protocol.JobType;
import dev.ditto.protocol.ProbePayload;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import dev.ditto.search.ClipIndex;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/** Ingests source videos into the blob store and queues a PROBE job for each new one. */
@Service
public class SourceService {
    /** Where a source came from. */
    public enum Origin { UPLOAD, FOLDER, URL, DEMO, API }

    private static final int SNIFF_BYTES = 512;

    private final JdbcClient jdbc;
    private final BlobStore blobs;
    private final JobQueue jobs;
    private final Outbox outbox;
    private final AuditLog audit;
    private volatile SourceProperties properties;
    private final TransactionTemplate tx;
    private final ObjectMapper json;
    private final PhashIndex phashes;
    private final SourceFilters filters;

    SourceService(JdbcClient jdbc, BlobStore blobs, JobQueue jobs, Outbox outbox, AuditLog audit,
                  SourceProperties properties, TransactionTemplate tx, ObjectMapper json, PhashIndex phashes,
                  SourceFilters filters) {
        this.phashes = phashes;
        this.filters = filters;
        this.jdbc = jdbc;
        this.blobs = blobs;
        this.jobs = jobs;
        this.outbox = outbox;
        this.audit = audit;
        this.properties = properties;
        this.tx = tx;
        this.json = json;
    }

    /**
     * Stores {@code content} and registers it as a source, queueing its PROBE job. The same bytes ingested
     * twice give the existing source back ({@code duplicate = true}) and queue nothing.
     *
     * @throws IngestException empty, not a video container, or over {@code ditto.sources.max-upload-mb}
     */
    public IngestResult ingest(InputStream content, String originalName, Origin origin, @Nullable String originRef) {
        return ingest(content, originalName, origin, originRef, -1);
    }

    /**
     * {@link #ingest(InputStream, String, Origin, String)} of content whose size the sender declared
     * ({@code declaredBytes}, -1 when unknown): refused before a byte is read when the blob store's disk has no room.
     *
     * @throws IngestException as above, or with a {@link BlobStore.InsufficientStorageException} cause when the disk
     *                         is full (then nothing of the file is left behind)
     */
    public IngestResult ingest(InputStream content, String originalName, Origin origin, @Nullable String originRef,
                               long declaredBytes) {
        String name = cleanName(originalName);
        SourceProperties limits = properties;
        BlobStore.StoredBlob blob;
        try {
            blobs.requireSpace(declaredBytes);
            byte[] head = content.readNBytes(SNIFF_BYTES);
            if (head.length == 0) {
                throw new IngestException(name, "the file is empty (0 bytes).");
            }
            if (VideoSniffer.container(head, head.length).isEmpty()) {
                throw new IngestException(name, "not a video: its first bytes match no video container "
                        + "(mp4, mov, avi, mkv/webm, flv, mpeg, ogg, asf).");
            }
            blob = blobs.put(new SequenceInputStream(new ByteArrayInputStream(head), content),
                    limits.maxUploadBytes(), null);
        } catch (BlobStore.BlobTooLargeException e) {
            throw new IngestException(name, "too large: the limit is " + limits.maxUploadMb()
                    + " MB (ditto.sources.max-upload-mb).", e);
        } catch (BlobStore.InsufficientStorageException e) {
            throw new IngestException(name, "not stored: " + e.getMessage() + ".", e);
        } catch (IOException e) {
            throw new IngestException(name, "could not be read completely (" + e.getMessage() + ").", e);
        }
        return register(blob, name, origin, originRef);
    }

    private IngestResult register(BlobStore.StoredBlob blob, String name, Origin origin, @Nullable String originRef) {
        IngestResult result = tx.execute(status -> {
            Optional<Long> existing = jdbc.sql("select id from sources where sha256 = :sha").param("sha", blob.key())
                    .query(Long.class).optional();
            if (existing.isPresent()) {
                return new IngestResult(existing.get(), true, name, blob.size());
            }
            long id = jdbc.sql("""
                    insert into sources (origin, origin_ref, original_name, blob_key, size_bytes, sha256, status)
                    values (:origin, :ref, :name, :key, :size, :key, 'PROBING') returning id""")
                    .param("origin", origin.name()).param("ref", originRef).param("name", name)
                    .param("key", blob.key()).param("size", blob.size())
                    .query(Long.class).single();
            SourceProperties format = properties;
            JobPayload payload = new ProbePayload(JobPayload.CURRENT_VERSION, id,
                    new BlobRef(blob.key(), blob.size(), "video/*"), name, format.format(),
                    format.minClipSeconds(), format.maxClipSeconds());
            jobs.enqueue(JobType.PROBE, payload, 10, id, null);
            outbox.changed(Outbox.Aggregate.SOURCE, id);
            audit.record("source.ingest", "source", id, null,
                    Map.of("name", name, "origin", origin.name(), "bytes", blob.size()));
            return new IngestResult(id, false, name, blob.size());
        });
        if (result == null) {
            throw new IllegalStateException("ingest transaction returned nothing for " + name);
        }
        return result;
    }

    /** The upload limit and normalisation format in force (configured, or as an admin last changed them). */
    public SourceProperties properties() {
        return properties;
    }

    /**
     * Replaces the upload limit and normalisation format for every ingest from now on (settings call this when an
     * admin changes them); sources already queued keep the format their PROBE job was given.
     */
    public void applySettings(SourceProperties changed) {
        changed.format(); // refuses an invalid combination before it is in force
        this.properties = changed;
    }

    /** Sources newest first, optionally by status. */
    public List<Source> list(@Nullable String status, int limit, int offset) {
        return jdbc.sql(SELECT + " where (cast(:status as text) is null or s.status = :status) order by s.id desc limit :limit offset :offset")
                .param("status", status).param("limit", limit).param("offset", offset)
                .query(this::map).list();
    }

    /**
     * Sources whose name, caption, tags or origin contain every word of {@code text} (case-insensitive), newest
     * first. Sources are not in Elasticsearch (it indexes samples), and a source's searchable text is a few
     * short fields, so this is a PostgreSQL scan: fine for the hundreds of thousands of sources a corpus has.
     *
     * @throws IllegalArgumentException no word to search for
     */
    public List<Source> search(String text, int limit) {
        List<String> words = Arrays.stream(text.toLowerCase(java.util.Locale.ROOT).strip().split("\\s+"))
                .filter(w -> !w.isBlank()).distinct().limit(16).toList();
        if (words.isEmpty()) {
            throw new IllegalArgumentException("Type at least one word to search sources for.");
        }
        String[] patterns = words.stream()
                .map(w -> "%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
                .toArray(String[]::new);
        return jdbc.sql(SELECT + " " + """
                 where lower(concat_ws(' ', s.original_name, s.caption, array_to_string(s.tags, ' '), s.origin_ref))
                       like all (:patterns)
                 order by s.id desc limit :limit""")
                .param("patterns", patterns).param("limit", limit)
                .query(this::map).list();
    }

    public Optional<Source> find(long id) {
        return jdbc.sql(SELECT + " where s.id = :id").param("id", id).query(this::map).optional();
    }

    public long count() {
        return jdbc.sql("select count(*) from sources").query(Long.class).single();
    }

    /**
     * Groups of sources whose clips look alike: two sources are near-duplicates when any clip of one is within
     * {@code maxDistance} bits (Hamming distance of the 64-bit perceptual hashes) of a clip of the other. Sources
     * already marked DUPLICATE or ARCHIVED are left out. Groups are largest first. Pairs come from the band index
     * ({@link PhashIndex#pairs}), never from comparing every pair of clips.
     *
     * @throws IllegalArgumentException a distance outside 0..{@value PhashIndex#MAX_DISTANCE}
     */
    public List<NearDuplicateGroup> nearDuplicateGroups(int maxDistance) {
        Map<Long, Long> parent = new java.util.HashMap<>();
        Map<Long, Integer> closest = new java.util.HashMap<>();
        for (PhashIndex.Pair pair : phashes.pairs(maxDistance)) {
            long ra = root(parent, pair.a());
            long rb = root(parent, pair.b());
            long r = Math.min(ra, rb);
            parent.put(Math.max(ra, rb), r);
            parent.putIfAbsent(r, r);
            int best = Math.min(pair.distance(), Math.min(closest.getOrDefault(ra, 64), closest.getOrDefault(rb, 64)));
            closest.put(r, best);
        }
        Map<Long, List<Long>> groups = new java.util.TreeMap<>();
        for (Long id : parent.keySet()) {
            groups.computeIfAbsent(root(parent, id), k -> new java.util.ArrayList<>()).add(id);
        }
        return groups.entrySet().stream()
                .map(e -> new NearDuplicateGroup(e.getValue().stream().sorted().toList(), closest.getOrDefault(e.getKey(), 0)))
                .filter(g -> g.sourceIds().size() > 1)
                .sorted(java.util.Comparator.comparingInt((NearDuplicateGroup g) -> -g.sourceIds().size())
                        .thenComparing(g -> g.sourceIds().getFirst()))
                .toList();
    }

    private static long root(Map<Long, Long> parent, long id) {
        long r = id;
        while (parent.containsKey(r) && parent.get(r) != r) {
            r = parent.get(r);
        }
        parent.putIfAbsent(id, r);
        return r;
    }

    /** Sources whose clips look alike (see {@link #nearDuplicateGroups}), and how close the closest pair is. */
    public record NearDuplicateGroup(List<Long> sourceIds, int closestDistance) {}

    /**
     * Keeps {@code keepId} and marks each of {@code others} DUPLICATE of it (or ARCHIVED when {@code archive}),
     * audited per source; they drop out of the gallery's default view and of new campaigns.
     */
    public void keepOneOf(long keepId, java.util.Collection<Long> others, boolean archive) {
        tx.executeWithoutResult(status -> {
            for (long other : others) {
                if (other == keepId) {
                    continue;
                }
                String before = jdbc.sql("select status from sources where id = :id").param("id", other).query(String.class)
                        .optional().orElseThrow(() -> new IllegalArgumentException("There is no source " + other + "."));
                String now = archive ? "ARCHIVED" : "DUPLICATE";
                jdbc.sql("update sources set status = :s, duplicate_of = :keep, updated_at = now() where id = :id")
                        .param("s", now).param("keep", archive ? null : keepId).param("id", other).update();
                outbox.changed(Outbox.Aggregate.SOURCE, other);
                audit.record("source." + now.toLowerCase(java.util.Locale.ROOT), "source", other,
                        Map.of("status", before), Map.of("status", now, "kept", keepId));
            }
        });
    }

    /** One page of the sources a query selects, newest first, and how many it selects in all. */
    public record Page(List<Source> items, long total) {}

    /**
     * The sources {@code query} selects, newest first, {@code limit} from {@code offset}: a SQL query over every
     * source (the gallery's lazy grid and {@code GET /api/sources/page}).
     */
    public List<Source> page(SourceQuery query, int offset, int limit) {
        Where w = where(query);
        return w.bind(jdbc.sql(SELECT + w.sql + " order by s.id desc limit :limit offset :offset"))
                .param("limit", Math.max(0, limit)).param("offset", Math.max(0, offset))
                .query(this::map).list();
    }

    /** How many sources {@code query} selects. */
    public long count(SourceQuery query) {
        Where w = where(query);
        return w.bind(jdbc.sql("select count(*) from sources s" + w.sql)).query(Long.class).single();
    }

    /** The ids {@code query} selects, newest first, at most {@code limit} (to select everything shown). */
    public List<Long> ids(SourceQuery query, int limit) {
        Where w = where(query);
        return w.bind(jdbc.sql("select s.id from sources s" + w.sql + " order by s.id desc limit :limit"))
                .param("limit", limit).query(Long.class).list();
    }

    /** Changes whenever a source is added or changed (the gallery refreshes when it does). */
    public String version() {
        return jdbc.sql("select count(*) || ':' || coalesce(max(updated_at)::text, '') || ':' || coalesce(max(id), 0) from sources")
                .query(String.class).single();
    }

    /** Every tag some source carries, sorted. */
    public List<String> tags() {
        return jdbc.sql("select distinct t from sources, unnest(tags) t order by t").query(String.class).list();
    }

    private record Where(String sql, Map<String, Object> params) {
        JdbcClient.StatementSpec bind(JdbcClient.StatementSpec spec) {
            params.forEach(spec::param);
            return spec;
        }
    }

    private static Where where(SourceQuery q) {
        List<String> terms = new java.util.ArrayList<>();
        Map<String, Object> params = new java.util.HashMap<>();
        if (!q.statuses().isEmpty()) {
            terms.add("s.status = any(:statuses)");
            params.put("statuses", q.statuses().toArray(String[]::new));
        }
        if (!q.tags().isEmpty()) {
            terms.add("s.tags @> cast(:tags as text[])");
            params.put("tags", q.tags().toArray(String[]::new));
        }
        if (!q.name().isEmpty()) {
            terms.add("s.original_name ilike :name");
            params.put("name", "%" + like(q.name().toLowerCase(java.util.Locale.ROOT)) + "%");
        }
        List<String> words = Arrays.stream(q.words().toLowerCase(java.util.Locale.ROOT).split("\\s+"))
                .filter(w -> !w.isBlank()).distinct().limit(16).toList();
        if (!words.isEmpty()) {
            terms.add("lower(concat_ws(' ', s.original_name, s.caption, array_to_string(s.tags, ' '), s.origin_ref)) like all (:words)");
            params.put("words", words.stream().map(w -> "%" + like(w) + "%").toArray(String[]::new));
        }
        int i = 0;
        for (var e : new java.util.TreeMap<>(q.ranges()).entrySet()) {
            if (e.getValue().open()) {
                continue;
            }
            String score = "cast(s.scores ->> :key" + i + " as double precision)";
            params.put("key" + i, e.getKey());
            terms.add(score + " is not null");
            if (e.getValue().min() != null) {
                terms.add(score + " >= :min" + i);
                params.put("min" + i, e.getValue().min());
            }
            if (e.getValue().max() != null) {
                terms.add(score + " <= :max" + i);
                params.put("max" + i, e.getValue().max());
            }
            i++;
        }
        return new Where(terms.isEmpty() ? "" : " where " + String.join(" and ", terms), params);
    }

    private static String like(String w) {
        return w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /**
     * An admin's release of a QUARANTINED source: it becomes READY (campaigns may use it) and stays READY when the
     * filters are re-evaluated; audited with the reasons it was held for.
     *
     * @throws NoSuchElementException no such source
     * @throws IllegalStateException the source is not QUARANTINED
     */
    @org.springframework.security.access.prepost.PreAuthorize("hasRole('ADMIN')")
    public Source release(long id) {
        tx.executeWithoutResult(status -> {
            Source before = lockedQuarantined(id, "released");
            jdbc.sql("""
                    update sources set status = 'READY', released_by = :by, released_at = now(), updated_at = now()
                    where id = :id""").param("by", currentUser()).param("id", id).update();
            outbox.changed(Outbox.Aggregate.SOURCE, id);
            audit.record("source.release", "source", id,
                    Map.of("status", before.status(), "reasons", before.quarantineReasons()), Map.of("status", "READY"));
        });
        return find(id).orElseThrow();
    }

    /**
     * An admin's archiving of a QUARANTINED source (ARCHIVED: out of the gallery's default view and of campaigns),
     * audited with the reasons it was held for.
     *
     * @throws NoSuchElementException no such source
     * @throws IllegalStateException the source is not QUARANTINED
     */
    @org.springframework.security.access.prepost.PreAuthorize("hasRole('ADMIN')")
    public Source archive(long id) {
        tx.executeWithoutResult(status -> {
            Source before = lockedQuarantined(id, "archived");
            jdbc.sql("update sources set status = 'ARCHIVED', updated_at = now() where id = :id").param("id", id).update();
            outbox.changed(Outbox.Aggregate.SOURCE, id);
            audit.record("source.archive", "source", id,
                    Map.of("status", before.status(), "reasons", before.quarantineReasons()), Map.of("status", "ARCHIVED"));
        });
        return find(id).orElseThrow();
    }

    private Source lockedQuarantined(long id, String verb) {
        jdbc.sql("select id from sources where id = :id for update").param("id", id).query(Long.class).optional()
                .orElseThrow(() -> new java.util.NoSuchElementException("There is no source " + id + "."));
        Source s = find(id).orElseThrow();
        if (!s.status().equals("QUARANTINED")) {
            throw new IllegalStateException("Source " + id + " is " + s.status() + ", not QUARANTINED; only a quarantined source is "
                    + verb + ".");
        }
        return s;
    }

    /** What re-evaluating the probe filters changes (or would change): sources to quarantine and to make READY. */
    public record Reevaluation(SourceFilters.Thresholds thresholds, int checked, List<Long> quarantined, List<Long> readied,
                               boolean applied) {}

    /**
     * Checks READY and QUARANTINED sources against the thresholds in force, oldest first; sources an admin released
     * are left as they are. A READY source that breaks a threshold would be QUARANTINED, a QUARANTINED one that no
     * longer breaks any would be READY (a near-duplicate is judged against older READY sources only, so of two
     * look-alikes the older stays). With {@code apply} false nothing changes (a preview); with true the changes are
     * made and audited, one entry per source and one for the run. Never runs by itself when a threshold changes.
     */
    @org.springframework.security.access.prepost.PreAuthorize("hasRole('ADMIN')")
    public Reevaluation reevaluate(boolean apply) {
        SourceFilters.Thresholds t = filters.thresholds();
        Reevaluation result = tx.execute(status -> {
            record Row(long id, String status, Map<String, Double> scores, List<String> reasons) {}
            List<Row> rows = jdbc.sql("""
                    select id, status, scores::text, quarantine_reasons from sources
                    where status in ('READY', 'QUARANTINED') and released_at is null order by id""")
                    .query((rs, i) -> new Row(rs.getLong(1), rs.getString(2), scores(rs.getString(3)),
                            strings(rs.getArray(4)))).list();
            List<Long> quarantined = new java.util.ArrayList<>();
            List<Long> readied = new java.util.ArrayList<>();
            for (Row row : rows) {
                List<Long> hashes = jdbc.sql("""
                        select distinct phash64 from source_assets where source_id = :id and kind = 'CLIP' and phash64 is not null""")
                        .param("id", row.id()).query(Long.class).list();
                List<float[]> embeddings = jdbc.sql("""
                        select embedding from source_assets where source_id = :id and kind = 'CLIP' and embedding is not null""")
                        .param("id", row.id()).query((rs, i) -> ClipIndex.floats(rs.getArray(1))).list();
                List<String> reasons = filters.reasons(t, row.id(), row.scores(), hashes, embeddings, row.id());
                String now = reasons.isEmpty() ? "READY" : "QUARANTINED";
                if (now.equals(row.status()) && reasons.equals(row.reasons())) {
                    continue;
                }
                if (!now.equals(row.status())) {
                    (reasons.isEmpty() ? readied : quarantined).add(row.id());
                }
                // made in a preview too (so later sources are judged against earlier decisions), then rolled back
                jdbc.sql("update sources set status = :s, quarantine_reasons = :r, updated_at = now() where id = :id")
                        .param("s", now).param("r", reasons.toArray(String[]::new)).param("id", row.id()).update();
                if (apply) {
                    outbox.changed(Outbox.Aggregate.SOURCE, row.id());
                    if (!now.equals(row.status())) {
                        audit.record("source.filters." + (reasons.isEmpty() ? "pass" : "quarantine"), "source", row.id(),
                                Map.of("status", row.status(), "reasons", row.reasons()), Map.of("status", now, "reasons", reasons));
                    }
                }
            }
            if (apply) {
                audit.record("source.filters.reevaluate", "source", null, null, Map.of("checked", rows.size(),
                        "quarantined", quarantined.size(), "readied", readied.size(), "thresholds", t));
            }
            if (!apply) {
                status.setRollbackOnly();
            }
            return new Reevaluation(t, rows.size(), quarantined, readied, apply);
        });
        return java.util.Objects.requireNonNull(result);
    }

    /** Longest caption a person may store, in characters. */
    public static final int MAX_CAPTION_CHARS = 4000;

    /**
     * Replaces a source's caption with one a person wrote (status EDITED: no captioner overwrites it), audited with
     * the caption before and after, and reindexes the source's samples. A blank caption is refused.
     *
     * @throws IllegalArgumentException no such source, or the caption is blank or too long
     */
    public Source editCaption(long id, String caption) {
        String text = caption.replaceAll("[\\p{Cntrl}&&[^\\n]]", " ").strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("A caption must not be empty; use Re-caption to have it written again.");
        }
        if (text.length() > MAX_CAPTION_CHARS) {
            throw new IllegalArgumentException("A caption may be at most " + MAX_CAPTION_CHARS + " characters long.");
        }
        tx.executeWithoutResult(status -> {
            Map<String, Object> before = captionState(id);
            String editor = "person:" + currentUser();
            jdbc.sql("""
                    update sources set caption = :caption, caption_status = 'EDITED', caption_engine = :engine,
                           caption_model = null, caption_error = null, caption_lease_token = null,
                           caption_lease_until = null, captioned_at = now(), updated_at = now()
                    where id = :id""")
                    .param("caption", text).param("engine", editor).param("id", id).update();
            outbox.changed(Outbox.Aggregate.SOURCE, id);
            audit.record("source.caption.edit", "source", id, before,
                    Map.of("caption", text, "caption_status", "EDITED", "caption_engine", editor));
        });
        return find(id).orElseThrow();
    }

    /**
     * Queues sources to be captioned again by the captioner in force (an edited caption too: asking is the
     * person's decision), audited; the current caption stays until the new one is written.
     *
     * @return how many sources were queued (sources not yet probed are skipped)
     */
    public int recaption(java.util.Collection<Long> ids) {
        Integer queued = tx.execute(status -> {
            int n = 0;
            for (long id : ids) {
                Map<String, Object> before = captionState(id);
                int changed = jdbc.sql("""
                        update sources set caption_status = 'PENDING', caption_attempts = 0, caption_error = null,
                               caption_lease_token = null, caption_lease_until = null, updated_at = now()
                        where id = :id and caption_status is not null""")
                        .param("id", id).update();
                if (changed > 0) {
                    n++;
                    audit.record("source.caption.requeue", "source", id, before, Map.of("caption_status", "PENDING"));
                }
            }
            return n;
        });
        return queued == null ? 0 : queued;
    }

    private Map<String, Object> captionState(long id) {
        return jdbc.sql("select caption, caption_status, caption_engine from sources where id = :id").param("id", id)
                .query((rs, i) -> {
                    Map<String, Object> m = new java.util.LinkedHashMap<>();
                    m.put("caption", rs.getString(1));
                    m.put("caption_status", rs.getString(2));
                    m.put("caption_engine", rs.getString(3));
                    return m;
                }).optional().orElseThrow(() -> new IllegalArgumentException("There is no source " + id + "."));
    }

    private static String currentUser() {
        var auth = org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication();
        return auth == null ? "system" : auth.getName();
    }

    private static final String SELECT = """
            select s.*,
                   (select count(*) from source_assets a where a.source_id = s.id and a.kind = 'CLIP') as clip_count,
                   (select a.blob_key from source_assets a where a.source_id = s.id and a.kind = 'THUMBNAIL'
                     order by a.id limit 1) as thumbnail_key
            from sources s""";

    private Source map(ResultSet rs, int row) throws SQLException {
        return new Source(rs.getLong("id"), rs.getString("origin"), rs.getString("origin_ref"), rs.getString("original_name"),
                rs.getString("blob_key"), rs.getLong("size_bytes"), rs.getString("status"),
                (Double) rs.getObject("duration_s"), (Double) rs.getObject("fps"), (Integer) rs.getObject("width"),
                (Integer) rs.getObject("height"), rs.getString("codec"), rs.getString("caption"),
                strings(rs.getArray("tags")), scores(rs.getString("scores")), rs.getString("error"),
                rs.getInt("clip_count"), rs.getString("thumbnail_key"), rs.getTimestamp("created_at").toInstant(),
                rs.getString("caption_status"), rs.getString("caption_engine"), rs.getString("caption_error"),
                strings(rs.getArray("quarantine_reasons")), rs.getString("released_by"));
    }

    private Map<String, Double> scores(@Nullable String text) {
        if (text == null) {
            return Map.of();
        }
        try {
            return json.readValue(text, new TypeReference<Map<String, Double>>() {});
        } catch (RuntimeException e) {
            throw new UncheckedIOException(new IOException("unreadable scores JSON: " + text, e));
        }
    }

    static List<String> strings(@Nullable Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private static String cleanName(String name) {
        String base = name.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1).strip();
        base = base.replaceAll("[\\p{Cntrl}]", "");
        if (base.isEmpty()) {
            base = "unnamed";
        }
        return base.length() > 200 ? base.substring(0, 200) : base;
    }
}
