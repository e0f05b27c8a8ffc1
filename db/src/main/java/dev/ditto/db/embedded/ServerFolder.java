package dev.ditto.db.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the embedded servers' files (binaries, PostgreSQL's cluster, Elasticsearch's data) live for a data folder.
 *
 * <p>PostgreSQL and Elasticsearch refuse to run as root, so as root they run as {@value ProcessRunner#UNPRIVILEGED}.
 * When the data folder lies inside a folder that user cannot enter (root's home, {@code mkdir -m 700}), the servers'
 * files go to {@code <base>/<hash of the data folder>} instead, base {@value #DEFAULT_BASE} (a folder only its
 * owner can list, mode 0711) or {@code DITTO_SERVERS_DIR}. The data folder then holds {@value #POINTER}, naming that
 * folder, so {@code ./ditto} (stop_embedded) and the drills find the servers again. Otherwise the files stay in the
 * data folder itself. Secrets (PostgreSQL's password) always stay in the data folder.
 */
public final class ServerFolder {
    private static final Logger log = LoggerFactory.getLogger(ServerFolder.class);
    /** The file in a data folder naming the folder its servers' files were moved to. */
    public static final String POINTER = "embedded-servers.path";
    static final String DEFAULT_BASE = "/var/lib/ditto-servers";

    private ServerFolder() {}

    /** The servers' folder for {@code dataRoot}, created and announced in the log when it is not the data folder. */
    public static Path of(Path dataRoot) throws IOException {
        String base = System.getenv("DITTO_SERVERS_DIR");
        return of(dataRoot, ProcessRunner.runningAsRoot(), Path.of(base == null || base.isBlank() ? DEFAULT_BASE : base));
    }

    /**
     * The servers' folder for an already set-up data folder, without creating anything: the folder named by its
     * {@value #POINTER}, else the data folder (for tests and drills that read the servers' pid files).
     */
    public static Path existing(Path dataRoot) {
        Path pointer = dataRoot.toAbsolutePath().resolve(POINTER);
        try {
            return Files.exists(pointer) ? Path.of(Files.readString(pointer).strip()) : dataRoot.toAbsolutePath();
        } catch (IOException e) {
            return dataRoot.toAbsolutePath();
        }
    }

    static Path of(Path dataRoot, boolean asRoot, Path base) throws IOException {
        Path root = dataRoot.toAbsolutePath().normalize();
        Files.createDirectories(root);
        Path pointer = root.resolve(POINTER);
        if (Files.exists(pointer)) {
            // moved once: the cluster and the index live there, even if the data folder has been opened since
            Path moved = Path.of(Files.readString(pointer).strip());
            if (Files.isDirectory(moved)) {
                return moved;
            }
        }
        if (!asRoot || closedFolder(root) == null) {
            Files.deleteIfExists(pointer);
            return root;
        }
        base = base.toAbsolutePath().normalize();
        Path folder = base.resolve(hash(root.toRealPath()));
        if (Files.notExists(base)) {
            Files.createDirectories(base);
            // others may pass through to their folder (the servers' user must) but not list the data folders
            Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x"));
        }
        Path blocked = closedFolder(base);
        if (blocked != null) {
            throw new IOException("The embedded servers run as the unprivileged user '" + ProcessRunner.UNPRIVILEGED
                    + "', which can enter neither the data folder " + root + " nor " + base + " (" + blocked
                    + " is closed to others). Set DITTO_SERVERS_DIR to a folder it can reach, or run as a non-root user.");
        }
        Files.createDirectories(folder);
        Files.writeString(pointer, folder + "\n", StandardCharsets.UTF_8);
        log.info("The embedded servers run as '{}', which cannot enter {}: their files are in {} (named in {})",
                ProcessRunner.UNPRIVILEGED, blockedOrRoot(root), folder, pointer);
        return folder;
    }

    private static Path blockedOrRoot(Path root) throws IOException {
        Path blocked = closedFolder(root);
        return blocked == null ? root : blocked;
    }

    /** The nearest of {@code dir} and its existing ancestors that others cannot enter, or null when every one is open. */
    static Path closedFolder(Path dir) throws IOException {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                return p;
            }
        }
        return null;
    }

    private static String hash(Path root) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(root.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
