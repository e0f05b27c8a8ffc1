package dev.ditto.runner.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.file.Path;
import org.bytedeco.opencv.global.opencv_dnn;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_dnn.Net;

/**
 * MediaPipe selfie segmentation ({@code selfie_segmentation.tflite}, 256×256, or the 256×144 landscape variant) run
 * by OpenCV's TFLite importer. One network per instance; calls are serialised because {@code cv::dnn::Net} is not
 * thread-safe. A frame whose aspect ratio differs from the model's input is letterboxed (padded with black to that
 * ratio) rather than squashed: squashed into 256×256, a 832×480 training-format frame of a box held over a table had
 * 76% of its area marked as person (the tablecloth), against 2% letterboxed and 7% for the uncropped 4:3 frame.
 */
final class SelfieSegmenter implements PersonSegmenter {
    private final Net net;
    private final Size inputSize;
    private final String modelName;

    SelfieSegmenter(Path modelFile) {
        this.net = opencv_dnn.readNetFromTFLite(modelFile.toAbsolutePath().toString());
        if (net.empty()) {
            throw new IllegalArgumentException("OpenCV could not load the segmentation model " + modelFile);
        }
        String name = modelFile.getFileName().toString();
        boolean landscape = name.contains("landscape");
        this.inputSize = landscape ? new Size(256, 144) : new Size(256, 256);
        this.modelName = "mediapipe-" + name.replace(".tflite", "").replace('_', '-');
    }

    @Override
    public synchronized Mat mask(Mat bgr) {
        int w = bgr.cols();
        int h = bgr.rows();
        double aspect = inputSize.width() / (double) inputSize.height();
        int paddedW = Math.max(w, (int) Math.round(h * aspect));
        int paddedH = Math.max(h, (int) Math.round(w / aspect));
        int top = (paddedH - h) / 2;
        int left = (paddedW - w) / 2;
        try (Mat padded = new Mat(); Scalar black = new Scalar(0.0)) {
            copyMakeBorder(bgr, padded, top, paddedH - h - top, left, paddedW - w - left, BORDER_CONSTANT, black);
            try (Mat blob = opencv_dnn.blobFromImage(padded, 1 / 255.0, inputSize, black, true, false, CV_32F)) {
                net.setInput(blob);
                try (Mat out = net.forward()) {
                    // output is 1×H×W×1 (NHWC) or 1×1×H×W: either way H·W probabilities in row-major order
                    try (Mat prob = new Mat(inputSize.height(), inputSize.width(), CV_32F, out.data());
                         Mat small = new Mat(); Mat full = new Mat(); Size size = new Size(paddedW, paddedH);
                         Rect frame = new Rect(left, top, w, h)) {
                        prob.convertTo(small, CV_8U, 255, 0);
                        resize(small, full, size, 0, 0, paddedW < inputSize.width() ? INTER_AREA : INTER_LINEAR);
                        try (Mat roi = full.apply(frame)) {
                            return roi.clone();
                        }
                    }
                }
            }
        }
    }

    @Override
    public String engine() {
        return "opencv-dnn-tflite";
    }

    @Override
    public String model() {
        return modelName;
    }

    @Override
    public String version() {
        return "0.1.1675465747";
    }

    @Override
    public synchronized void close() {
        net.close();
        inputSize.close();
    }
}
