package dev.ditto.runner;

import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.GeneratePayload;
import dev.ditto.protocol.GenerateResult;
import dev.ditto.protocol.Provenance;
import dev.ditto.protocol.StageTiming;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The real runner (registration, long-poll claims, heartbeats, leases, uploads, hand-back on SIGTERM) with a trivial
 * GENERATE engine, for the {@code runners} fault drill, which needs a thousand jobs through the queue in minutes: the
 * "edited" video is the source clip itself and the key frame a grey image, and every record says so (engine
 * {@code drill.copy}). Started from the runner jar by Spring Boot's {@code PropertiesLauncher} with {@code loader.main} set to this class and
 * {@code loader.path} to the runner module's test classes,
 * with the runner's own options; never shipped.
 */
public final class DrillCopyRunner {
    private DrillCopyRunner() {}

    public static void main(String[] args) {
        RunnerOptions options = RunnerOptions.parse(args, System.getenv());
        System.exit(RunnerMain.run(options, (payload, input, workDir, sink, progress) -> {
            GeneratePayload p = (GeneratePayload) payload;
            progress.report("copy", 0);
            long t0 = System.nanoTime();
            Path keyFrame = workDir.resolve("key-frame.png");
            ImageIO.write(new BufferedImage(64, 36, BufferedImage.TYPE_BYTE_GRAY), "png", keyFrame.toFile());
            BlobRef video = sink.store("edited.mp4", input, "video/mp4");
            BlobRef frame = sink.store("edited-key-frame.png", keyFrame, "image/png");
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new GenerateResult(1, video, frame, Map.of("edit_strength", 0.0),
                    Map.of("copy", new StageTiming(seconds, seconds, 0)),
                    new Provenance(options.name(), List.of(new Provenance.Stage("copy", "drill.copy",
                            "none: the source clip, unedited (fault drill only)", "1", p.edit().seed()))));
        }));
    }
}
