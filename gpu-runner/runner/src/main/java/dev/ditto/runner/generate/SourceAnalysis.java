package dev.ditto.runner.generate;

import static org.bytedeco.opencv.global.opencv_core.CV_16SC2;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC2;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import dev.ditto.protocol.VideoFormat;
import dev.ditto.runner.media.ClipNormaliser;
import dev.ditto.runner.media.VideoReader;
import dev.ditto.runner.vision.EdgeMaps;
import dev.ditto.runner.vision.OpticalFlow;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdException;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * What GENERATE needs from a source clip whatever the edit: the DIS flow both ways between neighbouring frames (at
 * {@link GenerationState#FLOW_SCALE}), its forward–backward consistency, the Canny edges of every frame and the
 * source's side of the metrics (its warp errors and luma contrast). Computed once per clip (at PROBE, or by the
 * first GENERATE of a clip without it) and reused by every GENERATE of the clip ({@link SourceAnalysisCache}).
 *
 * <p>Cheap to load: the flow is kept as 16-bit fixed point (1/{@value #FLOW_UNITS} px of the flow grid), rows
 * delta-coded and zstd-compressed per frame pair; masks and edges as bits. GENERATE always works with these quantised
 * values, whether it computed them itself or loaded them, so a job's output is the same either way.
 */
public final class SourceAnalysis {
    /** Flow values are stored as multiples of 1/FLOW_UNITS px of the flow grid. */
    static final int FLOW_UNITS = 16;
    private static final int MAGIC = 0x44534131; // "DSA1"
    /** Bump when what is stored, or how it is computed, changes: older files are then ignored. */
    static final int FORMAT_VERSION = 2;

    final int frames;
    final int width;
    final int height;
    final int flowWidth;
    final int flowHeight;
    /** Quantised flow {@code t → t+1} (t's grid) and {@code t+1 → t} (t+1's grid), interleaved x, y. */
    final short[][] forward;
    final short[][] backward;
    /** Consistency of {@code forward[t]} / {@code backward[t]}, one bit per flow-grid pixel. */
    final byte[][] forwardOk;
    final byte[][] backwardOk;
    /** Canny edges of each frame, one bit per pixel. */
    final byte[][] edges;
    /** Person masks (the segmenter's 8-bit output) of the frames that have one, else null entries. */
    final byte[][] masks;
    /** A loaded analysis keeps its parts compressed until a job asks for them: {@code packed[kind][index]}. */
    private byte @org.jspecify.annotations.Nullable [][][] packed;
    /** What to do when a stored part turns out damaged as a job reads it (the cache deletes its file). */
    private volatile @org.jspecify.annotations.Nullable Runnable onDamaged;
    private static final int FORWARD = 0;
    private static final int BACKWARD = 1;
    private static final int EDGES = 2;
    private static final int MASKS = 3;
    /** The source side of {@link MetricsStage}: warp errors of each pair, plain and low-passed, and each frame's luma
     * contrast; null until measured. */
    double @org.jspecify.annotations.Nullable [] sourceWarpError;
    double @org.jspecify.annotations.Nullable [] sourceWarpErrorLowpass;
    double @org.jspecify.annotations.Nullable [] sourceContrast;

    SourceAnalysis(int frames, int width, int height, int flowWidth, int flowHeight) {
        this.frames = frames;
        this.width = width;
        this.height = height;
        this.flowWidth = flowWidth;
        this.flowHeight = flowHeight;
        int pairs = Math.max(0, frames - 1);
        forward = new short[pairs][];
        backward = new short[pairs][];
        forwardOk = new byte[pairs][];
        backwardOk = new byte[pairs][];
        edges = new byte[frames][];
        masks = new byte[frames][];
    }

    /** Whether this analysis belongs to a clip of these dimensions. */
    boolean fits(int frames, int width, int height, int flowWidth, int flowHeight) {
        return this.frames == frames && this.width == width && this.height == height && this.flowWidth == flowWidth
                && this.flowHeight == flowHeight;
    }

    boolean complete() {
        if (packed != null) {
            return sourceWarpError != null && sourceWarpErrorLowpass != null && sourceContrast != null;
        }
        for (int p = 0; p < frames - 1; p++) {
            if (forward[p] == null || backward[p] == null || forwardOk[p] == null || backwardOk[p] == null) {
                return false;
            }
        }
        for (byte[] e : edges) {
            if (e == null) {
                return false;
            }
        }
        return sourceWarpError != null && sourceWarpErrorLowpass != null && sourceContrast != null;
    }

    // ---- computing ------------------------------------------------------------------------------------------------

    /**
     * Computes flow pair {@code p} from the gray frames, stores it quantised and returns the flows as GENERATE uses
     * them (the dequantised values) with their consistency: {forward, backward, forwardOk, backwardOk}.
     */
    Mat[] computePair(int p, Mat grayP, Mat grayNext) {
        try (Mat f = OpticalFlow.flow(grayP, grayNext); Mat b = OpticalFlow.flow(grayNext, grayP)) {
            forward[p] = quantise(f);
            backward[p] = quantise(b);
        }
        Mat fwd = flowMat(forward[p]);
        Mat bwd = flowMat(backward[p]);
        Mat fOk = OpticalFlow.consistency(fwd, bwd);
        Mat bOk = OpticalFlow.consistency(bwd, fwd);
        forwardOk[p] = packBits(fOk);
        backwardOk[p] = packBits(bOk);
        return new Mat[] {fwd, bwd, fOk, bOk};
    }

    /** Computes the Canny edges of frame {@code t}, stores them and returns them as a 0/255 image. */
    Mat computeEdges(int t, Mat bgr) {
        Mat e = EdgeMaps.canny(bgr);
        edges[t] = packBits(e);
        return e;
    }

    /**
     * The whole analysis of a clip file, decoded as GENERATE decodes it (PROBE calls this on each clip it cuts). The
     * source's metric side is measured with the same code {@link MetricsStage} uses.
     */
    public static SourceAnalysis compute(Path clip, VideoFormat format) throws IOException {
        return compute(clip, format, null);
    }

    /** {@link #compute(Path, VideoFormat)} with the person masks of every frame from {@code segmenter} too. */
    public static SourceAnalysis compute(Path clip, VideoFormat format,
                                         dev.ditto.runner.vision.@org.jspecify.annotations.Nullable PersonSegmenter segmenter)
            throws IOException {
        List<Mat> source;
        try (VideoReader reader = VideoReader.open(clip)) {
            source = ClipNormaliser.normalise(reader, format, 0);
        }
        try {
            SourceAnalysis a = compute(source);
            if (segmenter != null) {
                for (int t = 0; t < source.size(); t++) {
                    try (Mat m = segmenter.mask(source.get(t))) {
                        a.keepMask(t, m);
                    }
                }
            }
            return a;
        } finally {
            source.forEach(Mat::close);
        }
    }

    /** Keeps the person mask of frame {@code t} (8-bit, frame size). */
    void keepMask(int t, Mat mask) {
        if (mask.cols() != width || mask.rows() != height || mask.channels() != 1) {
            return;
        }
        byte[] px = new byte[width * height];
        Mat m = mask.isContinuous() ? mask : mask.clone();
        ((ByteBuffer) m.createBuffer()).get(0, px);
        if (m != mask) {
            m.close();
        }
        synchronized (masks) {
            masks[t] = px;
        }
    }

    /** The person mask of frame {@code t}, or null when the analysis has none for it. */
    @org.jspecify.annotations.Nullable Mat maskMat(int t) {
        byte[] px;
        synchronized (masks) {
            px = masks[t];
        }
        if (px == null && packed != null && packed[MASKS][t] != null) {
            px = unpack(MASKS, t, width * height);
            synchronized (masks) {
                masks[t] = px;
            }
        }
        if (px == null) {
            return null;
        }
        Mat m = new Mat(height, width, CV_8UC1);
        ((ByteBuffer) m.createBuffer()).put(0, px);
        return m;
    }

    static SourceAnalysis compute(List<Mat> source) {
        int n = source.size();
        Mat[] gray = new Mat[n];
        IntStream.range(0, n).parallel().forEach(t -> gray[t] = OpticalFlow.gray(source.get(t),
                GenerationState.FLOW_SCALE));
        SourceAnalysis a = new SourceAnalysis(n, source.getFirst().cols(), source.getFirst().rows(), gray[0].cols(),
                gray[0].rows());
        Mat[] backwardFlows = new Mat[Math.max(0, n - 1)];
        Mat[] backwardOks = new Mat[Math.max(0, n - 1)];
        try {
            IntStream.range(0, n).parallel().forEach(t -> a.computeEdges(t, source.get(t)).close());
            IntStream.range(0, n - 1).parallel().forEach(p -> {
                Mat[] m = a.computePair(p, gray[p], gray[p + 1]);
                m[0].close();
                m[2].close();
                backwardFlows[p] = m[1];
                backwardOks[p] = m[3];
            });
            a.measureSource(source, backwardFlows, backwardOks);
            return a;
        } finally {
            for (Mat[] arr : List.of(gray, backwardFlows, backwardOks)) {
                for (Mat m : arr) {
                    if (m != null) {
                        m.close();
                    }
                }
            }
        }
    }

    /** The source's metric side ({@link MetricsStage.SourceSide}) from its frames and backward flows. */
    void measureSource(List<Mat> source, Mat[] backwardFlows, Mat[] backwardOks) {
        MetricsStage.SourceSide side = MetricsStage.SourceSide.measure(source, backwardFlows, backwardOks,
                new org.bytedeco.opencv.opencv_core.Size(flowWidth, flowHeight));
        sourceWarpError = side.warpError();
        sourceWarpErrorLowpass = side.warpErrorLowpass();
        sourceContrast = side.contrast();
    }

    /** Runs {@code hook} once, when the first part read later proves damaged. */
    void onDamaged(Runnable hook) {
        this.onDamaged = hook;
    }

    // ---- using ----------------------------------------------------------------------------------------------------

    /** Flow {@code p → p+1} and its consistency, as GENERATE uses them: {flow, ok}. */
    synchronized Mat[] forwardMats(int p) {
        if (forward[p] == null) {
            readDirection(p, FORWARD);
        }
        return new Mat[] {flowMat(forward[p]), okMat(forwardOk[p])};
    }

    /** Flow {@code p+1 → p} and its consistency, as GENERATE uses them: {flow, ok}. */
    synchronized Mat[] backwardMats(int p) {
        if (backward[p] == null) {
            readDirection(p, BACKWARD);
        }
        return new Mat[] {flowMat(backward[p]), okMat(backwardOk[p])};
    }

    /** The edges of frame {@code t} as a 0/255 image. */
    synchronized Mat edgesMat(int t) {
        byte[] e = edges[t];
        if (e == null) {
            e = unpack(EDGES, t, bitBytes(width * height));
            edges[t] = e;
        }
        return unpackBits(e, width, height);
    }

    private void readDirection(int p, int kind) {
        int cells = flowWidth * flowHeight;
        ByteBuffer b = ByteBuffer.wrap(unpack(kind, p, 4 * cells + bitBytes(cells)));
        short[] flow = new short[2 * cells];
        undelta(b, flow);
        byte[] ok = new byte[bitBytes(cells)];
        b.get(ok);
        if (kind == FORWARD) {
            forwardOk[p] = ok;
            forward[p] = flow;
        } else {
            backwardOk[p] = ok;
            backward[p] = flow;
        }
    }

    private byte[] unpack(int kind, int index, int size) {
        byte[][][] parts = packed;
        if (parts == null || parts[kind][index] == null) {
            throw new IllegalStateException("analysis part " + kind + "/" + index + " is missing");
        }
        try {
            return decompress(parts[kind][index], size);
        } catch (IOException e) {
            Runnable hook = onDamaged;
            onDamaged = null; // once: a later damaged part must not delete a file stored again meanwhile
            if (hook != null) {
                hook.run();
            }
            throw new java.io.UncheckedIOException("the stored analysis of this clip is damaged (" + e.getMessage() + ")"
                    + (hook != null ? "; it was deleted, so a retry of the job computes it again" : ""), e);
        }
    }

    /** Dequantised flow as GENERATE uses it. */
    Mat flowMat(short[] q) {
        try (Mat fixed = new Mat(flowHeight, flowWidth, CV_16SC2)) {
            ((ShortBuffer) fixed.createBuffer()).put(0, q);
            Mat out = new Mat();
            fixed.convertTo(out, CV_32FC2, 1.0 / FLOW_UNITS, 0);
            return out;
        }
    }

    Mat okMat(byte[] bits) {
        return unpackBits(bits, flowWidth, flowHeight);
    }

    // ---- storage --------------------------------------------------------------------------------------------------

    /** Writes the analysis (see the class comment for the representation). */
    public void write(OutputStream out) throws IOException {
        if (!complete()) {
            throw new IllegalStateException("analysis is incomplete");
        }
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(MAGIC);
        d.writeInt(FORMAT_VERSION);
        d.writeInt(frames);
        d.writeInt(width);
        d.writeInt(height);
        d.writeInt(flowWidth);
        d.writeInt(flowHeight);
        for (double[] v : List.of(sourceWarpError, sourceWarpErrorLowpass, sourceContrast)) {
            d.writeInt(v.length);
            for (double x : v) {
                d.writeDouble(x);
            }
        }
        // one compressed chunk per direction of each pair, per frame's edges and per frame's mask: a job decompresses
        // only the parts it uses, when it uses them
        List<byte[]> chunks = new ArrayList<>();
        for (int p = 0; p < frames - 1; p++) {
            chunks.add(directionBytes(p, FORWARD));
            chunks.add(directionBytes(p, BACKWARD));
        }
        for (int t = 0; t < frames; t++) {
            chunks.add(edges[t] != null ? edges[t] : unpack(EDGES, t, bitBytes(width * height)));
        }
        for (int t = 0; t < frames; t++) {
            byte[] m;
            synchronized (masks) {
                m = masks[t];
            }
            if (m == null && packed != null && packed[MASKS][t] != null) {
                m = unpack(MASKS, t, width * height);
            }
            chunks.add(m == null ? new byte[0] : m);
        }
        List<byte[]> packedChunks = chunks.parallelStream().map(c -> c.length == 0 ? c : compress(c)).toList();
        for (byte[] c : packedChunks) {
            d.writeInt(c.length);
            d.write(c);
        }
        d.flush();
    }

    /** Reads an analysis written by {@link #write}; throws {@link IOException} for a foreign or damaged file. */
    public static SourceAnalysis read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        if (d.readInt() != MAGIC || d.readInt() != FORMAT_VERSION) {
            throw new IOException("not a source analysis of format " + FORMAT_VERSION);
        }
        int n = d.readInt();
        int w = d.readInt();
        int h = d.readInt();
        int fw = d.readInt();
        int fh = d.readInt();
        if (n < 1 || n > 100_000 || w < 1 || h < 1 || fw < 1 || fh < 1 || (long) w * h > 100_000_000L
                || (long) fw * fh > 100_000_000L) {
            throw new IOException("source analysis has implausible dimensions");
        }
        SourceAnalysis a = new SourceAnalysis(n, w, h, fw, fh);
        double[][] sides = new double[3][];
        for (int i = 0; i < 3; i++) {
            int len = d.readInt();
            if (len < 0 || len > n) {
                throw new IOException("source analysis metric of length " + len);
            }
            sides[i] = new double[len];
            for (int k = 0; k < len; k++) {
                sides[i][k] = d.readDouble();
            }
        }
        a.sourceWarpError = sides[0];
        a.sourceWarpErrorLowpass = sides[1];
        a.sourceContrast = sides[2];
        byte[][][] parts = {new byte[n - 1][], new byte[n - 1][], new byte[n][], new byte[n][]};
        for (int p = 0; p < n - 1; p++) {
            parts[FORWARD][p] = chunk(d, false);
            parts[BACKWARD][p] = chunk(d, false);
        }
        for (int t = 0; t < n; t++) {
            parts[EDGES][t] = chunk(d, false);
        }
        for (int t = 0; t < n; t++) {
            parts[MASKS][t] = chunk(d, true);
        }
        a.packed = parts;
        return a;
    }

    private static byte @org.jspecify.annotations.Nullable [] chunk(DataInputStream d, boolean optional)
            throws IOException {
        int len = d.readInt();
        if (len < 0 || len > 64 << 20 || (len == 0 && !optional)) {
            throw new IOException("source analysis chunk of " + len + " bytes");
        }
        byte[] c = d.readNBytes(len);
        if (c.length != len) {
            throw new IOException("source analysis is truncated");
        }
        return len == 0 ? null : c;
    }

    /** One direction of flow pair {@code p} as bytes: the flow row-delta-coded (smooth fields compress well so), then
     * its consistency bits. */
    private byte[] directionBytes(int p, int kind) {
        if ((kind == FORWARD ? forward[p] : backward[p]) == null) {
            readDirection(p, kind);
        }
        short[] flow = kind == FORWARD ? forward[p] : backward[p];
        byte[] ok = kind == FORWARD ? forwardOk[p] : backwardOk[p];
        ByteBuffer b = ByteBuffer.allocate(2 * flow.length + ok.length);
        for (int y = 0; y < flowHeight; y++) {
            short px = 0;
            short py = 0;
            for (int x = 0; x < flowWidth; x++) {
                int i = 2 * (y * flowWidth + x);
                b.putShort((short) (flow[i] - px));
                b.putShort((short) (flow[i + 1] - py));
                px = flow[i];
                py = flow[i + 1];
            }
        }
        b.put(ok);
        return b.array();
    }

    private void undelta(ByteBuffer b, short[] flow) {
        // the deltas in one bulk read (big-endian, as written), then summed along each row in place
        b.asShortBuffer().get(flow, 0, 2 * flowWidth * flowHeight);
        b.position(b.position() + 4 * flowWidth * flowHeight);
        for (int y = 0; y < flowHeight; y++) {
            short px = 0;
            short py = 0;
            for (int x = 0, i = 2 * y * flowWidth; x < flowWidth; x++, i += 2) {
                px = (short) (px + flow[i]);
                py = (short) (py + flow[i + 1]);
                flow[i] = px;
                flow[i + 1] = py;
            }
        }
    }

    /** zstd level of the stored parts: level 3 (zstd's default) packs the flow 14 % smaller than zlib's fastest. */
    private static final int ZSTD_LEVEL = 3;

    /** Each part is a zstd frame with its content checksum, so a damaged file is refused, not read as other flow. */
    private static byte[] compress(byte[] raw) {
        try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
            return ctx.setLevel(ZSTD_LEVEL).setChecksum(true).compress(raw);
        }
    }

    private static byte[] decompress(byte[] packed, int size) throws IOException {
        byte[] out = new byte[size];
        long got;
        try {
            got = Zstd.decompressByteArray(out, 0, size, packed, 0, packed.length);
        } catch (ZstdException e) {
            throw new IOException("source analysis chunk is damaged: " + e.getMessage(), e);
        }
        if (got != size) {
            throw new IOException("source analysis chunk decompresses to " + got + " bytes, expected " + size);
        }
        return out;
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    static short[] quantise(Mat flow) {
        int count = 2 * flow.cols() * flow.rows();
        float[] f = new float[count];
        ((java.nio.FloatBuffer) flow.createBuffer()).get(0, f);
        short[] q = new short[count];
        for (int i = 0; i < count; i++) {
            float v = f[i] * FLOW_UNITS;
            // non-finite or beyond ±2047 px: clamp (no neighbouring frames move that far on a sane grid)
            q[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Float.isFinite(v) ? Math.round(v) : 0));
        }
        return q;
    }

    static int bitBytes(int bits) {
        return (bits + 7) / 8;
    }

    /** Packs a 0/non-zero 8-bit image into bits (row-major, continuous). */
    static byte[] packBits(Mat mask) {
        int count = mask.cols() * mask.rows();
        byte[] px = new byte[count];
        Mat m = mask.isContinuous() ? mask : mask.clone();
        ((ByteBuffer) m.createBuffer()).get(0, px);
        if (m != mask) {
            m.close();
        }
        byte[] bits = new byte[bitBytes(count)];
        for (int i = 0; i < count; i++) {
            if (px[i] != 0) {
                bits[i >> 3] |= (byte) (1 << (i & 7));
            }
        }
        return bits;
    }

    /** A 0/255 8-bit image from bits. */
    static Mat unpackBits(byte[] bits, int w, int h) {
        int count = w * h;
        byte[] px = new byte[count];
        // a byte at a time: edge maps are mostly empty bytes, consistency masks mostly full ones
        for (int k = 0, base = 0; k < bits.length; k++, base += 8) {
            int v = bits[k] & 0xff;
            if (v == 0) {
                continue;
            }
            int end = Math.min(8, count - base);
            if (v == 0xff && end == 8) {
                java.util.Arrays.fill(px, base, base + 8, (byte) 255);
                continue;
            }
            for (int j = 0; j < end; j++) {
                if ((v & (1 << j)) != 0) {
                    px[base + j] = (byte) 255;
                }
            }
        }
        Mat m = new Mat(h, w, CV_8UC1);
        ((ByteBuffer) m.createBuffer()).put(0, px);
        return m;
    }

    /** The sha256 (hex) of a file: what the server's blob keys are, and what the cache is keyed by. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[256 * 1024];
            for (int k = in.read(buf); k >= 0; k = in.read(buf)) {
                md.update(buf, 0, k);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
