package dev.ditto.imports;

import dev.ditto.sources.IngestException;
import dev.ditto.sources.IngestResult;
import dev.ditto.sources.SourceService;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Imports every video file under a folder that lies inside one of the configured roots. Paths are compared after
 * {@code toRealPath}, so neither {@code ..} nor a symbolic link (to the folder, to a sub-folder or to a file) can
 * reach outside the roots; a link that does is refused as its own item while the others go on. A file with more
 * than one hard link is refused too: a hard link looks like a plain file inside the root but may be a file from
 * anywhere on the same file system. What is refused is only called "not importable", never told apart (missing,
 * outside the roots, a link and where to, unreadable), so the import can't be used to explore the server's disk.
 */
public final class FolderImporter {
    private final SourceService sources;
    private final List<Path> roots;
    private final List<String> extensions;
    private final int maxFiles;
    static final String NOT_IMPORTABLE_FILE = "is not importable (only regular files inside the import roots, "
            + "with no other hard link, are imported).";

    public FolderImporter(SourceService sources, List<Path> roots, List<String> extensions, int maxFiles) {
        this.sources = sources;
        this.roots = List.copyOf(roots);
        this.extensions = List.copyOf(extensions);
        this.maxFiles = maxFiles;
    }

    /**
     * Imports the videos under {@code folder} (recursively).
     *
     * @throws ImportRefusedException folder import disabled, the folder outside the roots, missing or unreadable
     */
    public ImportReport importFolder(String folder) {
        Path dir = checkedFolder(folder);
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(this::hasVideoExtension)
                    .sorted()
                    .limit(maxFiles + 1L)
                    .forEach(files::add);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw notImportable(folder.strip());
        }
        if (files.size() > maxFiles) {
            throw new ImportRefusedException("The folder " + dir + " holds more than " + maxFiles
                    + " videos (ditto.imports.max-files): import its sub-folders one at a time.");
        }
        List<ImportItem> items = new ArrayList<>();
        for (Path file : files) {
            items.add(importFile(file, dir));
        }
        return ImportReport.of(items);
    }

    private ImportItem importFile(Path file, Path dir) {
        String label = dir.relativize(file).toString();
        Path real;
        try {
            real = file.toRealPath();
            if (rootOf(real).isEmpty() || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) || hardLinked(real)) {
                return ImportItem.refused(label, NOT_IMPORTABLE_FILE);
            }
        } catch (IOException | UnsupportedOperationException e) {
            return ImportItem.refused(label, NOT_IMPORTABLE_FILE);
        }
        try (InputStream in = Files.newInputStream(real)) {
            IngestResult result = sources.ingest(in, real.getFileName().toString(), SourceService.Origin.FOLDER, real.toString());
            return ImportItem.imported(label, result.sourceId(), result.duplicate());
        } catch (IngestException e) {
            return ImportItem.refused(label, e.getMessage());
        } catch (IOException e) {
            return ImportItem.refused(label, "could not be read.");
        }
    }

    /** More than one name for the same file: it may be a file from outside the roots linked in. */
    private static boolean hardLinked(Path real) throws IOException {
        Object links = Files.getAttribute(real, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        return !(links instanceof Integer n) || n != 1;
    }

    private Path checkedFolder(String folder) {
        if (roots.isEmpty()) {
            throw new ImportRefusedException("Folder import is disabled: no folder is configured in ditto.imports.roots.");
        }
        String trimmed = folder.strip();
        if (trimmed.isEmpty()) {
            throw new ImportRefusedException("Give the folder to import, as an absolute path inside " + rootNames() + ".");
        }
        Path requested;
        try {
            requested = Path.of(trimmed);
        } catch (java.nio.file.InvalidPathException e) {
            throw new ImportRefusedException("'" + trimmed + "' is not a valid path: " + e.getMessage());
        }
        for (Path part : requested) {
            if (part.toString().equals("..")) {
                throw new ImportRefusedException("'" + trimmed + "' contains '..': give the folder as a plain path inside "
                        + rootNames() + ".");
            }
        }
        if (!requested.isAbsolute()) {
            throw new ImportRefusedException("'" + trimmed + "' is relative: give an absolute path inside " + rootNames() + ".");
        }
        Path real;
        try {
            real = requested.toRealPath();
        } catch (IOException e) {
            throw notImportable(trimmed);
        }
        if (rootOf(real).isEmpty() || !Files.isDirectory(real)) {
            throw notImportable(trimmed);
        }
        return real;
    }

    private ImportRefusedException notImportable(String folder) {
        return new ImportRefusedException("The folder " + folder + " is not importable: give an existing folder inside "
                + rootNames() + ".");
    }

    private Optional<Path> rootOf(Path real) {
        for (Path root : roots) {
            try {
                Path realRoot = root.toRealPath();
                if (real.startsWith(realRoot)) {
                    return Optional.of(realRoot);
                }
            } catch (IOException e) {
                // a configured root that doesn't exist contains nothing
            }
        }
        return Optional.empty();
    }

    private boolean hasVideoExtension(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot > 0 && extensions.contains(name.substring(dot + 1));
    }

    private String rootNames() {
        return roots.stream().map(Path::toString).toList().toString();
    }
}
