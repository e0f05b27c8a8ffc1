package dev.ditto.ui.campaignsview;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Principal component analysis to two dimensions, by power iteration on the centred data (never forming the
 * d×d covariance: each step is Xᵀ(Xv), O(n·d)), the second component kept orthogonal to the first. Deterministic:
 * the same vectors always give the same map, up to the usual sign freedom fixed here by making the largest
 * coordinate of each component positive.
 */
final class Projection {
    private static final int ITERATIONS = 200;

    private Projection() {}

    /** The 2-D coordinates of each vector (same order); fewer than two vectors lie at the origin. */
    static double[][] pca2(List<float[]> vectors) {
        int n = vectors.size();
        double[][] out = new double[n][2];
        if (n < 2) {
            return out;
        }
        int d = vectors.getFirst().length;
        double[] mean = new double[d];
        for (float[] v : vectors) {
            for (int j = 0; j < d; j++) {
                mean[j] += v[j] / (double) n;
            }
        }
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            float[] v = vectors.get(i);
            for (int j = 0; j < d; j++) {
                x[i][j] = v[j] - mean[j];
            }
        }
        double[] first = component(x, d, null);
        double[] second = component(x, d, first);
        for (int i = 0; i < n; i++) {
            out[i][0] = dot(x[i], first);
            out[i][1] = dot(x[i], second);
        }
        return out;
    }

    private static double[] component(double[][] x, int d, @Nullable double[] orthogonalTo) {
        double[] v = new double[d];
        for (int j = 0; j < d; j++) {
            v[j] = 1 + ((j * 7919) % 101) / 101.0; // deterministic, not orthogonal to anything in particular
        }
        orthogonalise(v, orthogonalTo);
        normalise(v);
        for (int it = 0; it < ITERATIONS; it++) {
            double[] xv = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                xv[i] = dot(x[i], v);
            }
            double[] w = new double[d];
            for (int i = 0; i < x.length; i++) {
                double s = xv[i];
                double[] row = x[i];
                for (int j = 0; j < d; j++) {
                    w[j] += row[j] * s;
                }
            }
            orthogonalise(w, orthogonalTo);
            if (normalise(w) == 0) {
                return v; // no variance left in this direction
            }
            double change = 0;
            for (int j = 0; j < d; j++) {
                change += Math.abs(w[j] - v[j]);
            }
            v = w;
            if (change < 1e-9) {
                break;
            }
        }
        int largest = 0;
        for (int j = 1; j < d; j++) {
            if (Math.abs(v[j]) > Math.abs(v[largest])) {
                largest = j;
            }
        }
        if (v[largest] < 0) {
            for (int j = 0; j < d; j++) {
                v[j] = -v[j];
            }
        }
        return v;
    }

    private static void orthogonalise(double[] v, @Nullable double[] against) {
        if (against == null) {
            return;
        }
        double p = dot(v, against);
        for (int j = 0; j < v.length; j++) {
            v[j] -= p * against[j];
        }
    }

    private static double normalise(double[] v) {
        double norm = Math.sqrt(dot(v, v));
        if (norm == 0) {
            return 0;
        }
        for (int j = 0; j < v.length; j++) {
            v[j] /= norm;
        }
        return norm;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }
}
