package dev.ditto.runner.generate;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's store of {@link SourceAnalysis source analyses}, one file per clip in a folder, named by the clip's
 * sha256 (the server's blob key of the clip) and the analysis format. Bounded: after each store the least recently
 * used files are deleted until the folder holds at most {@code maxBytes}. A damaged or foreign file reads as absent
 * (and is deleted), so the job computes the analysis again; a part found damaged only when a job reads it (each part
 * carries a checksum) fails that job and deletes the file, so its retry computes the analysis again.
 */
public final class SourceAnalysisCache {
    private static final Logger log = LoggerFactory.getLogger(SourceAnalysisCache.class);
    /** Default bound of the folder: a few hundred clips. */
    public static final long DEFAULT_MAX_BYTES = 4L << 30;

    private final Path dir;
    private final long maxBytes;
    private final AtomicLong loads = new AtomicLong();
    private final AtomicLong stores = new AtomicLong();

    public SourceAnalysisCache(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
    }

    /** The folder the analyses are kept in. */
    public Path dir() {
        return dir;
    }

    /** The file the analysis of the clip with this sha256 is kept in. */
    public Path file(String clipSha256) {
        if (!clipSha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a sha256: " + clipSha256);
        }
        return dir.resolve(clipSha256 + ".v" + SourceAnalysis.FORMAT_VERSION + ".dsa");
    }

    /** The stored analysis of the clip, or null when there is none (or it is unreadable). */
    public @Nullable SourceAnalysis load(String clipSha256) {
        Path f = file(clipSha256);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(f), 1 << 20)) {
            SourceAnalysis a = SourceAnalysis.read(in);
            // parts are read (and their checksums checked) when a job uses them: a damaged one deletes the file
            a.onDamaged(() -> {
                log.warn("Source analysis {} has a damaged part; deleted, it will be computed again", f);
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    log.warn("could not delete {}: {}", f, e.toString());
                }
            });
            loads.incrementAndGet();
            try {
                Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis()));
            } catch (IOException e) {
                log.debug("could not touch {}: {}", f, e.toString());
            }
            return a;
        } catch (IOException | RuntimeException e) {
            log.warn("Source analysis {} is unreadable ({}); it will be computed again", f, e.toString());
            try {
                Files.deleteIfExists(f);
            } catch (IOException ignored) {
                // computing again is what matters
            }
            return null;
        }
    }

    /** Keeps the analysis of the clip (atomically: a reader never sees half a file), then trims the folder. */
    public void store(String clipSha256, SourceAnalysis analysis) throws IOException {
        Path f = file(clipSha256);
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, clipSha256, ".tmp");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                analysis.write(out);
            }
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        stores.incrementAndGet();
        trim();
    }

    /** How many analyses were loaded / stored by this instance. */
    public long loads() {
        return loads.get();
    }

    public long stores() {
        return stores.get();
    }

    private synchronized void trim() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".dsa")).toList();
        }
        record Entry(Path path, long size, long time) {}
        List<Entry> entries = new java.util.ArrayList<>();
        long total = 0;
        for (Path p : files) {
            try {
                long size = Files.size(p);
                entries.add(new Entry(p, size, Files.getLastModifiedTime(p).toMillis()));
                total += size;
            } catch (IOException e) {
                // deleted meanwhile
            }
        }
        entries.sort(Comparator.comparingLong(Entry::time));
        for (Entry e : entries) {
            if (total <= maxBytes) {
                break;
            }
            Files.deleteIfExists(e.path());
            total -= e.size();
        }
    }
}
