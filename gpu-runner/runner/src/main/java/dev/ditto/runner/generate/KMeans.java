package dev.ditto.runner.generate;

import java.util.Arrays;

/** Deterministic k-means on RGB triples (k-means++-style farthest-point seeding), small enough to run per job. */
final class KMeans {
    private KMeans() {}

    static int[][] fit(int[][] points, int k, int iterations) {
        int n = points.length;
        k = Math.min(k, n);
        double[][] centres = new double[k][];
        centres[0] = toDouble(points[0]);
        double[] dist = new double[n];
        Arrays.fill(dist, Double.MAX_VALUE);
        for (int c = 1; c < k; c++) {
            int far = 0;
            for (int i = 0; i < n; i++) {
                dist[i] = Math.min(dist[i], d2(points[i], centres[c - 1]));
                if (dist[i] > dist[far]) {
                    far = i;
                }
            }
            centres[c] = toDouble(points[far]);
        }
        int[] label = new int[n];
        for (int it = 0; it < iterations; it++) {
            double[][] sum = new double[k][3];
            int[] count = new int[k];
            for (int i = 0; i < n; i++) {
                int best = 0;
                double bd = Double.MAX_VALUE;
                for (int c = 0; c < k; c++) {
                    double d = d2(points[i], centres[c]);
                    if (d < bd) {
                        bd = d;
                        best = c;
                    }
                }
                label[i] = best;
                count[best]++;
                for (int ch = 0; ch < 3; ch++) {
                    sum[best][ch] += points[i][ch];
                }
            }
            for (int c = 0; c < k; c++) {
                if (count[c] > 0) {
                    for (int ch = 0; ch < 3; ch++) {
                        centres[c][ch] = sum[c][ch] / count[c];
                    }
                }
            }
        }
        int[][] out = new int[k][3];
        for (int c = 0; c < k; c++) {
            for (int ch = 0; ch < 3; ch++) {
                out[c][ch] = (int) Math.round(centres[c][ch]);
            }
        }
        return out;
    }

    static int nearest(int[][] colours, int b, int g, int r) {
        int best = 0;
        int bd = Integer.MAX_VALUE;
        for (int c = 0; c < colours.length; c++) {
            int db = colours[c][0] - b;
            int dg = colours[c][1] - g;
            int dr = colours[c][2] - r;
            int d = db * db + dg * dg + dr * dr;
            if (d < bd) {
                bd = d;
                best = c;
            }
        }
        return best;
    }

    private static double[] toDouble(int[] p) {
        return new double[] {p[0], p[1], p[2]};
    }

    private static double d2(int[] p, double[] c) {
        double a = p[0] - c[0];
        double b = p[1] - c[1];
        double d = p[2] - c[2];
        return a * a + b * b + d * d;
    }
}
