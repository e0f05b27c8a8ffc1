package dev.ditto.runner.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.add;
import static org.bytedeco.opencv.global.opencv_core.divide;
import static org.bytedeco.opencv.global.opencv_core.mean;
import static org.bytedeco.opencv.global.opencv_core.multiply;
import static org.bytedeco.opencv.global.opencv_core.subtract;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.Canny;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/** Edge maps (Canny) used as structure guidance and for structure-fidelity scores (SSIM of edge maps). */
public final class EdgeMaps {
    private EdgeMaps() {}

    /** Canny edges (255 = edge) of a BGR or gray image, after a light blur so texture noise does not fire. */
    public static Mat canny(Mat image) {
        Mat gray = new Mat();
        if (image.channels() == 3) {
            cvtColor(image, gray, COLOR_BGR2GRAY);
        } else {
            image.copyTo(gray);
        }
        try (Size k = new Size(5, 5)) {
            GaussianBlur(gray, gray, k, 1.2);
        }
        Mat edges = new Mat();
        Canny(gray, edges, 50, 130);
        gray.close();
        return edges;
    }

    /**
     * Structural similarity (Wang et al. 2004, 11×11 Gaussian window, σ 1.5) of two single-channel 8-bit images
     * of the same size: 1 = identical structure.
     */
    public static double ssim(Mat a, Mat b) {
        double c1 = Math.pow(0.01 * 255, 2);
        double c2 = Math.pow(0.03 * 255, 2);
        try (Mat x = new Mat(); Mat y = new Mat(); Mat mx = new Mat(); Mat my = new Mat(); Mat xx = new Mat();
             Mat yy = new Mat(); Mat xy = new Mat(); Mat sxx = new Mat(); Mat syy = new Mat(); Mat sxy = new Mat();
             Mat mxmy = new Mat(); Mat mx2 = new Mat(); Mat my2 = new Mat(); Mat num1 = new Mat(); Mat num2 = new Mat();
             Mat den1 = new Mat(); Mat den2 = new Mat(); Mat num = new Mat(); Mat den = new Mat(); Mat map = new Mat();
             Size k = new Size(11, 11)) {
            a.convertTo(x, CV_32F);
            b.convertTo(y, CV_32F);
            GaussianBlur(x, mx, k, 1.5);
            GaussianBlur(y, my, k, 1.5);
            multiply(x, x, xx);
            multiply(y, y, yy);
            multiply(x, y, xy);
            GaussianBlur(xx, sxx, k, 1.5);
            GaussianBlur(yy, syy, k, 1.5);
            GaussianBlur(xy, sxy, k, 1.5);
            multiply(mx, my, mxmy);
            multiply(mx, mx, mx2);
            multiply(my, my, my2);
            subtract(sxx, mx2, sxx);
            subtract(syy, my2, syy);
            subtract(sxy, mxmy, sxy);
            mxmy.convertTo(num1, CV_32F, 2, c1);
            sxy.convertTo(num2, CV_32F, 2, c2);
            multiply(num1, num2, num);
            add(mx2, my2, den1);
            den1.convertTo(den1, CV_32F, 1, c1);
            add(sxx, syy, den2);
            den2.convertTo(den2, CV_32F, 1, c2);
            multiply(den1, den2, den);
            divide(num, den, map);
            try (Scalar s = mean(map)) {
                return s.get(0);
            }
        }
    }
}
