package dev.ditto.jobs;

import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.ProbePayload;
import dev.ditto.protocol.ProbeResult;
import dev.ditto.protocol.Provenance;
import dev.ditto.protocol.StageTiming;
import dev.ditto.protocol.VideoFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Small, valid protocol records for queue tests. */
public final class JobFixtures {
    private JobFixtures() {}

    /** A PROBE payload for a source that needs no row (the tests' results carry no clips). */
    public static ProbePayload aProbePayload() {
        return aProbePayloadOf(new BlobRef("0".repeat(64), 1, "video/mp4"));
    }

    public static ProbePayload aProbePayloadOf(BlobRef video) {
        return new ProbePayload(1, 0, video, "clip-" + UUID.randomUUID() + ".mp4", VideoFormat.DITTO_DEFAULT, 2.0, 8.0);
    }

    /** A PROBE result with no clips (the source handler then only notes that nothing was cut). */
    public static ProbeResult aProbeResult() {
        return new ProbeResult(1, 6.0, 25.0, 640, 480, "h264", List.of(), List.of("test"),
                Map.of("decode", new StageTiming(0.5, 0.4, 0.0)),
                new Provenance("test-runner", List.of(new Provenance.Stage("probe", "builtin", "none", "1", 0))));
    }

    /** A unique runner name. */
    public static String aRunnerName() {
        return "runner-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
