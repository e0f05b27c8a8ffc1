package dev.ditto.runner.clip;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import dev.ditto.runner.media.DecodedFrame;
import dev.ditto.runner.media.VideoReader;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * CLIP-T and CLIP-F of a video, as video-editing papers report them: CLIP-T is the mean cosine similarity between
 * each frame's CLIP image embedding and the instruction's text embedding; CLIP-F the mean cosine similarity of
 * consecutive frames' image embeddings. The model is a folder with the ONNX exports of CLIP's two towers and its
 * tokenizer, as the Hugging Face ONNX exports of CLIP lay them out: {@code vision_model.onnx} ({@code pixel_values}
 * [1, 3, S, S] → {@code image_embeds}), {@code text_model.onnx} ({@code input_ids} [1, 77] int64, and
 * {@code attention_mask} if it asks for one → {@code text_embeds}) and {@code tokenizer.json}. Frames are
 * preprocessed as CLIP's processor does: shorter side resized to S (bicubic), centre crop, RGB, CLIP's mean and std.
 * One model serves one call at a time.
 */
public final class ClipScorer implements AutoCloseable {
    public static final String VISION = "vision_model.onnx";
    public static final String TEXT = "text_model.onnx";
    public static final String TOKENIZER = "tokenizer.json";
    private static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    private static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};
    private static final int CONTEXT = 77;

    private final Path dir;
    private final ClipTokenizer tokenizer;
    private final ZooModel<NDList, NDList> vision;
    private final ZooModel<NDList, NDList> text;
    private final Predictor<NDList, NDList> visionPredictor;
    private final Predictor<NDList, NDList> textPredictor;
    private final int imageSize;
    private final boolean attentionMask;
    private final int maxFrames;
    private final Map<String, String> sha256 = new TreeMap<>();

    private ClipScorer(Path dir, int maxFrames) throws IOException {
        this.dir = dir;
        this.maxFrames = maxFrames;
        for (String f : List.of(VISION, TEXT, TOKENIZER)) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new IOException("the CLIP model folder " + dir + " has no " + f + " (it needs " + VISION + ", "
                        + TEXT + " and " + TOKENIZER + ", as the Hugging Face ONNX exports of CLIP lay them out)");
            }
        }
        for (String f : List.of(VISION, TEXT, TOKENIZER)) {
            sha256.put(f + ".sha256", sha256(dir.resolve(f)));
        }
        this.tokenizer = ClipTokenizer.load(dir.resolve(TOKENIZER), CONTEXT);
        this.vision = load(dir.resolve(VISION));
        this.text = load(dir.resolve(TEXT));
        this.visionPredictor = vision.newPredictor();
        this.textPredictor = text.newPredictor();
        Shape pixels = vision.describeInput() == null ? null : vision.describeInput().get(0).getValue();
        long side = pixels != null && pixels.dimension() == 4 ? pixels.get(3) : -1;
        this.imageSize = side > 0 ? (int) side : 224;
        this.attentionMask = text.describeInput() != null
                && text.describeInput().keys().stream().anyMatch(k -> k.equals("attention_mask"));
    }

    /** Loads the CLIP model in {@code dir}; {@code maxFrames} frames at most are embedded per video (from the start). */
    public static ClipScorer load(Path dir, int maxFrames) throws IOException {
        System.setProperty("ai.djl.offline", "true");
        return new ClipScorer(dir.toAbsolutePath().normalize(), maxFrames);
    }

    private static ZooModel<NDList, NDList> load(Path onnx) throws IOException {
        Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(onnx)
                .optEngine("OnnxRuntime").optTranslator(new NoopTranslator()).build();
        try {
            return criteria.loadModel();
        } catch (ModelNotFoundException | MalformedModelException e) {
            throw new IOException("cannot load CLIP model " + onnx + ": " + e.getMessage(), e);
        }
    }

    /** The folder the model was loaded from. */
    public Path dir() {
        return dir;
    }

    /** The sha256 of each of the model's files ({@code vision_model.onnx.sha256} → hex), for provenance. */
    public Map<String, String> fileHashes() {
        return Map.copyOf(sha256);
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** CLIP-T and CLIP-F of a video and the instruction it was edited with. */
    public record Scores(double clipT, double clipF, int frames) {}

    /** Scores the video's frames (at most the configured number) against the instruction. */
    public synchronized Scores score(Path video, String instruction) throws IOException {
        float[] textEmbedding = textEmbedding(instruction);
        List<float[]> frames = new ArrayList<>();
        try (VideoReader reader = VideoReader.open(video)) {
            while (frames.size() < maxFrames) {
                try (DecodedFrame frame = reader.read()) {
                    if (frame == null) {
                        break;
                    }
                    frames.add(imageEmbedding(frame.image()));
                }
            }
        }
        if (frames.isEmpty()) {
            throw new IOException("no frame could be read from " + video + " to score with CLIP");
        }
        double t = 0;
        for (float[] f : frames) {
            t += cosine(f, textEmbedding);
        }
        double consecutive = 0;
        for (int i = 1; i < frames.size(); i++) {
            consecutive += cosine(frames.get(i - 1), frames.get(i));
        }
        return new Scores(t / frames.size(), frames.size() < 2 ? 1.0 : consecutive / (frames.size() - 1), frames.size());
    }

    /** The instruction's CLIP text embedding. */
    public synchronized float[] textEmbedding(String instruction) throws IOException {
        long[] ids = tokenizer.encode(instruction);
        try (NDManager m = NDManager.newBaseManager("OnnxRuntime")) {
            NDArray input = m.create(ids, new Shape(1, ids.length));
            input.setName("input_ids");
            NDList in = new NDList(input);
            if (attentionMask) {
                long[] mask = new long[ids.length];
                java.util.Arrays.fill(mask, 0, tokenizer.length(ids), 1);
                NDArray maskArray = m.create(mask, new Shape(1, mask.length));
                maskArray.setName("attention_mask");
                in.add(maskArray);
            }
            return embedding(textPredictor.predict(in), "text_embeds");
        } catch (TranslateException e) {
            throw new IOException("CLIP text model " + dir.resolve(TEXT) + " failed: " + e.getMessage(), e);
        }
    }

    /** A BGR frame's CLIP image embedding. */
    public synchronized float[] imageEmbedding(Mat bgr) throws IOException {
        float[] pixels = pixels(bgr, imageSize);
        try (NDManager m = NDManager.newBaseManager("OnnxRuntime")) {
            NDArray input = m.create(pixels, new Shape(1, 3, imageSize, imageSize));
            input.setName("pixel_values");
            return embedding(visionPredictor.predict(new NDList(input)), "image_embeds");
        } catch (TranslateException e) {
            throw new IOException("CLIP vision model " + dir.resolve(VISION) + " failed: " + e.getMessage(), e);
        }
    }

    /** The output named {@code name}, else the first, flattened. */
    private static float[] embedding(NDList out, String name) {
        NDArray chosen = out.get(0);
        for (NDArray a : out) {
            if (name.equals(a.getName())) {
                chosen = a;
            }
        }
        return chosen.toFloatArray();
    }

    /** CLIP's preprocessing: shorter side to {@code size} (bicubic), centre crop, RGB, normalised, channels first. */
    static float[] pixels(Mat bgr, int size) {
        double scale = (double) size / Math.min(bgr.cols(), bgr.rows());
        int w = Math.max(size, (int) Math.round(bgr.cols() * scale));
        int h = Math.max(size, (int) Math.round(bgr.rows() * scale));
        float[] out = new float[3 * size * size];
        try (Mat resized = new Mat(); Mat rgb = new Mat()) {
            resize(bgr, resized, new Size(w, h), 0, 0, INTER_CUBIC);
            try (Mat crop = new Mat(resized, new Rect((w - size) / 2, (h - size) / 2, size, size))) {
                cvtColor(crop, rgb, COLOR_BGR2RGB);
            }
            UByteIndexer px = rgb.createIndexer();
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    for (int c = 0; c < 3; c++) {
                        out[c * size * size + y * size + x] = (px.get(y, x, c) / 255f - MEAN[c]) / STD[c];
                    }
                }
            }
            px.release();
        }
        return out;
    }

    static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("CLIP embeddings of different sizes: " + a.length + " and " + b.length
                    + " (the two towers must come from one model)");
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    @Override
    public void close() {
        visionPredictor.close();
        textPredictor.close();
        vision.close();
        text.close();
    }
}
