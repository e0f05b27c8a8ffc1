package dev.ditto.runner.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;
import static org.bytedeco.opencv.global.opencv_dnn.readNetFromTFLite;

import dev.ditto.runner.models.ModelFile;
import dev.ditto.runner.models.ModelStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_core.StringVector;
import org.bytedeco.opencv.opencv_dnn.Net;
import org.jspecify.annotations.Nullable;

/**
 * Common-object detector: MediaPipe's SSD MobileNetV2 trained on a 24-class subset of Open Images V4 (the detector
 * stage of MediaPipe Objectron, Apache-2.0, shipped in the npm package {@code @mediapipe/objectron}), run through
 * OpenCV DNN's TFLite importer. 300×300 stretched input in [−1, 1]; 1917 SSD anchors decoded as MediaPipe's
 * {@code TensorsToDetectionsCalculator} does (box layout y, x, h, w; scales 10, 10, 5, 5; sigmoid scores), then
 * per-class non-maximum suppression.
 *
 * <p>Classes are reported under the project's plain names ({@link #CLASSES}: {@code cup} for Mug and Coffee cup,
 * {@code shoe} for Footwear/Boot/High heels, {@code monitor}, {@code car} for Car and Vehicle, ...).
 */
public final class ObjectDetector implements AutoCloseable {
    /** Detections below this score are dropped. */
    public static final double MIN_SCORE = 0.4;
    static final double NMS_IOU = 0.45;
    private static final int INPUT = 300;
    private static final int NUM_CLASSES = 24;

    /** The model's label map (index 0 is the background "???"), as shipped next to the model. */
    static final List<String> LABELS = List.of("???", "Bicycle", "Boot", "Laptop", "Person", "Chair", "Cattle", "Desk",
            "Cat", "Computer mouse", "Computer monitor", "Box", "Mug", "Coffee cup", "Stationary bicycle", "Table",
            "Bottle", "High heels", "Vehicle", "Footwear", "Dog", "Book", "Camera", "Car");

    /** Model label → the plain class name instructions and tags use. */
    private static final Map<String, String> PLAIN = Map.ofEntries(
            Map.entry("Bicycle", "bicycle"), Map.entry("Stationary bicycle", "bicycle"),
            Map.entry("Boot", "shoe"), Map.entry("Footwear", "shoe"), Map.entry("High heels", "shoe"),
            Map.entry("Laptop", "laptop"), Map.entry("Person", "person"), Map.entry("Chair", "chair"),
            Map.entry("Cattle", "cow"), Map.entry("Desk", "table"), Map.entry("Table", "table"),
            Map.entry("Cat", "cat"), Map.entry("Computer mouse", "mouse"), Map.entry("Computer monitor", "monitor"),
            Map.entry("Box", "box"), Map.entry("Mug", "cup"), Map.entry("Coffee cup", "cup"),
            Map.entry("Bottle", "bottle"), Map.entry("Vehicle", "car"), Map.entry("Car", "car"),
            Map.entry("Dog", "dog"), Map.entry("Book", "book"), Map.entry("Camera", "camera"));

    /** Every class name the detector can report (what an instruction may name). */
    public static final List<String> CLASSES = PLAIN.values().stream().distinct().sorted().toList();

    private static final float[][] ANCHORS = anchors();

    /** One detected object: plain class, score, and box in pixels of the frame it was found in. */
    public record Detection(String label, double score, int x, int y, int width, int height) {
        /** The box's share of a {@code frameWidth × frameHeight} frame. */
        public double areaFraction(int frameWidth, int frameHeight) {
            return width * (double) height / Math.max(1.0, frameWidth * (double) frameHeight);
        }
    }

    /** Dimensions of {@link Analysis#embedding}: MobileNetV2's last 1×1 convolution ({@code Conv_1}). */
    public static final int EMBEDDING_DIMENSIONS = 1280;
    /** The layer whose output, averaged over its grid, is the frame's embedding (name suffix in the TFLite graph). */
    static final String FEATURE_LAYER_SUFFIX = "MobilenetV2/Conv_1/Conv2D/activ";

    private final Net net;
    private final @Nullable String featureLayer;

    /** Loads the model from {@code file}. */
    public ObjectDetector(Path file) {
        this.net = readNetFromTFLite(file.toString());
        if (net.empty()) {
            throw new IllegalStateException("OpenCV DNN could not load the object detector from " + file);
        }
        String found = null;
        try (StringVector layers = net.getLayerNames()) {
            for (long i = 0; i < layers.size(); i++) {
                // JavaCPP hands the names back with their terminating NUL
                String name = layers.get(i).getString().replace("\0", "");
                if (name.endsWith(FEATURE_LAYER_SUFFIX)) {
                    found = name;
                }
            }
        }
        this.featureLayer = found;
    }

