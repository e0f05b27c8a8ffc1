package dev.ditto.e2e;

import com.google.gson.JsonElement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * A campaign of a journey's own, made through the REST API as a user would: the cup clip uploaded, a runner of its own
 * started, a campaign over the clip, then every instruction's sample judged and indexed. Other journeys' data cannot
 * move what a journey counts in it.
 *
 * @param id   the campaign
 * @param rows its instructions as {@code GET /api/campaigns/{id}/instructions} answers them, each with its sample's status
 */
record OwnCampaign(long id, List<JsonElement> rows) {
    private static final Path CUP = Path.of("/usr/share/doc/opencv-doc/opencv4/html/cup.mp4.gz");
    private static final Set<String> JUDGED = Set.of("IN_REVIEW", "AUTO_REJECTED");

    static OwnCampaign generate(Api api, RunningPlatform platform, String name, int perSource, long seed) {
        long source = api.upload("/api/sources?name=cup.mp4", OwnCampaign::cup).getAsJsonObject().get("sourceId").getAsLong();
        String token = api.post("/api/admin/runners", "{\"name\":\"" + name + "\"}").getAsJsonObject().get("token").getAsString();
        try {
            platform.startRunner(name, token);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        api.await("/api/sources/" + source, s -> s.getAsJsonObject().get("status").getAsString().equals("READY"), Duration.ofMinutes(5));
        long campaign = api.post("/api/campaigns", "{\"name\":\"" + name + "\",\"sourceIds\":[" + source
                + "],\"perSource\":" + perSource + ",\"mix\":{},\"seed\":" + seed + "}").getAsJsonObject().get("id").getAsLong();
        List<JsonElement> rows = api.await("/api/campaigns/" + campaign + "/instructions", r -> !r.getAsJsonArray().isEmpty()
                && r.getAsJsonArray().asList().stream().allMatch(i -> i.getAsJsonObject().has("sampleStatus")
                        && !i.getAsJsonObject().get("sampleStatus").isJsonNull() && JUDGED.contains(i.getAsJsonObject().get("sampleStatus").getAsString())), Duration.ofMinutes(12))
                .getAsJsonArray().asList();
        api.await("/api/search?campaign=" + campaign + "&size=1",
                p -> p.getAsJsonObject().get("total").getAsInt() == rows.size(), Duration.ofMinutes(1));
        return new OwnCampaign(campaign, rows);
    }

    static InputStream cup() {
        try {
            return new GZIPInputStream(Files.newInputStream(CUP));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
