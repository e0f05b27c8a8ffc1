package dev.ditto.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class GenerateResultJsonTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aResultFromARunnerOlderThanFrameStripsStillParses() {
        String old = """
                {"type":"GENERATE","v":1,"editedVideo":{"key":"v","size":10,"contentType":"video/mp4"},
                 "editedKeyFrame":{"key":"k","size":5,"contentType":"image/jpeg"},
                 "metrics":{"warp_error":1.1},"timings":{},
                 "provenance":{"runner":"r","stages":[]}}""";

        GenerateResult result = json.readValue(old, GenerateResult.class);

        assertThat(result.frameStrips()).isNull();
        assertThat(result.metrics()).containsEntry("warp_error", 1.1);
    }

    @Test
    void frameStripsRoundTrip() {
        BlobRef a = new BlobRef("a", 1, "image/jpeg");
        FrameStrips strips = new FrameStrips(List.of(0, 24, 48, 72), 320, 184, a, new BlobRef("b", 2, "image/jpeg"),
                new BlobRef("m", 3, "image/png"));
        GenerateResult result = new GenerateResult(1, a, a, Map.of("edit_strength", 0.1), Map.of(),
                new Provenance("r", List.of()), strips);

        GenerateResult back = json.readValue(json.writeValueAsString(result), GenerateResult.class);

        assertThat(back).isEqualTo(result);
        assertThat(back.frameStrips().frames()).containsExactly(0, 24, 48, 72);
        assertThat(back.frameStrips().mask().key()).isEqualTo("m");
    }
}
