package dev.ditto.releases;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * Publishes to a local folder: copies each file the folder does not already hold byte for byte (so a new version
 * copies only what changed), and removes files the folder's previous manifest listed that this one does not. Only
 * folders inside {@code ditto.releases.publish-roots} (comma-separated; default {@code <data-dir>/published}) are
 * written to, judged after resolving every symbolic link of the part that exists, both when the publication is
 * asked for and again when it runs.
 */
@Component
public class FolderPublisher implements ReleasePublisher {
    private final ObjectMapper json;
    private final List<Path> roots;

    public FolderPublisher(ObjectMapper json,
                           @Value("${ditto.releases.publish-roots:${ditto.data-dir:./data}/published}") String roots) {
        this.json = json;
        this.roots = Arrays.stream(roots.split(",")).map(String::strip).filter(r -> !r.isEmpty())
                .map(r -> Path.of(r).toAbsolutePath().normalize()).toList();
    }

    @Override
    public void checkDestination(String destination) {
        checkedDestination(destination);
    }

    private Path checkedDestination(String destination) {
        Path dest;
        try {
            dest = Path.of(destination);
        } catch (InvalidPathException e) {
            throw new ReleaseException(ReleaseException.Reason.INVALID, "'" + destination + "' is not a valid path");
        }
        if (!dest.isAbsolute()) {
            throw new ReleaseException(ReleaseException.Reason.INVALID, "a folder destination must be an absolute path inside "
                    + roots + " (ditto.releases.publish-roots)");
        }
        Path real = resolved(dest.normalize());
        for (Path root : roots) {
            if (real.startsWith(resolved(root))) {
                return real;
            }
        }
        throw new ReleaseException(ReleaseException.Reason.INVALID, "releases are published only to folders inside "
                + roots + " (ditto.releases.publish-roots)");
    }

    /** The path with every symbolic link of its longest existing part resolved. */
    private static Path resolved(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(path)).normalize();
        } catch (IOException e) {
            return path;
        }
    }

    @Override
    public Target target() {
        return Target.FOLDER;
    }

    @Override
    public Outcome publish(Job job) throws IOException {
        Path dest = checkedDestination(job.destination());
        Files.createDirectories(dest);
        ReleaseManifest manifest = job.manifest();
        job.tracker().totals(manifest.files().size(), manifest.totalBytes());
        Set<String> keep = new HashSet<>();
        manifest.files().forEach(f -> keep.add(f.path()));
        Set<String> stale = new HashSet<>();
        if (Files.exists(dest.resolve(DatasetLayout.MANIFEST))) {
            for (ReleaseManifest.FileEntry old : ReleaseManifest.read(dest, json).files()) {
                if (!keep.contains(old.path())) {
                    stale.add(old.path());
                }
            }
        }
        for (ReleaseManifest.FileEntry file : manifest.files()) {
            if (file.path().equals(DatasetLayout.MANIFEST)) {
                continue;
            }
            copyIfChanged(job.files(), dest, file, job.tracker());
        }
        for (String path : stale) {
            Files.deleteIfExists(resolveInside(dest, path));
        }
        // the manifest goes last: a folder whose manifest names a version holds all of that version
        ReleaseManifest.FileEntry manifestEntry = manifest.files().stream()
                .filter(f -> f.path().equals(DatasetLayout.MANIFEST)).findFirst().orElseThrow();
        copyIfChanged(job.files(), dest, manifestEntry, job.tracker());
        return new Outcome(null, dest.toUri().toString());
    }

    private static void copyIfChanged(ReleaseFiles from, Path dest, ReleaseManifest.FileEntry file, PublicationTracker tracker)
            throws IOException {
        tracker.checkpoint();
        Path target = resolveInside(dest, file.path());
        if (Files.isRegularFile(target) && Files.size(target) == file.size()
                && ReleaseManifest.sha256(target).equals(file.sha256())) {
            tracker.advance(1, 0);
            return;
        }
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling(target.getFileName() + ".part");
        try (java.io.InputStream in = from.open(file.path())) {
            Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        tracker.advance(1, file.size());
    }

    private static Path resolveInside(Path root, String relative) {
        Path p = root.resolve(relative).normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException("manifest path '" + relative + "' leaves the destination folder");
        }
        return p;
    }
}
