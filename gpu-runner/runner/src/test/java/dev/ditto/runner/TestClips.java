package dev.ditto.runner;

import dev.ditto.protocol.BlobRef;
import dev.ditto.runner.client.RunnerClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Real demo clips from Debian's opencv-doc, unpacked for tests, and a recording artefact sink. */
public final class TestClips {
    private static final Path DOCS = Path.of("/usr/share/doc/opencv-doc/opencv4/html");

    private TestClips() {}

    /** "hand rotating a cup", 8 s, H.264 640×480, gunzipped into {@code dir}. */
    public static Path cup(Path dir) throws IOException {
        return gunzip(DOCS.resolve("cup.mp4.gz"), dir.resolve("cup.mp4"));
    }

    /** "hand moving a box", 15 s, H.264 640×480. */
    public static Path box(Path dir) throws IOException {
        return gunzip(DOCS.resolve("box.mp4.gz"), dir.resolve("box.mp4"));
    }

    private static Path gunzip(Path gz, Path target) throws IOException {
        if (!Files.exists(target)) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(gz)); OutputStream out = Files.newOutputStream(target)) {
                in.transferTo(out);
            }
        }
        return target;
    }

    /** An {@link ArtifactSink} that copies artefacts into a folder and remembers them. */
    public static final class RecordingSink implements ArtifactSink {
        private final Path dir;
        private final List<Path> stored = new ArrayList<>();

        public RecordingSink(Path dir) throws IOException {
            this.dir = Files.createDirectories(dir);
        }

        @Override
        public synchronized BlobRef store(String name, Path file, String contentType) throws IOException {
            Path copy = dir.resolve(name);
            Files.copy(file, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            stored.add(copy);
            return new BlobRef(RunnerClient.sha256Hex(copy), Files.size(copy), contentType);
        }

        /** Where artefact {@code name} was copied. */
        public Path file(String name) {
            return dir.resolve(name);
        }

        public synchronized List<Path> stored() {
            return List.copyOf(stored);
        }
    }
}
