package dev.ditto.releases;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Streams the shipped rows of a release into {@code release_samples} with {@code COPY} on a connection of its own,
 * while the files are written: PostgreSQL stores them on its own core, and no row is written twice (each row
 * carries its final shard ids). Rows become visible on {@link #finish()}; closing without it rolls them back.
 */
final class ReleaseSampleCopy implements AutoCloseable {
    private static final byte[] NULL = {'\\', 'N'};

    private final Connection connection;
    private final PGCopyOutputStream out;
    private final long releaseId;
    private byte[] line = new byte[1024];
    private int length;
    private long rows;
    private boolean finished;

    ReleaseSampleCopy(DataSource dataSource, long releaseId) throws SQLException {
        this.releaseId = releaseId;
        this.connection = dataSource.getConnection();
        try {
            connection.setAutoCommit(false);
            this.out = new PGCopyOutputStream(connection.unwrap(PGConnection.class), """
                    copy release_samples (release_id, sample_id, category, clip_id, instruction, judge_score, verdict_md5,
                                          edited_blob_key, keyframe_blob_key, edited_shard_id, source_shard_id)
                    from stdin""", 1 << 16);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    void row(SampleRow row, long editedShardId, long sourceShardId) throws IOException {
        Object[] cells = {releaseId, row.sampleId(), row.category(), row.clipId(), row.instruction(), row.judgeScore(),
                row.verdictMd5(), row.editedKey(), row.keyframeKey(), editedShardId, sourceShardId};
        length = 0;
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                put((byte) '\t');
            }
            cell(cells[i]);
        }
        put((byte) '\n');
        out.write(line, 0, length);
        rows++;
    }

    long rows() {
        return rows;
    }

    /** Ends the copy and commits the rows. */
    void finish() throws SQLException, IOException {
        out.endCopy();
        connection.commit();
        finished = true;
    }

    @Override
    public void close() throws SQLException {
        try {
            if (!finished) {
                try {
                    if (out.isActive()) {
                        out.cancelCopy();
                    }
                } finally {
                    connection.rollback();
                }
            }
            connection.setAutoCommit(true);
        } finally {
            connection.close();
        }
    }

    private void cell(@Nullable Object value) {
        switch (value) {
            case null -> append(NULL);
            case String text -> text(text);
            default -> ascii(value.toString());
        }
    }

    private void ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            line[length++] = (byte) s.charAt(i);
        }
    }

    /** A text cell in COPY's text format: backslash, tab, line feed and carriage return escaped. */
    private void text(String value) {
        boolean plain = true;
        for (int i = 0; i < value.length() && plain; i++) {
            char ch = value.charAt(i);
            plain = ch >= 0x20 && ch < 0x7f && ch != '\\';
        }
        if (plain) {
            ascii(value);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        ensure(bytes.length * 2);
        for (byte b : bytes) {
            switch (b) {
                case '\\' -> { line[length++] = '\\'; line[length++] = '\\'; }
                case '\t' -> { line[length++] = '\\'; line[length++] = 't'; }
                case '\n' -> { line[length++] = '\\'; line[length++] = 'n'; }
                case '\r' -> { line[length++] = '\\'; line[length++] = 'r'; }
                default -> line[length++] = b;
            }
        }
    }

    private void append(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, line, length, bytes.length);
        length += bytes.length;
    }

    private void put(byte b) {
        ensure(1);
        line[length++] = b;
    }

    private void ensure(int more) {
        if (length + more > line.length) {
            line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, length + more));
        }
    }
}
