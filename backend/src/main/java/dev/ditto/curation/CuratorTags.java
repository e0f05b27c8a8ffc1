package dev.ditto.curation;

import dev.ditto.audit.AuditLog;
import dev.ditto.outbox.Outbox;
import java.sql.Array;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Curators' own tags on samples ({@code samples.tags}), added and removed in bulk from the search view or the API.
 * Every sample whose tags change gets an outbox event (the index follows) and an audit entry with its tags before
 * and after. A sample's document also carries its source's tags; those are the source's and stay.
 */
@Service
public class CuratorTags {
    /** The most samples one call may tag: a page of search results is at most 200. */
    public static final int MAX_SAMPLES = 1000;
    private static final Pattern TAG = Pattern.compile("[a-z0-9 _-]{1,40}");

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Outbox outbox;
    private final AuditLog audit;

    CuratorTags(JdbcClient jdbc, Clock clock, Outbox outbox, AuditLog audit) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.outbox = outbox;
        this.audit = audit;
    }

    /**
     * Adds {@code addTags} to and removes {@code removeTags} from every sample of {@code sampleIds}, in one statement.
     * Tags are trimmed and lower-cased first.
     *
     * @throws InvalidTagException a tag is not 1–40 characters of a–z, 0–9, space, '_' or '-', or is both added and
     *                             removed, or there is nothing to do
     */
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    @Transactional
    public TagResult tagAll(String username, Collection<Long> sampleIds, Collection<String> addTags, Collection<String> removeTags) {
        Set<String> add = normalised(addTags);
        Set<String> remove = normalised(removeTags);
        if (add.isEmpty() && remove.isEmpty()) {
            throw new InvalidTagException("", "give at least one tag to add or remove");
        }
        for (String tag : add) {
            if (remove.contains(tag)) {
                throw new InvalidTagException(tag, "it cannot be added and removed at once");
            }
        }
        Set<Long> ids = new LinkedHashSet<>(sampleIds);
        if (ids.size() > MAX_SAMPLES) {
            throw new IllegalArgumentException("Tag at most " + MAX_SAMPLES + " samples at a time, not " + ids.size() + ".");
        }
        ActingUser.id(jdbc, username, "tag");
        Map<Long, List<String>> before = new LinkedHashMap<>();
        jdbc.sql("select id, tags from samples where id = any(cast(:ids as bigint[])) order by id for update")
                .param("ids", ReviewService.array(ids))
                .query(rs -> {
                    before.put(rs.getLong(1), strings(rs.getArray(2)));
                });
        Map<Long, List<String>> changed = new LinkedHashMap<>();
        // keeps the order tags were given in: the sample's own first, then the added ones
        jdbc.sql("""
                update samples s set updated_at = :now, tags = array(
                    select t from unnest(s.tags || cast(:add as text[])) with ordinality as u(t, n)
                    where t <> all(cast(:remove as text[])) group by t order by min(n))
                where s.id = any(cast(:ids as bigint[]))
                  and (not s.tags @> cast(:add as text[]) or s.tags && cast(:remove as text[]))
                returning s.id, s.tags""")
                .param("now", Timestamp.from(clock.instant())).param("add", texts(add)).param("remove", texts(remove))
                .param("ids", ReviewService.array(ids))
                .query(rs -> {
                    changed.put(rs.getLong(1), strings(rs.getArray(2)));
                });
        for (Map.Entry<Long, List<String>> e : changed.entrySet()) {
            outbox.changed(Outbox.Aggregate.SAMPLE, e.getKey());
            audit.record("sample.tags", "sample", e.getKey(), Map.of("tags", before.get(e.getKey())), Map.of("tags", e.getValue()));
        }
        List<Long> unchanged = new ArrayList<>();
        List<Long> missing = new ArrayList<>();
        for (long id : ids) {
            if (!before.containsKey(id)) {
                missing.add(id);
            } else if (!changed.containsKey(id)) {
                unchanged.add(id);
            }
        }
        return new TagResult(changed, unchanged, missing);
    }

    /** The tag as stored: trimmed and lower-cased. */
    public static String normalise(@Nullable String tag) {
        String value = tag == null ? "" : tag.strip().toLowerCase(Locale.ROOT);
        if (!TAG.matcher(value).matches()) {
            throw new InvalidTagException(tag == null ? "" : tag, value.length() > 40 ? "it is longer than 40 characters"
                    : "use 1 to 40 characters of a–z, 0–9, space, '_' or '-'");
        }
        return value;
    }

    private static Set<String> normalised(Collection<String> tags) {
        return tags.stream().map(CuratorTags::normalise).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** A text[] literal: every tag quoted (tags may hold spaces; they never hold quotes or backslashes). */
    private static String texts(Collection<String> tags) {
        return tags.stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(",", "{", "}"));
    }

    private static List<String> strings(@Nullable Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}
