package dev.ditto.runner.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.file.Path;
import org.bytedeco.opencv.global.opencv_dnn;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_dnn.Net;

/**
 * MediaPipe selfie segmentation ({@code selfie_segmentation.tflite}, 256×256, or the 256×144 landscape variant) run
 * by OpenCV's TFLite importer. One network per instance; calls are serialised because {@code cv::dnn::Net} is not
 * thread-safe.
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
        try (Mat blob = opencv_dnn.blobFromImage(bgr, 1 / 255.0, inputSize, new Scalar(0.0), true, false, CV_32F)) {
            net.setInput(blob);
            try (Mat out = net.forward()) {
                // output is 1×H×W×1 (NHWC) or 1×1×H×W: either way H·W probabilities in row-major order
                try (Mat prob = new Mat(inputSize.height(), inputSize.width(), CV_32F, out.data());
                     Mat small = new Mat()) {
                    prob.convertTo(small, CV_8U, 255, 0);
                    Mat full = new Mat();
                    try (Size size = new Size(bgr.cols(), bgr.rows())) {
                        resize(small, full, size, 0, 0,
                                bgr.cols() < inputSize.width() ? INTER_AREA : INTER_LINEAR);
                    }
                    return full;
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
