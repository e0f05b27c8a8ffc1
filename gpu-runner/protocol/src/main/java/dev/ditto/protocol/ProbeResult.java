package dev.ditto.protocol;

import java.util.List;
import java.util.Map;

/** Result of PROBE: what the source is, and the clips cut from it. */
public record ProbeResult(int v, double durationSeconds, double fps, int width, int height, String codec,
                          List<ClipResult> clips, List<String> tags, Map<String, StageTiming> timings,
                          Provenance provenance) implements JobResult {
    public ProbeResult {
        clips = List.copyOf(clips);
        tags = List.copyOf(tags);
        timings = Map.copyOf(timings);
    }
}
