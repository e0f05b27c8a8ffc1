package dev.ditto.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ClipResultJsonTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aClipFromARunnerOlderThanCaptionsStillParses() {
        String old = """
                {"index":0,"startSeconds":0.0,"endSeconds":3.6,
                 "video":{"key":"v","size":10,"contentType":"video/mp4"},
                 "keyFrame":{"key":"k","size":5,"contentType":"image/jpeg"},
                 "thumbnail":{"key":"t","size":2,"contentType":"image/jpeg"},
                 "scores":{"motion":1.5},"perceptualHash":"00ff"}""";

        ClipResult clip = json.readValue(old, ClipResult.class);

        assertThat(clip.keyFrames()).isNull();
        assertThat(clip.embedding()).isNull();
        assertThat(clip.captionFrames()).extracting(BlobRef::key).containsExactly("k");
    }

    @Test
    void captionFramesRoundTrip() {
        BlobRef a = new BlobRef("a", 1, "image/jpeg");
        BlobRef b = new BlobRef("b", 1, "image/jpeg");
        ClipResult clip = new ClipResult(1, 0, 3.6, a, a, a, Map.of(), "00", List.of(a, b));

        ClipResult back = json.readValue(json.writeValueAsString(clip), ClipResult.class);

        assertThat(back).isEqualTo(clip);
        assertThat(back.captionFrames()).extracting(BlobRef::key).containsExactly("a", "b");
    }

    @Test
    void theEmbeddingRoundTripsAndAWrongSizeIsRefused() {
        BlobRef a = new BlobRef("a", 1, "image/jpeg");
        float[] e = new float[ClipResult.EMBEDDING_DIMENSIONS];
        e[3] = 0.6f;
        e[1279] = 0.8f;
        ClipResult clip = new ClipResult(1, 0, 3.6, a, a, a, Map.of(), "00", List.of(a), e);

        ClipResult back = json.readValue(json.writeValueAsString(clip), ClipResult.class);

        assertThat(back.embedding()).containsExactly(e);
        String wrong = json.writeValueAsString(clip).replace("\"embedding\":[", "\"embedding\":[0.5,");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> json.readValue(wrong, ClipResult.class)))
                .hasStackTraceContaining("clip embedding must have 1280 dimensions, not 1281");
    }
}
