package dev.ditto.agent.judge;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * Simple statistics of a key frame, computed on a copy scaled to {@value #SIZE}×{@value #SIZE}: channel means,
 * luma mean and spread, saturation, a saturation-weighted hue histogram, sharpness and bright specks.
 */
final class ImageStats {

    static final int SIZE = 128;
    static final int HUE_BINS = 36;

    final float[] luma = new float[SIZE * SIZE];
    final float[] red = new float[SIZE * SIZE];
    final float[] green = new float[SIZE * SIZE];
    final float[] blue = new float[SIZE * SIZE];
    final double[] hueMass = new double[HUE_BINS];
    double meanRed;
    double meanGreen;
    double meanBlue;
    double meanLuma;
    double lumaStd;
    double meanSaturation;
    double sharpness;
    double brightSpecks;
    double clipped;
    /** Per pixel: hue in degrees (0..360) and saturation (0..1) of the scaled copy. */
    final float[] hue = new float[SIZE * SIZE];
    final float[] saturation = new float[SIZE * SIZE];
    /** Share of pixels equal (within 1.5/255) to their right and lower neighbours: flat blocks, as pixel art has. */
    double flatShare;
    /** Share of pixels with luma above 0.6. */
    double lightShare;
    /** Number of 4-bit-per-channel colours that each cover at least 0.2% of the frame. */
    int paletteSize;

    private ImageStats() {}

    /** Decodes a JPEG (or any format ImageIO reads); empty when the bytes are not an image. */
    static Optional<ImageStats> decode(byte[] bytes) {
        if (bytes.length == 0) {
            return Optional.empty();
        }
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            return image == null ? Optional.empty() : Optional.of(of(image));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static ImageStats of(BufferedImage image) {
        BufferedImage small = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = small.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, SIZE, SIZE, null);
        g.dispose();
        ImageStats s = new ImageStats();
        int n = SIZE * SIZE;
        float[] hsb = new float[3];
        double sumSq = 0;
        double hueTotal = 0;
        int clippedCount = 0;
        int[] palette = new int[4096];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int rgb = small.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int gr = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                int i = y * SIZE + x;
                s.red[i] = r / 255f;
                s.green[i] = gr / 255f;
                s.blue[i] = b / 255f;
                float l = (0.2126f * r + 0.7152f * gr + 0.0722f * b) / 255f;
                s.luma[i] = l;
                s.meanRed += s.red[i];
                s.meanGreen += s.green[i];
                s.meanBlue += s.blue[i];
                s.meanLuma += l;
                sumSq += (double) l * l;
                java.awt.Color.RGBtoHSB(r, gr, b, hsb);
                s.hue[i] = hsb[0] * 360f;
                s.saturation[i] = hsb[1];
                s.meanSaturation += hsb[1];
                palette[((r >> 4) << 8) | ((gr >> 4) << 4) | (b >> 4)]++;
                double weight = hsb[1] * hsb[2];
                s.hueMass[Math.min(HUE_BINS - 1, (int) (hsb[0] * HUE_BINS))] += weight;
                hueTotal += weight;
                if (l > 0.6f) {
                    s.lightShare++;
                }
                if (l < 0.02 || l > 0.98) {
                    clippedCount++;
                }
            }
        }
        s.meanRed /= n;
        s.meanGreen /= n;
        s.meanBlue /= n;
        s.meanLuma /= n;
        s.meanSaturation /= n;
        s.lumaStd = Math.sqrt(Math.max(0, sumSq / n - s.meanLuma * s.meanLuma));
        s.clipped = clippedCount / (double) n;
        s.lightShare /= n;
        if (hueTotal > 0) {
            for (int i = 0; i < HUE_BINS; i++) {
                s.hueMass[i] /= hueTotal;
            }
        }
        double laplacian = 0;
        int specks = 0;
        for (int y = 1; y < SIZE - 1; y++) {
            for (int x = 1; x < SIZE - 1; x++) {
                int i = y * SIZE + x;
                float around = (s.luma[i - 1] + s.luma[i + 1] + s.luma[i - SIZE] + s.luma[i + SIZE]) / 4f;
                laplacian += Math.abs(s.luma[i] - around);
                if (s.luma[i] > 0.75f && s.luma[i] - around > 0.12f) {
                    specks++;
                }
            }
        }
        int flat = 0;
        for (int y = 0; y < SIZE - 1; y++) {
            for (int x = 0; x < SIZE - 1; x++) {
                int i = y * SIZE + x;
                if (Math.abs(s.luma[i] - s.luma[i + 1]) < 1.5f / 255 && Math.abs(s.luma[i] - s.luma[i + SIZE]) < 1.5f / 255) {
                    flat++;
                }
            }
        }
        s.flatShare = flat / (double) ((SIZE - 1) * (SIZE - 1));
        for (int count : palette) {
            if (count >= n * 0.002) {
                s.paletteSize++;
            }
        }
        int inner = (SIZE - 2) * (SIZE - 2);
        s.sharpness = laplacian / inner;
        s.brightSpecks = specks / (double) inner;
        return s;
    }

    /** A greyscale mask (255 = inside) scaled like the frames, as weights 0..1; empty when not an image. */
    static Optional<float[]> decodeMask(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return Optional.empty();
        }
        return decode(bytes).map(m -> m.luma.clone());
    }

    /** Mean of the weights (the share of the frame a mask covers). */
    static double coverage(float[] mask) {
        double sum = 0;
        for (float w : mask) {
            sum += w;
        }
        return sum / mask.length;
    }

    /** Mean absolute RGB difference weighted by {@code w} (or by 1 - w when {@code outside}); NaN when it weighs nothing. */
    static double maskedDifference(ImageStats a, ImageStats b, float[] w, boolean outside) {
        double sum = 0;
        double weight = 0;
        for (int i = 0; i < a.luma.length; i++) {
            double k = outside ? 1 - w[i] : w[i];
            sum += k * (Math.abs(a.red[i] - b.red[i]) + Math.abs(a.green[i] - b.green[i]) + Math.abs(a.blue[i] - b.blue[i])) / 3;
            weight += k;
        }
        return weight < 1 ? Double.NaN : sum / weight;
    }

    /** Mean absolute luma difference weighted like {@link #maskedDifference}. */
    static double maskedLumaDifference(ImageStats a, ImageStats b, float[] w, boolean outside) {
        double sum = 0;
        double weight = 0;
        for (int i = 0; i < a.luma.length; i++) {
            double k = outside ? 1 - w[i] : w[i];
            sum += k * Math.abs(a.luma[i] - b.luma[i]);
            weight += k;
        }
        return weight < 1 ? Double.NaN : sum / weight;
    }

    /** Mean Laplacian magnitude (detail) weighted by {@code w} (or 1 - w); NaN when it weighs nothing. */
    double maskedSharpness(float[] w, boolean outside) {
        double sum = 0;
        double weight = 0;
        for (int y = 1; y < SIZE - 1; y++) {
            for (int x = 1; x < SIZE - 1; x++) {
                int i = y * SIZE + x;
                double k = outside ? 1 - w[i] : w[i];
                float around = (luma[i - 1] + luma[i + 1] + luma[i - SIZE] + luma[i + SIZE]) / 4f;
                sum += k * Math.abs(luma[i] - around);
                weight += k;
            }
        }
        return weight < 1 ? Double.NaN : sum / weight;
    }

    /** Weighted share of pixels that are saturated (>= 0.2) and within {@code width} degrees of a hue. */
    double maskedHueShare(float[] w, boolean outside, double hueDegrees, double width) {
        double hit = 0;
        double weight = 0;
        for (int i = 0; i < luma.length; i++) {
            double k = outside ? 1 - w[i] : w[i];
            double d = Math.abs(hue[i] - hueDegrees) % 360;
            if (saturation[i] >= 0.2f && Math.min(d, 360 - d) <= width) {
                hit += k;
            }
            weight += k;
        }
        return weight < 1 ? Double.NaN : hit / weight;
    }

    /**
     * A recolour's reach inside the mask: {tinted, skinTinted}. {@code tinted} is the mask-weighted share of pixels
     * that are in the new hue (within 20°, saturation >= 0.2) and were not before; {@code skinTinted} is the share of
     * the source's skin-coloured pixels inside the mask (Peer et al.'s RGB rule) that were moved into the new hue,
     * NaN when the mask holds too little skin to tell.
     */
    static double[] recolourReach(ImageStats before, ImageStats after, float[] w, double hueDegrees) {
        double tinted = 0;
        double weight = 0;
        int skin = 0;
        int skinMoved = 0;
        int inside = 0;
        for (int i = 0; i < before.luma.length; i++) {
            boolean nowNear = after.saturation[i] >= 0.2f && hueDistance(after.hue[i], hueDegrees) <= 20;
            boolean wasNear = before.saturation[i] >= 0.2f && hueDistance(before.hue[i], hueDegrees) <= 20;
            if (nowNear && !wasNear) {
                tinted += w[i];
            }
            weight += w[i];
            if (w[i] >= 0.5f) {
                inside++;
                if (isSkin(before, i)) {
                    skin++;
                    if (nowNear && hueDistance(before.hue[i], after.hue[i]) > 10) {
                        skinMoved++;
                    }
                }
            }
        }
        double skinShare = skin < Math.max(6, inside * 0.03) ? Double.NaN : skinMoved / (double) skin;
        return new double[] {weight < 1 ? Double.NaN : tinted / weight, skinShare};
    }

    private static double hueDistance(double a, double b) {
        double d = Math.abs(a - b) % 360;
        return Math.min(d, 360 - d);
    }

    /** Peer et al.'s daylight skin rule on 0..255 RGB. */
    private static boolean isSkin(ImageStats s, int i) {
        float r = s.red[i] * 255;
        float g = s.green[i] * 255;
        float b = s.blue[i] * 255;
        float max = Math.max(r, Math.max(g, b));
        float min = Math.min(r, Math.min(g, b));
        return r > 95 && g > 40 && b > 20 && max - min > 15 && Math.abs(r - g) > 15 && r > g && r > b;
    }

    /** Weighted mean saturation; NaN when it weighs nothing. */
    double maskedSaturation(float[] w, boolean outside) {
        double sum = 0;
        double weight = 0;
        for (int i = 0; i < luma.length; i++) {
            double k = outside ? 1 - w[i] : w[i];
            sum += k * saturation[i];
            weight += k;
        }
        return weight < 1 ? Double.NaN : sum / weight;
    }

    /** Warmth: mean red minus mean blue. */
    double warmth() {
        return meanRed - meanBlue;
    }

    /** Share of the hue mass within {@code width} degrees of a hue. */
    double hueShareNear(double hueDegrees, double width) {
        double share = 0;
        for (int i = 0; i < HUE_BINS; i++) {
            double centre = (i + 0.5) * 360.0 / HUE_BINS;
            double d = Math.abs(centre - hueDegrees) % 360;
            if (Math.min(d, 360 - d) <= width) {
                share += hueMass[i];
            }
        }
        return share;
    }

    /** Mean absolute RGB difference between two frames (0..1). */
    static double meanAbsoluteDifference(ImageStats a, ImageStats b) {
        double sum = 0;
        for (int i = 0; i < a.luma.length; i++) {
            sum += Math.abs(a.red[i] - b.red[i]) + Math.abs(a.green[i] - b.green[i]) + Math.abs(a.blue[i] - b.blue[i]);
        }
        return sum / (3.0 * a.luma.length);
    }

    /** Pearson correlation of the two frames' luma gradient magnitudes: 1 when edges sit in the same places. */
    static double edgeCorrelation(ImageStats a, ImageStats b) {
        float[] ga = gradient(a.luma);
        float[] gb = gradient(b.luma);
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < ga.length; i++) {
            ma += ga[i];
            mb += gb[i];
        }
        ma /= ga.length;
        mb /= gb.length;
        double cov = 0;
        double va = 0;
        double vb = 0;
        for (int i = 0; i < ga.length; i++) {
            double da = ga[i] - ma;
            double db = gb[i] - mb;
            cov += da * db;
            va += da * da;
            vb += db * db;
        }
        return va == 0 || vb == 0 ? 0 : cov / Math.sqrt(va * vb);
    }

    private static float[] gradient(float[] luma) {
        float[] g = new float[luma.length];
        for (int y = 1; y < SIZE - 1; y++) {
            for (int x = 1; x < SIZE - 1; x++) {
                int i = y * SIZE + x;
                float gx = luma[i + 1] - luma[i - 1];
                float gy = luma[i + SIZE] - luma[i - SIZE];
                g[i] = (float) Math.sqrt(gx * gx + gy * gy);
            }
        }
        return g;
    }
}
