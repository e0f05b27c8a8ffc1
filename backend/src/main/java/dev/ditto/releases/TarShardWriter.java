package dev.ditto.releases;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes an uncompressed POSIX ustar archive entry by entry, hashing it on the way. Every header field that could
 * vary (owner, time, mode) is fixed, so the same entries always give byte-identical shards.
 */
final class TarShardWriter implements Closeable {
    static final int BLOCK = 512;
    /** 2024-01-01T00:00:00Z: a fixed mtime keeps shards reproducible. */
    private static final long MTIME = 1_704_067_200L;
    private static final byte[] ZEROS = new byte[BLOCK * 2];

    private final HashingOutput out;
    private final byte[] buffer = new byte[1 << 16];
    private int entries;

    TarShardWriter(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        this.out = new HashingOutput(file);
    }

    /** Bytes one entry of {@code size} bytes adds to an archive. */
    static long entryBytes(long size) {
        return BLOCK + (size + BLOCK - 1) / BLOCK * BLOCK;
    }

    /** Bytes the archive has so far, without the end-of-archive blocks. */
    long size() {
        return out.size();
    }

    int entries() {
        return entries;
    }

    /** Appends a regular file {@code name} with the bytes of {@code content}, which must be {@code size} long. */
    void add(String name, Content content, long size) throws IOException {
        long copied = 0;
        try (InputStream in = content.open()) {
            out.write(header(name, size));
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                copied += n;
            }
        }
        if (copied != size) {
            throw new IOException("blob " + content + " archived as " + name + " has " + copied
                    + " bytes where " + size + " were recorded (changed or truncated in the blob store)");
        }
        int pad = (int) ((BLOCK - size % BLOCK) % BLOCK);
        out.write(ZEROS, 0, pad);
        entries++;
    }

    /** An entry's bytes, opened when the entry is written. */
    @FunctionalInterface
    interface Content {
        InputStream open() throws IOException;
    }

    /** Writes the end-of-archive blocks and closes the file. */
    HashingOutput.FileDigest finish() throws IOException {
        out.write(ZEROS, 0, ZEROS.length);
        return out.finish();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    static byte[] header(String name, long size) {
        byte[] h = new byte[BLOCK];
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= 100) {
            System.arraycopy(bytes, 0, h, 0, bytes.length);
        } else {
            int split = name.lastIndexOf('/', Math.min(name.length() - 1, 155));
            byte[] prefix = name.substring(0, Math.max(split, 0)).getBytes(StandardCharsets.UTF_8);
            byte[] rest = name.substring(split + 1).getBytes(StandardCharsets.UTF_8);
            if (split <= 0 || prefix.length > 155 || rest.length > 100) {
                throw new IllegalArgumentException("path too long for a ustar entry: " + name);
            }
            System.arraycopy(rest, 0, h, 0, rest.length);
            System.arraycopy(prefix, 0, h, 345, prefix.length);
        }
        octal(h, 100, 8, 0644);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, MTIME);
        h[156] = '0';
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
        h[263] = '0';
        h[264] = '0';
        System.arraycopy("ditto".getBytes(StandardCharsets.US_ASCII), 0, h, 265, 5);
        System.arraycopy("ditto".getBytes(StandardCharsets.US_ASCII), 0, h, 297, 5);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        h[155] = ' ';
        return h;
    }

    /** Writes {@code value} as zero-padded octal digits followed by a NUL, in {@code length} bytes. */
    private static void octal(byte[] h, int offset, int length, long value) {
        String digits = Long.toOctalString(value);
        if (digits.length() > length - 1) {
            throw new IllegalArgumentException("value " + value + " does not fit a " + length + "-byte tar field");
        }
        String padded = "0".repeat(length - 1 - digits.length()) + digits;
        System.arraycopy(padded.getBytes(StandardCharsets.US_ASCII), 0, h, offset, length - 1);
        h[offset + length - 1] = 0;
    }
}
