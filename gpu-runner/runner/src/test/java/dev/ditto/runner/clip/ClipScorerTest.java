package dev.ditto.runner.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import dev.ditto.runner.media.DecodedFrame;
import dev.ditto.runner.media.VideoReader;
import dev.ditto.runner.media.VideoWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLIP code on a tiny CLIP written here as ONNX bytes, run by ONNX Runtime through DJL. */
class ClipScorerTest {
    /** The tokenizer.json of a tiny CLIP: "red" and "rain" are whole words after the byte-pair merges. */
    static final String TOKENIZER = """
            {"version": "1.0",
             "added_tokens": [{"id": 5, "content": "<|startoftext|>", "special": true},
                              {"id": 6, "content": "<|endoftext|>", "special": true}],
             "model": {"type": "BPE", "end_of_word_suffix": "</w>",
                       "vocab": {"r": 0, "e": 1, "d": 2, "d</w>": 3, "re": 4, "red</w>": 7, "a": 8, "i": 9,
                                 "n</w>": 10, "ai": 11, "rain</w>": 12, "ain</w>": 13, "b": 14},
                       "merges": ["r e", "re d</w>", "a i", "ai n</w>", "r ain</w>"]}}
            """;
    /** Text embedding table: "red" points at x, "rain" at z, the special tokens at nothing. */
    static final float[][] TABLE = new float[15][3];

    static {
        TABLE[7] = new float[] {1, 0, 0};
        TABLE[12] = new float[] {0, 0, 1};
        TABLE[14] = new float[] {0, 1, 0};
    }

    @TempDir Path temp;

    /** Writes the tiny CLIP's folder. */
    static Path tinyClip(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(ClipScorer.VISION), TinyOnnx.vision(224));
        Files.write(dir.resolve(ClipScorer.TEXT), TinyOnnx.text(77, TABLE));
        Files.writeString(dir.resolve(ClipScorer.TOKENIZER), TOKENIZER);
        return dir;
    }

    @Test
    void theTokenizerMergesByRankAndFramesTheTextWithStartAndEndTokens() throws Exception {
        Files.writeString(temp.resolve("tokenizer.json"), TOKENIZER);
        ClipTokenizer tokenizer = ClipTokenizer.load(temp.resolve("tokenizer.json"), 8);

        long[] ids = tokenizer.encode("  Red\tRAIN ");

        assertThat(ids).containsExactly(5, 7, 12, 6, 6, 6, 6, 6);
        assertThat(tokenizer.length(ids)).isEqualTo(4);
        assertThat(tokenizer.encode("red red red red red red red red")).as("cut to the context, the end token kept")
                .containsExactly(5, 7, 7, 7, 7, 7, 7, 6);
    }

    @Test
    void embeddingsAreWhatTheTowersCompute() throws Exception {
        try (ClipScorer clip = ClipScorer.load(tinyClip(temp.resolve("clip")), 81);
             Mat red = solid(64, 48, 0, 0, 255)) {
            float[] image = clip.imageEmbedding(red);
            // CLIP's normalisation of pure red, averaged over the crop: the tiny vision tower's output
            assertThat(image[0]).isCloseTo((1f - 0.48145466f) / 0.26862954f, within(1e-4f));
            assertThat(image[1]).isCloseTo((0f - 0.4578275f) / 0.26130258f, within(1e-4f));
            assertThat(image[2]).isCloseTo((0f - 0.40821073f) / 0.27577711f, within(1e-4f));

            float[] text = clip.textEmbedding("Red rain");
            assertThat(text[0]).isCloseTo(1f / 77, within(1e-6f));
            assertThat(text[1]).isCloseTo(0f, within(1e-6f));
            assertThat(text[2]).isCloseTo(1f / 77, within(1e-6f));
            assertThat(clip.fileHashes()).containsKeys("vision_model.onnx.sha256", "text_model.onnx.sha256",
                    "tokenizer.json.sha256");
        }
    }

    @Test
    void clipTIsTheMeanFrameTextSimilarityAndClipFTheMeanConsecutiveFrameSimilarity() throws Exception {
        Path reds = video(temp.resolve("red.mp4"), List.of(new int[] {0, 0, 255}, new int[] {0, 0, 255},
                new int[] {0, 0, 255}, new int[] {0, 0, 255}, new int[] {0, 0, 255}));
        Path redToBlue = video(temp.resolve("red-to-blue.mp4"), List.of(new int[] {0, 0, 255}, new int[] {0, 0, 255},
                new int[] {255, 0, 0}, new int[] {255, 0, 0}, new int[] {255, 0, 0}));
        try (ClipScorer clip = ClipScorer.load(tinyClip(temp.resolve("clip")), 81)) {
            ClipScorer.Scores steady = clip.score(reds, "red");
            ClipScorer.Scores changing = clip.score(redToBlue, "red");

            assertThat(steady.frames()).isEqualTo(5);
            assertThat(steady.clipF()).isCloseTo(1.0, within(1e-3));
            assertThat(changing.clipF()).isLessThan(steady.clipF() - 0.1);
            assertThat(changing.clipT()).isLessThan(steady.clipT());
            // recomputed from the decoded frames by the definitions
            List<float[]> frames = new ArrayList<>();
            try (VideoReader reader = VideoReader.open(redToBlue)) {
                while (true) {
                    try (DecodedFrame f = reader.read()) {
                        if (f == null) {
                            break;
                        }
                        frames.add(clip.imageEmbedding(f.image()));
                    }
                }
            }
            float[] text = clip.textEmbedding("red");
            double t = 0;
            double consecutive = 0;
            for (int i = 0; i < frames.size(); i++) {
                t += ClipScorer.cosine(frames.get(i), text);
                if (i > 0) {
                    consecutive += ClipScorer.cosine(frames.get(i - 1), frames.get(i));
                }
            }
            assertThat(changing.clipT()).isCloseTo(t / frames.size(), within(1e-9));
            assertThat(changing.clipF()).isCloseTo(consecutive / (frames.size() - 1), within(1e-9));
        }
        try (ClipScorer firstTwo = ClipScorer.load(tinyClip(temp.resolve("clip2")), 2)) {
            assertThat(firstTwo.score(redToBlue, "red").frames()).as("at most maxFrames are embedded").isEqualTo(2);
        }
    }

    @Test
    void aFolderWithoutTheModelsFilesIsRefusedNamingWhatIsMissing() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("half"));
        Files.write(dir.resolve(ClipScorer.VISION), TinyOnnx.vision(224));

        assertThatThrownBy(() -> ClipScorer.load(dir, 81)).isInstanceOf(IOException.class)
                .hasMessageContaining("has no text_model.onnx");
    }

    static Mat solid(int width, int height, int b, int g, int r) {
        return new Mat(height, width, CV_8UC3, new Scalar(b, g, r, 0));
    }

    /** A 64x64 video of solid frames, BGR colours in order. */
    static Path video(Path file, List<int[]> bgr) throws IOException {
        try (VideoWriter writer = VideoWriter.open(file, 64, 64, 20)) {
            for (int[] c : bgr) {
                try (Mat frame = solid(64, 64, c[0], c[1], c[2])) {
                    writer.write(frame);
                }
            }
        }
        return file;
    }
}
