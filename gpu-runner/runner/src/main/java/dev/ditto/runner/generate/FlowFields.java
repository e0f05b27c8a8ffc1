package dev.ditto.runner.generate;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC2;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.opencv.opencv_core.Mat;

/** Flow-field chaining on plain arrays: cheap at flow resolution and free of native allocations per pixel. */
final class FlowFields {
    private FlowFields() {}

    /**
     * One step of accumulating the flow to the key frame: given the accumulated flow and validity of the neighbour
     * frame ({@code cPrev}, {@code vPrev}) and the step flow from this frame to that neighbour with its consistency,
     * writes this frame's accumulated flow and validity. A pixel stays valid only if every step on its path was
     * consistent and stayed inside the frame.
     */
    static void step(float[] cPrev, float[] vPrev, Mat stepFlow, Mat stepOk, int w, int h, float[] cOut, float[] vOut) {
        // plain arrays: bounds-checked reads of native buffers cost more than the arithmetic
        float[] f = new float[2 * w * h];
        ((FloatBuffer) stepFlow.createBuffer()).get(0, f);
        byte[] ok = new byte[w * h];
        ((ByteBuffer) stepOk.createBuffer()).get(0, ok);
        for (int y = 0, i = 0; y < h; y++) {
            for (int x = 0; x < w; x++, i++) {
                float dx = f[2 * i];
                float dy = f[2 * i + 1];
                float px = x + dx;
                float py = y + dy;
                if (px < 0 || py < 0 || px > w - 1 || py > h - 1) {
                    cOut[2 * i] = dx;
                    cOut[2 * i + 1] = dy;
                    vOut[i] = 0;
                    continue;
                }
                int x0 = (int) px;
                int y0 = (int) py;
                int x1 = Math.min(x0 + 1, w - 1);
                int y1 = Math.min(y0 + 1, h - 1);
                float fx = px - x0;
                float fy = py - y0;
                int a = y0 * w + x0;
                int b = y0 * w + x1;
                int c = y1 * w + x0;
                int d = y1 * w + x1;
                float wa = (1 - fx) * (1 - fy);
                float wb = fx * (1 - fy);
                float wc = (1 - fx) * fy;
                float wd = fx * fy;
                cOut[2 * i] = dx + wa * cPrev[2 * a] + wb * cPrev[2 * b] + wc * cPrev[2 * c] + wd * cPrev[2 * d];
                cOut[2 * i + 1] = dy + wa * cPrev[2 * a + 1] + wb * cPrev[2 * b + 1] + wc * cPrev[2 * c + 1]
                        + wd * cPrev[2 * d + 1];
                vOut[i] = ok[i] == 0 ? 0 : wa * vPrev[a] + wb * vPrev[b] + wc * vPrev[c] + wd * vPrev[d];
            }
        }
    }

    static Mat flowMat(float[] data, int w, int h) {
        Mat m = new Mat(h, w, CV_32FC2);
        ((FloatBuffer) m.createBuffer()).put(0, data);
        return m;
    }

    static Mat scalarMat(float[] data, int w, int h) {
        Mat m = new Mat(h, w, CV_32FC1);
        ((FloatBuffer) m.createBuffer()).put(0, data);
        return m;
    }
}
