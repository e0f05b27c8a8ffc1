package dev.ditto.runner.probe;

import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.countNonZero;
import static org.bytedeco.opencv.global.opencv_imgproc.CHAIN_APPROX_SIMPLE;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.RETR_EXTERNAL;
import static org.bytedeco.opencv.global.opencv_imgproc.arcLength;
import static org.bytedeco.opencv.global.opencv_imgproc.boundingRect;
import static org.bytedeco.opencv.global.opencv_imgproc.contourArea;
import static org.bytedeco.opencv.global.opencv_imgproc.findContours;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.io.IOException;
import java.nio.file.Path;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.jspecify.annotations.Nullable;

/**
 * Burned-in text detection with PaddleOCR's PP-OCRv4 detector (DB text segmentation, ONNX) run through DJL on ONNX
 * Runtime, with PaddleOCR's DB post-processing: probability map → binary map (0.3) → regions whose mean probability
 * reaches 0.6 and that are shaped like a line of text → boxes grown by the unclip ratio 1.5. The score is the share of the frame those boxes cover.
 */
final class TextDetector implements AutoCloseable {
    static final float BINARY_THRESHOLD = 0.3f;
    static final double BOX_THRESHOLD = 0.6;
    static final double UNCLIP_RATIO = 1.5;
    /** A region taller than this share of the frame and not wide is not a line of text. */
    static final double MAX_LINE_HEIGHT = 0.12;
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};
    private static final int MAX_SIDE = 960;

    private final ZooModel<DetInput, float[]> model;
    private final Predictor<DetInput, float[]> predictor;

    TextDetector(Path onnx) throws IOException {
        System.setProperty("ai.djl.offline", "true");
        Criteria<DetInput, float[]> criteria = Criteria.builder()
                .setTypes(DetInput.class, float[].class)
                .optModelPath(onnx)
                .optEngine("OnnxRuntime")
                .optTranslator(new DetTranslator())
                .build();
        try {
            this.model = criteria.loadModel();
        } catch (ModelNotFoundException | MalformedModelException e) {
            throw new IOException("cannot load text detector " + onnx + ": " + e.getMessage(), e);
        }
        this.predictor = model.newPredictor();
    }

    /** Fraction (0..1) of the frame covered by detected text boxes. */
    double textArea(Mat bgr) {
        ProbabilityMap map = probabilityMap(bgr);
        return coveredFraction(map.values(), map.height(), map.width());
    }

    /** The detector's per-pixel text probability at the (32-aligned) size the image was fed at. */
    record ProbabilityMap(float[] values, int height, int width) {}

    synchronized ProbabilityMap probabilityMap(Mat bgr) {
        double scale = Math.min(1.0, MAX_SIDE / (double) Math.max(bgr.cols(), bgr.rows()));
        int w = Math.max(32, (int) Math.round(bgr.cols() * scale / 32) * 32);
        int h = Math.max(32, (int) Math.round(bgr.rows() * scale / 32) * 32);
        float[] chw = new float[3 * w * h];
        try (Mat resized = new Mat(); Size size = new Size(w, h)) {
            resize(bgr, resized, size, 0, 0, INTER_LINEAR);
            // PaddleOCR normalises the image in the order OpenCV decodes it (BGR) with these constants
            try (UByteIndexer idx = resized.createIndexer()) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        for (int c = 0; c < 3; c++) {
                            chw[c * w * h + y * w + x] = (idx.get(y, x, c) / 255f - MEAN[c]) / STD[c];
                        }
                    }
                }
            }
        }
        float[] probability;
        try {
            probability = predictor.predict(new DetInput(chw, h, w));
        } catch (TranslateException e) {
            throw new IllegalStateException("text detector failed: " + e.getMessage(), e);
        }
        return new ProbabilityMap(probability, h, w);
    }

    /** DB post-processing on an {@code h×w} probability map. */
    static double coveredFraction(float[] probability, int h, int w) {
        try (Mat binary = new Mat(h, w, CV_8U, new Scalar(0.0)); Mat covered = new Mat(h, w, CV_8U, new Scalar(0.0));
             MatVector contours = new MatVector(); Mat hierarchy = new Mat(); Scalar white = new Scalar(255.0)) {
            try (UByteIndexer b = binary.createIndexer()) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        if (probability[y * w + x] > BINARY_THRESHOLD) {
                            b.put(y, x, 255);
                        }
                    }
                }
            }
            findContours(binary, contours, hierarchy, RETR_EXTERNAL, CHAIN_APPROX_SIMPLE);
            for (long i = 0; i < contours.size(); i++) {
                try (Mat contour = contours.get(i); Rect box = boundingRect(contour)) {
                    if (Math.min(box.width(), box.height()) < 3 || !lineShaped(box, h)) {
                        continue;
                    }
                    if (meanInside(probability, w, box) < BOX_THRESHOLD) {
                        continue;
                    }
                    double area = Math.max(contourArea(contour), box.area() * 0.5);
                    double perimeter = Math.max(1, arcLength(contour, true));
                    int d = (int) Math.round(area * UNCLIP_RATIO / perimeter);
                    int x1 = Math.max(0, box.x() - d);
                    int y1 = Math.max(0, box.y() - d);
                    int x2 = Math.min(w, box.x() + box.width() + d);
                    int y2 = Math.min(h, box.y() + box.height() + d);
                    try (Rect grown = new Rect(x1, y1, x2 - x1, y2 - y1)) {
                        rectangle(covered, grown, white, FILLED, 8, 0);
                    }
                }
            }
            return countNonZero(covered) / (double) (h * w);
        }
    }

    /**
     * Burned-in captions and overlays are lines of text: wide, or at most a small share of the frame tall. The
     * detector (trained for documents, vertical Chinese text included) also fires on tall dark objects, which this drops.
     */
    static boolean lineShaped(Rect box, int frameHeight) {
        return box.width() >= 2 * box.height() || box.height() <= MAX_LINE_HEIGHT * frameHeight;
    }

    private static double meanInside(float[] probability, int w, Rect box) {
        double sum = 0;
        int n = 0;
        for (int y = box.y(); y < box.y() + box.height(); y++) {
            for (int x = box.x(); x < box.x() + box.width(); x++) {
                float v = probability[y * w + x];
                if (v > BINARY_THRESHOLD) {
                    sum += v;
                    n++;
                }
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    @Override
    public synchronized void close() {
        predictor.close();
        model.close();
    }

    /** One image as a CHW float tensor. */
    record DetInput(float[] chw, int height, int width) {}

    /** Feeds {@link DetInput} as a 1×3×H×W tensor and reads the 1×1×H×W probability map back. */
    static final class DetTranslator implements Translator<DetInput, float[]> {
        @Override
        public NDList processInput(TranslatorContext ctx, DetInput input) {
            NDArray array = ctx.getNDManager().create(input.chw(), new Shape(1, 3, input.height(), input.width()));
            return new NDList(array);
        }

        @Override
        public float[] processOutput(TranslatorContext ctx, NDList list) {
            return list.get(0).toFloatArray();
        }

        @Override
        public @Nullable Batchifier getBatchifier() {
            return null;
        }
    }
}
