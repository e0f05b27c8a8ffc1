package dev.ditto.runner.probe;

import static org.bytedeco.opencv.global.opencv_core.cartToPolar;
import static org.bytedeco.opencv.global.opencv_core.mean;
import static org.bytedeco.opencv.global.opencv_core.split;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_video.DISOpticalFlow;

/**
 * Motion score: mean dense optical-flow magnitude (OpenCV DIS, medium preset) between consecutive frames, computed at
 * half resolution and reported in pixels per frame of the full-size clip.
 */
final class MotionScorer {
    static final String ENGINE = "opencv-dis";
    static final String MODEL = "DISOpticalFlow PRESET_MEDIUM at 1/2 scale";

    private MotionScorer() {}

    /** Mean flow magnitude over all consecutive pairs of {@code frames} (BGR, same size). */
    static double score(List<Mat> frames) throws InterruptedException {
        if (frames.size() < 2) {
            return 0;
        }
        double scale = 0.5;
        DISOpticalFlow dis = DISOpticalFlow.create(DISOpticalFlow.PRESET_MEDIUM);
        Mat previous = grey(frames.getFirst(), scale);
        double total = 0;
        try (Mat flow = new Mat(); Mat magnitude = new Mat(); Mat angle = new Mat(); MatVector xy = new MatVector()) {
            for (int i = 1; i < frames.size(); i++) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("motion scoring interrupted");
                }
                Mat current = grey(frames.get(i), scale);
                dis.calc(previous, current, flow);
                split(flow, xy);
                try (Mat fx = xy.get(0); Mat fy = xy.get(1)) {
                    cartToPolar(fx, fy, magnitude, angle);
                }
                total += mean(magnitude).get(0);
                previous.close();
                previous = current;
            }
        } finally {
            previous.close();
            dis.close();
        }
        return total / (frames.size() - 1) / scale;
    }

    private static Mat grey(Mat bgr, double scale) {
        Mat grey = new Mat();
        Mat small = new Mat();
        try (Size size = new Size((int) Math.round(bgr.cols() * scale), (int) Math.round(bgr.rows() * scale))) {
            resize(bgr, small, size, 0, 0, INTER_AREA);
            cvtColor(small, grey, COLOR_BGR2GRAY);
        } finally {
            small.close();
        }
        return grey;
    }

}
