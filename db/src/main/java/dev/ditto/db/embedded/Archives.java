package dev.ditto.db.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Enumeration;
import java.util.EnumSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Unpacks distributions once: into a temporary sibling folder, then renamed into place, so an interrupted
 * unpack never leaves a half-installed server behind.
 */
final class Archives {
    private Archives() {}

    /** Unpacks a {@code .txz} stream into {@code target} unless it is already there. */
    static void unpackTxzOnce(InputStream txz, Path target) throws IOException {
        if (Files.isDirectory(target)) {
            return;
        }
        Path temp = temporarySibling(target);
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(txz))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = safeResolve(temp, entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(out, permissions(entry.getMode()));
                }
            }
        }
        moveIntoPlace(temp, target);
    }

    /** Unpacks a zip file into {@code target} unless it is already there, keeping unix modes. */
    static void unpackZipOnce(Path zip, Path target) throws IOException {
        if (Files.isDirectory(target)) {
            return;
        }
        Path temp = temporarySibling(target);
        try (ZipFile zf = ZipFile.builder().setPath(zip).get()) {
            Enumeration<ZipArchiveEntry> entries = zf.getEntries();
            while (entries.hasMoreElements()) {
                ZipArchiveEntry entry = entries.nextElement();
                Path out = safeResolve(temp, entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = zf.getInputStream(entry)) {
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                }
                int mode = entry.getUnixMode();
                if (mode != 0) {
                    Files.setPosixFilePermissions(out, permissions(mode));
                }
            }
        }
        moveIntoPlace(temp, target);
    }

    private static Path temporarySibling(Path target) throws IOException {
        Files.createDirectories(target.getParent());
        return Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".unpacking-");
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        // temporary folders are created private; the unprivileged service user must be able to enter this one
        Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (!Files.isDirectory(target)) {
                throw e;
            }
            // another process unpacked it first: theirs is as good as ours
            deleteTree(temp);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static Path safeResolve(Path root, String name) throws IOException {
        Path out = root.resolve(name).normalize();
        if (!out.startsWith(root)) {
            throw new IOException("archive entry escapes its folder: " + name);
        }
        return out;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ
        };
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                perms.add(order[i]);
            }
        }
        perms.add(PosixFilePermission.OWNER_READ);
        perms.add(PosixFilePermission.OTHERS_READ);
        return perms;
    }
}
