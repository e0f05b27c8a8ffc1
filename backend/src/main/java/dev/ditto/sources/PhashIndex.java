package dev.ditto.sources;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Finds clips whose 64-bit perceptual hash lies within Hamming distance {@code k} of a given one without comparing
 * every pair (multi-index hashing). The hash is stored as a bigint in four indexed 16-bit bands
 * ({@code source_assets.phash_b0..b3}); two hashes within distance {@code k} differ in at most {@code k} bits, so at
 * least one band differs in at most {@code floor(k/4)} of its 16 bits (pigeonhole). The look-up asks each band's
 * btree index for the query's band XOR every 16-bit mask of at most {@code floor(k/4)} bits (1 value for k ≤ 3, 17 for
 * k ≤ 7, 137 for k ≤ 11, 697 for k ≤ 15), then verifies each candidate exactly with {@code bit_count(a # b)}.
 */
@Component
public class PhashIndex {
    /** Largest distance answered (band radius 3: 697 masks per band). */
    public static final int MAX_DISTANCE = 15;

    private final JdbcClient jdbc;

    PhashIndex(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Serialises near-duplicate decisions until the caller's transaction ends, so two look-alike sources whose probes
     * complete at the same moment cannot both become READY without seeing each other.
     */
    public void lockDecisions() {
        jdbc.sql("select pg_advisory_xact_lock(hashtext('ditto.sources.near-duplicates'))").query((rs, i) -> 1).list();
    }

    /** A clip near the query hash. */
    public record Neighbour(long sourceId, long clipId, long hash, int distance) {}

    /** The hash as stored by runners (16 hex digits), or null when it is not one. */
    public static @Nullable Long parse(@Nullable String hex) {
        if (hex == null) {
            return null;
        }
        String h = hex.strip();
        if (h.length() != 16) {
            return null;
        }
        try {
            return HexFormat.fromHexDigitsToLong(h);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The 16-bit band {@code b} (0 = the top bits) of a hash, as the generated columns compute it. */
    static int band(long hash, int b) {
        return (int) ((hash >>> (48 - 16 * b)) & 0xFFFF);
    }

    /** Every 16-bit value with at most {@code radius} bits set. */
    static int[] masks(int radius) {
        List<Integer> out = new ArrayList<>();
        for (int m = 0; m < 1 << 16; m++) {
            if (Integer.bitCount(m) <= radius) {
                out.add(m);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static final int[][] MASKS = {masks(0), masks(1), masks(2), masks(3)};

    /**
     * Clips within {@code k} bits of {@code hash}, closest first, from sources other than {@code excludeSource}
     * whose status is one of {@code statuses} and (when {@code belowSourceId} is set) whose id is lower.
     */
    public List<Neighbour> neighbours(long hash, int k, long excludeSource, Collection<String> statuses,
                                      @Nullable Long belowSourceId) {
        if (k < 0) {
            return List.of();
        }
        if (k > MAX_DISTANCE) {
            throw new IllegalArgumentException("Near-duplicate distance is at most " + MAX_DISTANCE + " bits, not " + k + ".");
        }
        int[] masks = MASKS[k / 4];
        Integer[][] bands = new Integer[4][masks.length];
        for (int b = 0; b < 4; b++) {
            int v = band(hash, b);
            for (int i = 0; i < masks.length; i++) {
                bands[b][i] = v ^ masks[i];
            }
        }
        return jdbc.sql("""
                select a.source_id, a.id, a.phash64, bit_count((a.phash64 # :h)::bit(64))::int as d
                from source_assets a join sources s on s.id = a.source_id
                where a.phash64 is not null
                  and (a.phash_b0 = any(:b0) or a.phash_b1 = any(:b1) or a.phash_b2 = any(:b2) or a.phash_b3 = any(:b3))
                  and bit_count((a.phash64 # :h)::bit(64)) <= :k
                  and a.source_id <> :exclude and s.status = any(:statuses)
                  and (cast(:below as bigint) is null or a.source_id < :below)
                order by d, a.source_id, a.id""")
                .param("h", hash).param("k", k).param("exclude", excludeSource)
                .param("b0", bands[0]).param("b1", bands[1]).param("b2", bands[2]).param("b3", bands[3])
                .param("statuses", statuses.toArray(String[]::new)).param("below", belowSourceId)
                .query((rs, i) -> new Neighbour(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getInt(4))).list();
    }

    /** A pair of sources with clips within the distance asked for, and the closest distance between them. */
    public record Pair(long a, long b, int distance) {}

    /**
     * Every pair of distinct sources (a &lt; b) not set aside (DUPLICATE, ARCHIVED) with clips within {@code k} bits,
     * found by joining each band on equality with the other side's band XOR a mask; never all pairs.
     */
    public List<Pair> pairs(int k) {
        if (k < 0 || k > MAX_DISTANCE) {
            throw new IllegalArgumentException("Near-duplicate distance must be between 0 and " + MAX_DISTANCE + " bits.");
        }
        Integer[] masks = java.util.Arrays.stream(MASKS[k / 4]).boxed().toArray(Integer[]::new);
        StringBuilder union = new StringBuilder();
        for (int b = 0; b < 4; b++) {
            union.append(b == 0 ? "" : " union ").append("""
                    select x.source_id as sa, y.source_id as sb, bit_count((x.phash64 # y.phash64)::bit(64))::int as d
                    from clips x cross join unnest(cast(:masks as int[])) m(mask)
                    join clips y on y.phash_bN = (x.phash_bN # m.mask)
                    where x.source_id < y.source_id and bit_count((x.phash64 # y.phash64)::bit(64)) <= :k
                    """.replace("phash_bN", "phash_b" + b));
        }
        return jdbc.sql("""
                with clips as materialized (
                    select a.source_id, a.phash64, a.phash_b0, a.phash_b1, a.phash_b2, a.phash_b3
                    from source_assets a join sources s on s.id = a.source_id
                    where a.phash64 is not null and s.status not in ('DUPLICATE', 'ARCHIVED'))
                select sa, sb, min(d) from (""" + union + ") p group by sa, sb order by sa, sb")
                .param("masks", masks).param("k", k)
                .query((rs, i) -> new Pair(rs.getLong(1), rs.getLong(2), rs.getInt(3))).list();
    }
}