    /**
     * What one forward pass gives: the detections, and the frame's embedding — the backbone's last feature map
     * ({@value #EMBEDDING_DIMENSIONS} channels, ReLU6) averaged over its 10×10 grid, L2-normalised; null when the
     * model has no such layer.
     */
    public record Analysis(List<Detection> detections, float @Nullable [] embedding) {}

    /** The detector from the store; throws with the fetch instructions when the model file is missing. */
    public static ObjectDetector open(ModelStore store) {
        Path file = store.find(ModelFile.OBJECT_DETECTION_OIDV4).orElseThrow(() -> new IllegalStateException(
                "object detector unavailable: " + store.missingReason(ModelFile.OBJECT_DETECTION_OIDV4)));
        return new ObjectDetector(file);
    }

    /** Whether {@code name} (any case, singular or plural) is a class the detector knows; the class or null. */
    public static String className(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (CLASSES.contains(n)) {
            return n;
        }
        for (String suffix : List.of("es", "s")) {
            if (n.endsWith(suffix) && CLASSES.contains(n.substring(0, n.length() - suffix.length()))) {
                return n.substring(0, n.length() - suffix.length());
            }
        }
        return switch (n) {
            case "mug", "mugs", "coffee cup", "coffee cups" -> "cup";
            case "vehicle", "vehicles" -> "car";
            case "desk", "desks" -> "table";
            case "screen", "computer monitor" -> "monitor";
            case "bike", "bikes" -> "bicycle";
            case "sneaker", "sneakers", "boot", "boots" -> "shoe";
            default -> null;
        };
    }

    /** Detections in {@code bgr}, best first, per class without overlapping duplicates. */
    public List<Detection> detect(Mat bgr) {
        return analyse(bgr, false).detections();
    }

    /** Detections and the frame's embedding from one forward pass. */
    public Analysis analyse(Mat bgr) {
        return analyse(bgr, true);
    }

    private synchronized Analysis analyse(Mat bgr, boolean embed) {
        try (Size size = new Size(INPUT, INPUT); Scalar mean = new Scalar(127.5, 127.5, 127.5, 0);
             Mat blob = blobFromImage(bgr, 1 / 127.5, size, mean, true, false, CV_32F);
             StringVector outputs = net.getUnconnectedOutLayersNames(); MatVector outs = new MatVector();
             StringVector names = new StringVector()) {
            boolean withFeatures = embed && featureLayer != null;
            for (long i = 0; i < outputs.size(); i++) {
                names.push_back(outputs.get(i).getString().replace("\0", ""));
            }
            if (withFeatures) {
                names.push_back(featureLayer);
            }
            net.setInput(blob);
            net.forward(outs, names);
            Mat boxes = null;
            Mat scores = null;
            float[] embedding = null;
            for (int i = 0; i < outs.size(); i++) {
                Mat o = outs.get(i);
                if (withFeatures && i == outs.size() - 1) {
                    embedding = pooled(o);
                    continue;
                }
                if (o.total() == ANCHORS.length * 4L) {
                    boxes = o;
                } else if (o.total() == (long) ANCHORS.length * NUM_CLASSES) {
                    scores = o;
                }
            }
            if (boxes == null || scores == null) {
                throw new IllegalStateException("object detector model has unexpected outputs (need "
                        + ANCHORS.length + "x4 boxes and " + ANCHORS.length + "x" + NUM_CLASSES + " scores)");
            }
            return new Analysis(decode(new FloatPointer(boxes.data()), new FloatPointer(scores.data()), bgr.cols(),
                    bgr.rows()), embedding);
        }
    }

