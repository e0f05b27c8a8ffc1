package dev.ditto.releases;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A file being written that counts its bytes and hashes them (sha256) on the way, so nothing is read twice. */
final class HashingOutput extends FilterOutputStream {
    private final MessageDigest sha = sha256();
    private long size;
    private boolean closed;

    HashingOutput(Path file) throws IOException {
        super(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        sha.update((byte) b);
        size++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        sha.update(b, off, len);
        size += len;
    }

    long size() {
        return size;
    }

    /** Closes the file and returns its size and sha256. */
    FileDigest finish() throws IOException {
        close();
        return new FileDigest(size, HexFormat.of().formatHex(sha.digest()));
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            super.close();
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Size and sha256 of a written file. */
    record FileDigest(long size, String sha256) {}

    /** An output stream that the caller may close without closing the file underneath (for writers that close). */
    static OutputStream unclosable(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        };
    }
}
