package dev.ditto.runner.generate;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.jspecify.annotations.Nullable;

/** Applies an operator to one region of a frame, with the context its filters need around it. */
final class RegionEdit {
    private RegionEdit() {}

    /** {@code op} over {@code region} of {@code frame} (mask of the whole frame or null); returns region-sized. */
    static Mat apply(EditOperator op, Mat frame, @Nullable Mat mask, Rect region) {
        int m = op.margin();
        // align to 16 px so half-resolution filters and pixel blocks fall on the same grid in every frame
        int x0 = Math.max(0, Math.floorDiv(region.x() - m, 16) * 16);
        int y0 = Math.max(0, Math.floorDiv(region.y() - m, 16) * 16);
        int x1 = Math.min(frame.cols(), ceil16(region.x() + region.width() + m));
        int y1 = Math.min(frame.rows(), ceil16(region.y() + region.height() + m));
        try (Rect outer = new Rect(x0, y0, x1 - x0, y1 - y0); Mat view = frame.apply(outer); Mat src = view.clone();
             Mat maskView = mask == null ? null : mask.apply(outer); Mat maskSrc = maskView == null ? null : maskView.clone();
             Mat edited = op.applyAt(src, maskSrc, x0, y0, frame.cols(), frame.rows());
             Rect inner = new Rect(region.x() - x0, region.y() - y0, region.width(), region.height());
             Mat part = edited.apply(inner)) {
            return part.clone();
        }
    }

    private static int ceil16(int v) {
        return (v + 15) / 16 * 16;
    }
}
