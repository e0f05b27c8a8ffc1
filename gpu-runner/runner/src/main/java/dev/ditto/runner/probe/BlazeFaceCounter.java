package dev.ditto.runner.probe;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;
import static org.bytedeco.opencv.global.opencv_dnn.readNetFromTFLite;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_core.StringVector;
import org.bytedeco.opencv.opencv_dnn.Net;

/**
 * MediaPipe BlazeFace short-range (TFLite, OpenCV DNN): 128×128 input, 896 SSD anchors decoded as MediaPipe's
 * {@code face_detection_short_range} graph does (strides 8/16/16/16, fixed anchor size),
 * followed by non-maximum suppression.
 */
final class BlazeFaceCounter implements FaceCounter {
    /**
     * MediaPipe's graph keeps detections from 0.5; counting faces for a filter wants fewer false positives (hands
     * seen close up score just over 0.5), so a face counts from 0.65.
     */
    static final double MIN_SCORE = 0.65;
    static final double NMS_IOU = 0.3;
    private static final int INPUT = 128;
    private static final float[][] ANCHORS = anchors();

    private final Net net;

    BlazeFaceCounter(Path model) {
        this.net = readNetFromTFLite(model.toString());
    }

    @Override
    public synchronized int count(Mat bgr) {
        return detect(bgr).size();
    }

    /** Face boxes as {x1, y1, x2, y2, score} in the square-padded input's 0..1 coordinates. */
    synchronized List<float[]> detect(Mat bgr) {
        int side = Math.max(bgr.cols(), bgr.rows());
        int top = (side - bgr.rows()) / 2;
        int left = (side - bgr.cols()) / 2;
        try (Mat square = new Mat(); Scalar black = new Scalar(0.0); Size size = new Size(INPUT, INPUT);
             Scalar mean = new Scalar(127.5, 127.5, 127.5, 0)) {
            // letterbox to a square so faces keep their shape, as MediaPipe's image-to-tensor step does
            copyMakeBorder(bgr, square, top, side - bgr.rows() - top, left, side - bgr.cols() - left, BORDER_CONSTANT, black);
            try (Mat blob = blobFromImage(square, 1 / 127.5, size, mean, true, false, CV_32F);
                 StringVector names = net.getUnconnectedOutLayersNames(); MatVector outs = new MatVector()) {
                net.setInput(blob);
                net.forward(outs, names);
                Mat boxes = null;
                Mat scores = null;
                for (int i = 0; i < outs.size(); i++) {
                    Mat o = outs.get(i);
                    if (o.total() == ANCHORS.length * 16L) {
                        boxes = o;
                    } else if (o.total() == ANCHORS.length) {
                        scores = o;
                    }
                }
                if (boxes == null || scores == null) {
                    throw new IllegalStateException("BlazeFace model has unexpected outputs (need 896x16 boxes and 896 scores)");
                }
                return decode(new FloatPointer(boxes.data()), new FloatPointer(scores.data()));
            }
        }
    }

    private static List<float[]> decode(FloatPointer raw, FloatPointer logits) {
        List<float[]> found = new ArrayList<>();
        for (int i = 0; i < ANCHORS.length; i++) {
            double logit = Math.max(-100, Math.min(100, logits.get(i)));
            double score = 1 / (1 + Math.exp(-logit));
            if (score < MIN_SCORE) {
                continue;
            }
            float cx = raw.get(i * 16L) / INPUT + ANCHORS[i][0];
            float cy = raw.get(i * 16L + 1) / INPUT + ANCHORS[i][1];
            float w = raw.get(i * 16L + 2) / INPUT;
            float h = raw.get(i * 16L + 3) / INPUT;
            if (w <= 0 || h <= 0) {
                continue;
            }
            found.add(new float[] {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, (float) score});
        }
        found.sort(Comparator.comparingDouble((float[] b) -> b[4]).reversed());
        List<float[]> kept = new ArrayList<>();
        for (float[] box : found) {
            boolean overlaps = false;
            for (float[] k : kept) {
                if (iou(box, k) > NMS_IOU) {
                    overlaps = true;
                    break;
                }
            }
            if (!overlaps) {
                kept.add(box);
            }
        }
        return kept;
    }

    static double iou(float[] a, float[] b) {
        double ix = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
        double iy = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
        double inter = ix * iy;
        double union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /** MediaPipe SsdAnchorsCalculator for the short-range model; layers with equal stride share one grid. */
    static float[][] anchors() {
        int[] strides = {8, 16, 16, 16};
        List<float[]> out = new ArrayList<>();
        int layer = 0;
        while (layer < strides.length) {
            int last = layer;
            int perCell = 0;
            while (last < strides.length && strides[last] == strides[layer]) {
                perCell += 2; // aspect ratio 1.0 plus the interpolated scale, both fixed size
                last++;
            }
            int grid = (int) Math.ceil(INPUT / (double) strides[layer]);
            for (int y = 0; y < grid; y++) {
                for (int x = 0; x < grid; x++) {
                    for (int a = 0; a < perCell; a++) {
                        out.add(new float[] {(x + 0.5f) / grid, (y + 0.5f) / grid});
                    }
                }
            }
            layer = last;
        }
        return out.toArray(new float[0][]);
    }

    @Override
    public void close() {
        net.close();
    }
}
