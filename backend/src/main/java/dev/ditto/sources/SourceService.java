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

    SourceService(JdbcClient jdbc, BlobStore blobs, JobQueue jobs, Outbox outbox, AuditLog audit,
                  SourceProperties properties, TransactionTemplate tx, ObjectMapper json) {
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
        String name = cleanName(originalName);
        SourceProperties limits = properties;
        BlobStore.StoredBlob blob;
        try {
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
     * already marked DUPLICATE or ARCHIVED are left out. Groups are largest first.
     */
    public List<NearDuplicateGroup> nearDuplicateGroups(int maxDistance) {
        record Clip(long sourceId, long hash) {}
        List<Clip> clips = jdbc.sql("""
                select a.source_id, a.phash from source_assets a join sources s on s.id = a.source_id
                where a.kind = 'CLIP' and a.phash is not null and s.status not in ('DUPLICATE', 'ARCHIVED')
                order by a.source_id, a.clip_index""")
                .query((rs, i) -> {
                    try {
                        return new Clip(rs.getLong(1), Long.parseUnsignedLong(rs.getString(2).strip(), 16));
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }).list().stream().filter(java.util.Objects::nonNull).toList();
        Map<Long, Long> parent = new java.util.HashMap<>();
        Map<Long, Integer> closest = new java.util.HashMap<>();
        for (int i = 0; i < clips.size(); i++) {
            for (int j = i + 1; j < clips.size(); j++) {
                Clip a = clips.get(i);
                Clip b = clips.get(j);
                if (a.sourceId() == b.sourceId()) {
                    continue;
                }
                int distance = Long.bitCount(a.hash() ^ b.hash());
                if (distance <= maxDistance) {
                    long ra = root(parent, a.sourceId());
                    long rb = root(parent, b.sourceId());
                    long r = Math.min(ra, rb);
                    parent.put(Math.max(ra, rb), r);
                    parent.putIfAbsent(r, r);
                    int best = Math.min(distance, Math.min(closest.getOrDefault(ra, 64), closest.getOrDefault(rb, 64)));
                    closest.put(r, best);
                }
            }
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
                rs.getString("caption_status"), rs.getString("caption_engine"), rs.getString("caption_error"));
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
