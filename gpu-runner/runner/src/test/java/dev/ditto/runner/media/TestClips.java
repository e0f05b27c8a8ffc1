package dev.ditto.runner.media;

import dev.ditto.protocol.VideoFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPInputStream;

/** Real test clips from Debian's opencv-doc, unpacked and normalised once per build under {@code target/}. */
public final class TestClips {
    private static final Path DOCS = Path.of("/usr/share/doc/opencv-doc/opencv4/html");
    private static final Path ROOT = Path.of("target", "test-clips");

    private TestClips() {}

    /** Hand rotating a cup, 640×480 H.264 with AAC audio, 8 s (opencv-doc {@code cup.mp4.gz}). */
    public static synchronized Path cup() {
        return unpack("cup.mp4");
    }

    /** Hand moving a box, 640×480 H.264 with MP3 audio, 15 s (opencv-doc {@code box.mp4.gz}). */
    public static synchronized Path box() {
        return unpack("box.mp4");
    }

    /** {@link #cup()} normalised to the Ditto training format (832×480, 73 frames, 20 fps). */
    public static synchronized Path cupNormalised() {
        Path out = ROOT.resolve("cup-832x480x73.mp4");
        if (!Files.exists(out)) {
            try {
                Path tmp = ROOT.resolve("cup-832x480x73.tmp.mp4");
                ClipNormaliser.normaliseFile(cup(), tmp, VideoFormat.DITTO_DEFAULT, 1.0);
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** {@link #box()} from 9 s on (the box on the table, held), normalised to 832×480, 73 frames, 20 fps. */
    public static synchronized Path boxNormalised() {
        Path out = ROOT.resolve("box-832x480x73.mp4");
        if (!Files.exists(out)) {
            try {
                Path tmp = ROOT.resolve("box-832x480x73.tmp.mp4");
                ClipNormaliser.normaliseFile(box(), tmp, VideoFormat.DITTO_DEFAULT, 9.0);
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** A scratch folder under {@code target/} for files a test writes. */
    public static Path scratch(String name) {
        try {
            return Files.createDirectories(ROOT.resolve("scratch").resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path unpack(String name) {
        Path out = ROOT.resolve(name);
        if (Files.exists(out)) {
            return out;
        }
        Path gz = DOCS.resolve(name + ".gz");
        if (!Files.exists(gz)) {
            throw new IllegalStateException(gz + " is missing: install Debian's opencv-doc (apt-get install opencv-doc)");
        }
        try {
            Files.createDirectories(ROOT);
            Path tmp = ROOT.resolve(name + ".tmp");
            try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
