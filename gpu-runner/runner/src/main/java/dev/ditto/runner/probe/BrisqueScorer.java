package dev.ditto.runner.probe;

import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_quality.QualityBRISQUE;

/** No-reference image quality (BRISQUE, OpenCV quality module, LIVE-trained SVR): about 0 (best) to 100 (worst). */
final class BrisqueScorer {
    private final String model;
    private final String range;

    BrisqueScorer(Path model, Path range) {
        this.model = model.toString();
        this.range = range.toString();
    }

    synchronized double score(Mat bgr) {
        try (Scalar s = QualityBRISQUE.compute(bgr, model, range)) {
            return s.get(0);
        }
    }
}
