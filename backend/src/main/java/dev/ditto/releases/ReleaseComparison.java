package dev.ditto.releases;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.stereotype.Service;

/**
 * A release compared with any other release (not only the previous version of its name): every sample added,
 * removed or changed (instruction, judge score, verdict, video), a page at a time or all of it as CSV. The comparison
 * is computed from {@code release_samples} on every request, streamed, so its memory does not grow with the release.
 */
@Service
public class ReleaseComparison {
    /** How a sample differs. */
    public enum Kind { ADDED, REMOVED, CHANGED }

    /** The largest page. */
    public static final int MAX_PAGE = 1000;

    private final ReleaseCatalog catalog;
    private final ReleaseSnapshot snapshot;

    ReleaseComparison(ReleaseCatalog catalog, DataSource dataSource, ReleaseProperties properties) {
        this.catalog = catalog;
        this.snapshot = new ReleaseSnapshot(dataSource, properties);
    }

    /** One sample that differs. */
    public record Row(long sampleId, Kind kind, List<String> fields) {}

    /**
     * One page of the comparison of {@code release} against {@code against}: the totals of each kind, and the rows
     * {@code offset} to {@code offset + limit} in sample-id order.
     */
    public record Page(long releaseId, String release, long againstId, String against, long added, long removed,
                       long changed, int offset, int limit, List<Row> rows) {}

    /** The two releases compared; 404 when either is unknown, 422 when they are the same. */
    public record Pair(Release release, Release against) {}

    public Page page(long releaseId, long againstId, int offset, int limit) {
        Pair pair = pair(releaseId, againstId);
        Release r = pair.release();
        Release a = pair.against();
        long[] totals = new long[3];
        long[] index = {0};
        List<Row> rows = new ArrayList<>();
        int size = Math.max(1, Math.min(limit, MAX_PAGE));
        run(releaseId, againstId, row -> {
            totals[row.kind().ordinal()]++;
            if (index[0] >= offset && rows.size() < size) {
                rows.add(new Row(row.sampleId(), row.kind(), row.fields()));
            }
            index[0]++;
        });
        return new Page(releaseId, label(r), againstId, label(a), totals[0], totals[1], totals[2], offset, size,
                List.copyOf(rows));
    }

    /** Every differing sample as CSV: {@code sample_id,change,fields} (fields separated by {@code ;}). */
    public void csv(long releaseId, long againstId, Writer out) throws IOException {
        pair(releaseId, againstId);
        out.write("sample_id,change,fields\n");
        try {
            run(releaseId, againstId, row -> {
                try {
                    out.write(row.sampleId() + "," + row.kind().name().toLowerCase(java.util.Locale.ROOT) + ","
                            + String.join(";", row.fields()) + "\n");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        out.flush();
    }

    /** Checks the pair before anything is streamed (an error mid-stream can no longer become a problem detail). */
    public Pair pair(long releaseId, long againstId) {
        Release r = catalog.get(releaseId);
        Release a = catalog.get(againstId);
        if (releaseId == againstId) {
            throw new ReleaseException(ReleaseException.Reason.INVALID,
                    "a release compared with itself has no differences; give another release's id in 'against'");
        }
        return new Pair(r, a);
    }

    private void run(long releaseId, long againstId, java.util.function.Consumer<ReleaseSnapshot.DiffRow> rows) {
        try {
            snapshot.compare(releaseId, againstId, rows);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ReleaseException(ReleaseException.Reason.FAILED, "comparing the releases failed: " + e.getMessage());
        }
    }

    private static String label(Release r) {
        return r.name() + " " + r.version();
    }
}