    /** An NCHW feature map averaged over H×W, L2-normalised. */
    static float[] pooled(Mat map) {
        int channels = map.size(1);
        int cells = (int) (map.total() / channels);
        float[] values = new float[(int) map.total()];
        new FloatPointer(map.data()).get(values);
        float[] out = new float[channels];
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int k = 0; k < cells; k++) {
                sum += values[c * cells + k];
            }
            out[c] = (float) (sum / cells);
        }
        return normalised(out);
    }

    /** {@code v} scaled to unit length (a zero vector stays zero). */
    public static float[] normalised(float[] v) {
        double n = 0;
        for (float x : v) {
            n += x * (double) x;
        }
        double norm = Math.sqrt(n);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = norm > 0 ? (float) (v[i] / norm) : 0;
        }
        return out;
    }

    /** The best detection of class {@code label} in {@code bgr}, or null. */
    public Detection best(Mat bgr, String label) {
        for (Detection d : detect(bgr)) {
            if (d.label().equals(label)) {
                return d;
            }
        }
        return null;
    }

    private static List<Detection> decode(FloatPointer raw, FloatPointer logits, int width, int height) {
        List<float[]> found = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < ANCHORS.length; i++) {
            int bestClass = -1;
            double bestScore = MIN_SCORE;
            for (int c = 1; c < NUM_CLASSES; c++) {
                double logit = Math.max(-100, Math.min(100, logits.get((long) i * NUM_CLASSES + c)));
                double score = 1 / (1 + Math.exp(-logit));
                if (score > bestScore) {
                    bestScore = score;
                    bestClass = c;
                }
            }
            if (bestClass < 0) {
                continue;
            }
            float[] a = ANCHORS[i];
            double cy = raw.get(i * 4L) / 10.0 * a[3] + a[1];
            double cx = raw.get(i * 4L + 1) / 10.0 * a[2] + a[0];
            double h = Math.exp(raw.get(i * 4L + 2) / 5.0) * a[3];
            double w = Math.exp(raw.get(i * 4L + 3) / 5.0) * a[2];
            found.add(new float[] {(float) (cx - w / 2), (float) (cy - h / 2), (float) (cx + w / 2),
                    (float) (cy + h / 2), (float) bestScore, found.size()});
            labels.add(PLAIN.get(LABELS.get(bestClass)));
        }
        found.sort(Comparator.comparingDouble((float[] b) -> b[4]).reversed());
        List<Detection> kept = new ArrayList<>();
        List<float[]> keptBoxes = new ArrayList<>();
        for (float[] box : found) {
            String label = labels.get((int) box[5]);
            boolean overlaps = false;
            for (int k = 0; k < kept.size(); k++) {
                if (kept.get(k).label().equals(label) && iou(box, keptBoxes.get(k)) > NMS_IOU) {
                    overlaps = true;
                    break;
                }
            }
            if (overlaps) {
                continue;
            }
            int x0 = clamp(Math.round(box[0] * width), 0, width - 1);
            int y0 = clamp(Math.round(box[1] * height), 0, height - 1);
            int x1 = clamp(Math.round(box[2] * width), x0 + 1, width);
            int y1 = clamp(Math.round(box[3] * height), y0 + 1, height);
            kept.add(new Detection(label, box[4], x0, y0, x1 - x0, y1 - y0));
            keptBoxes.add(box);
        }
        return kept;
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    static double iou(float[] a, float[] b) {
        double ix = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
        double iy = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
        double inter = ix * iy;
        double union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /**
     * MediaPipe's SsdAnchorsCalculator for its SSD MobileNetV2 detectors: 6 layers, strides 16..512, scales
     * 0.2..0.95, aspect ratios 1, 2, ½, 3, ⅓ plus the interpolated scale, 3 boxes in the lowest layer. Anchors as
     * {cx, cy, w, h}, normalised.
     */
    static float[][] anchors() {
        int[] strides = {16, 32, 64, 128, 256, 512};
        double[] ratios = {1.0, 2.0, 0.5, 3.0, 1 / 3.0};
        double minScale = 0.2;
        double maxScale = 0.95;
        int layers = strides.length;
        List<float[]> out = new ArrayList<>();
        for (int layer = 0; layer < layers; layer++) {
            double scale = minScale + (maxScale - minScale) * layer / (layers - 1.0);
            List<double[]> shapes = new ArrayList<>(); // {ratio, scale}
            if (layer == 0) {
                shapes.add(new double[] {1.0, 0.1});
                shapes.add(new double[] {2.0, scale});
                shapes.add(new double[] {0.5, scale});
            } else {
                for (double r : ratios) {
                    shapes.add(new double[] {r, scale});
                }
                double next = layer == layers - 1 ? 1.0 : minScale + (maxScale - minScale) * (layer + 1) / (layers - 1.0);
                shapes.add(new double[] {1.0, Math.sqrt(scale * next)});
            }
            int grid = (int) Math.ceil(INPUT / (double) strides[layer]);
            for (int y = 0; y < grid; y++) {
                for (int x = 0; x < grid; x++) {
                    for (double[] s : shapes) {
                        double sq = Math.sqrt(s[0]);
                        out.add(new float[] {(float) ((x + 0.5) / grid), (float) ((y + 0.5) / grid),
                                (float) (s[1] * sq), (float) (s[1] / sq)});
                    }
                }
            }
        }
        return out.toArray(new float[0][]);
    }

    @Override
    public void close() {
        net.close();
    }
}
