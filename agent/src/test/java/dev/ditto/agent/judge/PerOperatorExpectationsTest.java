package dev.ditto.agent.judge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.protocol.EditSpec;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The metric judge's per-operator expectations on synthetic frames across a clip: a textured scene with a person (a
 * skin-coloured head over blue clothes) that walks across it, and the person mask the runner would send.
 */
class PerOperatorExpectationsTest {
    static final int W = 192;
    static final int H = 112;
    static final Color SKIN = new Color(224, 172, 140);
    static final Color HAIR = new Color(70, 45, 30);
    static final Color CLOTHES = new Color(40, 60, 160);

    private final MetricJudge judge = new MetricJudge();

    // ---- pixel art: blocks and palette, not mean difference ----

    @Test
    void aPixelatedClipPassesPixelArtThoughItsMeanChangeIsSmall() {
        Verdict v = judge.judge(input("Turn it into pixel art", new EditSpec("style", Map.of("style", "pixel_art"), 1, "x"),
                metrics("edit_strength", 0.017), t -> pixelate(scene(t), 8), false));

        assertThat(v.score(Criterion.INSTRUCTION_FOLLOWING).value()).isGreaterThan(0.7);
        assertThat(v.score(Criterion.INSTRUCTION_FOLLOWING).reason()).contains("flat-block share").contains("palette");
        assertThat(v.accepted()).isTrue();
    }

    @Test
    void anUnchangedClipFailsPixelArt() {
        Verdict v = judge.judge(input("Turn it into pixel art", new EditSpec("style", Map.of("style", "pixel_art"), 1, "x"),
                metrics("edit_strength", 0.017), PerOperatorExpectationsTest::scene, false));

        assertThat(v.decision()).isEqualTo(Decision.AUTO_REJECT);
        assertThat(v.reason()).startsWith("instruction_following");
    }

    // ---- background blur: the background must lose detail, the person must keep it ----

    @Test
    void anUnchangedClipFailsBackgroundBlur() {
        Verdict v = judge.judge(input("Blur the background behind the man", new EditSpec("background_blur", Map.of("radius", 15), 1, "x"),
                metrics(), PerOperatorExpectationsTest::scene, true));

        assertThat(v.decision()).isEqualTo(Decision.AUTO_REJECT);
        assertThat(v.reason()).startsWith("instruction_following").contains("background detail fell by 0%");
    }

    @Test
    void aBlurredBackgroundWithASharpPersonPassesAndABlurredPersonFails() {
        EditSpec spec = new EditSpec("background_blur", Map.of("radius", 15), 1, "x");
        Verdict good = judge.judge(input("Blur the background behind the man", spec, metrics(),
                t -> composite(scene(t), blur(scene(t), 4), t), true));
        Verdict blurredPerson = judge.judge(input("Blur the background behind the man", spec, metrics(),
                t -> blur(scene(t), 4), true));

        assertThat(good.accepted()).as(good.reason()).isTrue();
        assertThat(good.score(Criterion.INSTRUCTION_FOLLOWING).reason()).contains("background detail fell");
        assertThat(blurredPerson.decision()).isEqualTo(Decision.AUTO_REJECT);
        assertThat(blurredPerson.reason()).startsWith("preservation").contains("the person changed");
    }

    // ---- recolour: the hue must change inside the mask, and not on skin when the instruction is about clothes ----

    @Test
    void recolouringTheClothesPassesAndTintingFaceAndHairToo() {
        EditSpec spec = new EditSpec("person_recolour", Map.of("hue", 50), 1, "x");
        Verdict clothes = judge.judge(input("Dress the man in mustard yellow", spec, metrics(),
                t -> recolour(scene(t), t, 50, false), true));
        Verdict wholePerson = judge.judge(input("Dress the man in mustard yellow", spec, metrics(),
                t -> recolour(scene(t), t, 50, true), true));

        assertThat(clothes.accepted()).as(clothes.reason()).isTrue();
        assertThat(wholePerson.decision()).isEqualTo(Decision.AUTO_REJECT);
        assertThat(wholePerson.reason()).contains("skin and hair were tinted too");
    }

    @Test
    void aLuminanceOnlyChangeIsNotARecolour() {
        Verdict v = judge.judge(input("Dress the man in mustard yellow", new EditSpec("person_recolour", Map.of("hue", 50), 1, "x"),
                metrics(), t -> brightenPerson(scene(t), t), true));

        assertThat(v.decision()).isEqualTo(Decision.AUTO_REJECT);
        assertThat(v.reason()).startsWith("instruction_following").contains("hue 50");
    }

    @Test
    void aPersonEditWithAnEmptyMaskHasNothingToActOn() {
        Verdict v = judge.judge(new JudgeInput("s", "Dress the man in red", new EditSpec("person_recolour", Map.of("hue", 0), 1, "x"),
                jpeg(scene(0)), jpeg(scene(0)), metrics(), frames(PerOperatorExpectationsTest::scene,
                PerOperatorExpectationsTest::scene, t -> png(new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY)))));

        assertThat(v.decision()).isEqualTo(Decision.AUTO_REJECT);
        assertThat(v.reason()).contains("no person");
    }

    // ---- object edits: the runner sends the named object's mask (here the same moving shape, called a cup) ----

    @Test
    void recolouringTheObjectPassesAndBrighteningItFails() {
        EditSpec spec = new EditSpec("object_recolour", Map.of("object", "cup", "hue", 50), 1, "x");
        Verdict recoloured = judge.judge(input("Make the cup mustard yellow", spec, metrics(),
                t -> recolour(scene(t), t, 50, true), true));
        Verdict brighter = judge.judge(input("Make the cup mustard yellow", spec, metrics(),
                t -> brightenPerson(scene(t), t), true));

        assertThat(recoloured.accepted()).as(recoloured.reason()).isTrue();
        assertThat(brighter.decision()).isEqualTo(Decision.AUTO_REJECT);
        assertThat(brighter.reason()).startsWith("instruction_following").contains("hue 50");
    }

    @Test
    void anObjectEditThatSpillsOverTheSceneFailsPreservation() {
        EditSpec spec = new EditSpec("object_stylize", Map.of("object", "cup", "style", "cartoon"), 1, "x");
        Verdict v = judge.judge(input("Make the cup look like a cartoon", spec, metrics(), t -> grey(scene(t)), true));

        assertThat(v.decision()).isEqualTo(Decision.AUTO_REJECT);
        assertThat(v.reason()).contains("the scene outside the cup changed");
    }

    @Test
    void aGreyGhostFailsObjectRemoveAndAContinuedBackgroundPasses() {
        EditSpec spec = new EditSpec("object_remove", Map.of("object", "cup"), 1, "x");
        Verdict ghost = judge.judge(input("Remove the cup", spec, metrics(), t -> ghost(scene(t), t), true));
        Verdict removed = judge.judge(input("Remove the cup", spec, metrics(), PerOperatorExpectationsTest::background, true));

        assertThat(ghost.decision()).isEqualTo(Decision.AUTO_REJECT);
        assertThat(ghost.reason()).startsWith("instruction_following").contains("surroundings' detail");
        assertThat(removed.accepted()).as(removed.reason()).isTrue();
    }

    @Test
    void anObjectEditWhoseObjectWasNeverFoundHasNothingToActOn() {
        Verdict v = judge.judge(new JudgeInput("s", "Make the cup red",
                new EditSpec("object_recolour", Map.of("object", "cup", "hue", 0), 1, "x"), jpeg(scene(0)), jpeg(scene(0)),
                metrics(), frames(PerOperatorExpectationsTest::scene, PerOperatorExpectationsTest::scene,
                t -> png(new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY)))));

        assertThat(v.decision()).isEqualTo(Decision.AUTO_REJECT);
        assertThat(v.reason()).contains("there is no cup for object_recolour to act on");
    }

    // ---- added signs and stickers: the runner sends where the element was drawn ----

    @Test
    void aStickerDrawnInItsRegionPassesAndAMissingOneFails() {
        EditSpec spec = new EditSpec("add_sticker", Map.of("shape", "star"), 1, "x");
        Verdict drawn = judge.judge(sticker(spec, t -> withSticker(scene(t)), metrics()));
        Verdict missing = judge.judge(sticker(spec, PerOperatorExpectationsTest::scene, metrics()));

        assertThat(drawn.accepted()).as(drawn.reason()).isTrue();
        assertThat(drawn.score(Criterion.INSTRUCTION_FOLLOWING).reason()).contains("added element's region changed by");
        assertThat(missing.decision()).isEqualTo(Decision.AUTO_REJECT);
        assertThat(missing.reason()).startsWith("instruction_following");
    }

    @Test
    void aStickerThatRegradesTheWholeFrameFailsPreservation() {
        EditSpec spec = new EditSpec("add_sticker", Map.of("shape", "star"), 1, "x");
        Verdict v = judge.judge(sticker(spec, t -> withSticker(darken(scene(t), 0.5)), metrics()));

        assertThat(v.decision()).isEqualTo(Decision.AUTO_REJECT);
        assertThat(v.reason()).contains("the scene outside the added element changed");
    }

    @Test
    void aSignThatFlickersGetsNoParticleAllowance() {
        Verdict sign = judge.judge(sticker(new EditSpec("add_sign", Map.of("text", "OPEN"), 1, "x"),
                t -> withSticker(scene(t)), metrics("warp_error", 3.0)));
        Verdict rain = judge.judge(input("Add rain", new EditSpec("add_rain", Map.of(), 1, "x"), metrics("warp_error", 3.0),
                PerOperatorExpectationsTest::scene, false));

        assertThat(sign.score(Criterion.TEMPORAL_CONSISTENCY).value()).isLessThan(0.35);
        assertThat(rain.score(Criterion.TEMPORAL_CONSISTENCY).value()).isGreaterThanOrEqualTo(0.7);
    }

    static JudgeInput sticker(EditSpec spec, IntFunction<BufferedImage> edited, Map<String, Double> metrics) {
        List<FramePair> pairs = frames(PerOperatorExpectationsTest::scene, edited, t -> png(box()));
        return new JudgeInput("s", "Add a sticker", spec, pairs.get(2).source(), pairs.get(2).edited(), metrics, pairs);
    }

    static boolean inBox(int x, int y) {
        return x >= 140 && x < 176 && y >= 10 && y < 46;
    }

    /** The sticker's footprint (a square in the top right, on the wall). */
    static BufferedImage box() {
        BufferedImage m = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                m.getRaster().setSample(x, y, 0, inBox(x, y) ? 255 : 0);
            }
        }
        return m;
    }

    /** A yellow diamond inside the footprint (half of it), the rest of the frame as it was. */
    static BufferedImage withSticker(BufferedImage src) {
        BufferedImage out = copy(src);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                if (inBox(x, y) && Math.abs(x - 158) + Math.abs(y - 28) <= 18) {
                    out.setRGB(x, y, new Color(250, 210, 40).getRGB());
                }
            }
        }
        return out;
    }

    // ---- remove: a grey ghost is not a removal ----

    @Test
    void aGreyGhostFailsPersonRemove() {
        Verdict v = judge.judge(input("Remove the man", new EditSpec("person_remove", Map.of(), 1, "x"), metrics(),
                t -> ghost(scene(t), t), true));

        assertThat(v.decision()).isEqualTo(Decision.AUTO_REJECT);
        assertThat(v.reason()).startsWith("instruction_following").contains("surroundings' detail");
    }

    @Test
    void aFillThatContinuesTheBackgroundPassesPersonRemove() {
        Verdict v = judge.judge(input("Remove the man", new EditSpec("person_remove", Map.of(), 1, "x"), metrics(),
                PerOperatorExpectationsTest::background, true));

        assertThat(v.accepted()).as(v.reason()).isTrue();
    }

    // ---- grain: judged on the low-passed warp error ----

    @Test
    void aNoirGradesGrainIsNotFlicker() {
        Map<String, Double> m = metrics("warp_error", 3.2, "brisque", 38.0);
        m.put("warp_error_lowpass", 1.05);
        Verdict v = judge.judge(input("Film noir", new EditSpec("grade", Map.of("grade", "noir"), 1, "x"), m,
                t -> grey(scene(t)), false));

        assertThat(v.accepted()).as(v.reason()).isTrue();
        assertThat(v.score(Criterion.TEMPORAL_CONSISTENCY).reason()).contains("warp_error_lowpass 1.05");
        assertThat(v.score(Criterion.VISUAL_QUALITY).value()).as("grain reads as noise to BRISQUE: 13 worse is no blame")
                .isEqualTo(1.0);
    }

    @Test
    void aGradeThatIsOnlyInSomeFramesFlickers() {
        Verdict v = judge.judge(input("Make it night", new EditSpec("grade", Map.of("grade", "night"), 1, "x"),
                metrics("edit_strength", 0.1), t -> t % 2 == 0 ? darken(scene(t), 0.3) : darken(scene(t), 0.85), false));

        assertThat(v.score(Criterion.TEMPORAL_CONSISTENCY).value()).isLessThan(0.35);
        assertThat(v.score(Criterion.TEMPORAL_CONSISTENCY).reason()).contains("the change varies by");
    }

    @Test
    void everyFrameCountsNotOnlyTheKeyFrame() {
        // the key frame (the middle pair) is graded, the rest of the clip is not
        Verdict v = judge.judge(input("Make it night", new EditSpec("grade", Map.of("grade", "night"), 1, "x"),
                metrics("edit_strength", 0.1), t -> t == 2 ? darken(scene(t), 0.6) : scene(t), false));

        assertThat(v.score(Criterion.INSTRUCTION_FOLLOWING).value()).isLessThan(0.5);
        assertThat(v.score(Criterion.INSTRUCTION_FOLLOWING).reason()).contains("over 4 frames");
    }

    // ---- helpers: a textured scene with a person walking across it ----

    static Map<String, Double> metrics(Object... kv) {
        Map<String, Double> m = new HashMap<>(Map.of("warp_error", 1.0, "edge_ssim", 0.9, "edit_strength", 0.05,
                "brisque", 25.0, "brisque_source", 25.0));
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], ((Number) kv[i + 1]).doubleValue());
        }
        return m;
    }

    static JudgeInput input(String instruction, EditSpec spec, Map<String, Double> metrics, IntFunction<BufferedImage> edited,
                            boolean withMask) {
        List<FramePair> pairs = frames(PerOperatorExpectationsTest::scene, edited, withMask ? t -> png(mask(t)) : t -> new byte[0]);
        return new JudgeInput("s", instruction, spec, pairs.get(2).source(), pairs.get(2).edited(), metrics, pairs);
    }

    static List<FramePair> frames(IntFunction<BufferedImage> source, IntFunction<BufferedImage> edited, IntFunction<byte[]> mask) {
        List<FramePair> out = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            out.add(new FramePair(t * 10, jpeg(source.apply(t)), jpeg(edited.apply(t)), mask.apply(t)));
        }
        return out;
    }

    static int personX(int t) {
        return 50 + t * 25;
    }

    static boolean inPerson(int x, int y, int t) {
        return inHead(x, y, t) || inBody(x, y, t);
    }

    static boolean inHead(int x, int y, int t) {
        int cx = personX(t) + 15;
        return (x - cx) * (x - cx) + (y - 22) * (y - 22) <= 12 * 12;
    }

    static boolean inHair(int x, int y, int t) {
        return inHead(x, y, t) && y < 17;
    }

    static boolean inBody(int x, int y, int t) {
        return x >= personX(t) && x < personX(t) + 30 && y >= 34 && y < 104;
    }

    /** A textured background: grass-like noise below, a wall of bricks above. */
    static BufferedImage background(int t) {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        SplittableRandom r = new SplittableRandom(7);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int n = r.nextInt(50);
                Color c = y < 50 ? ((x / 12 + y / 6) % 2 == 0 ? new Color(150 + n / 2, 80 + n / 3, 60) : new Color(120, 110, 100 + n / 2))
                        : new Color(40 + n / 2, 120 + n, 50 + n / 3);
                img.setRGB(x, y, c.getRGB());
            }
        }
        return img;
    }

    static BufferedImage scene(int t) {
        BufferedImage img = background(t);
        SplittableRandom r = new SplittableRandom(11);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int n = r.nextInt(30) - 15; // texture: fabric and skin are not flat
                if (inHair(x, y, t)) {
                    img.setRGB(x, y, shade(HAIR, n).getRGB());
                } else if (inHead(x, y, t)) {
                    img.setRGB(x, y, shade(SKIN, n).getRGB());
                } else if (inBody(x, y, t)) {
                    img.setRGB(x, y, shade((y / 8) % 2 == 0 ? CLOTHES : CLOTHES.brighter(), 2 * n).getRGB());
                }
            }
        }
        return img;
    }

    static Color shade(Color c, int n) {
        return new Color(Math.max(0, Math.min(255, c.getRed() + n)), Math.max(0, Math.min(255, c.getGreen() + n)),
                Math.max(0, Math.min(255, c.getBlue() + n)));
    }

    static BufferedImage mask(int t) {
        BufferedImage m = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                m.getRaster().setSample(x, y, 0, inPerson(x, y, t) ? 255 : 0);
            }
        }
        return m;
    }

    static BufferedImage pixelate(BufferedImage src, int block) {
        BufferedImage out = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        for (int by = 0; by < H; by += block) {
            for (int bx = 0; bx < W; bx += block) {
                Color c = new Color(src.getRGB(bx + Math.min(block, W - bx) / 2, by + Math.min(block, H - by) / 2));
                Color q = new Color(c.getRed() / 64 * 64 + 32, c.getGreen() / 64 * 64 + 32, c.getBlue() / 64 * 64 + 32);
                for (int y = by; y < Math.min(H, by + block); y++) {
                    for (int x = bx; x < Math.min(W, bx + block); x++) {
                        out.setRGB(x, y, q.getRGB());
                    }
                }
            }
        }
        return out;
    }

    static BufferedImage blur(BufferedImage src, int r) {
        BufferedImage out = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int sr = 0;
                int sg = 0;
                int sb = 0;
                int n = 0;
                for (int dy = -r; dy <= r; dy++) {
                    for (int dx = -r; dx <= r; dx++) {
                        int xx = Math.max(0, Math.min(W - 1, x + dx));
                        int yy = Math.max(0, Math.min(H - 1, y + dy));
                        Color c = new Color(src.getRGB(xx, yy));
                        sr += c.getRed();
                        sg += c.getGreen();
                        sb += c.getBlue();
                        n++;
                    }
                }
                out.setRGB(x, y, new Color(sr / n, sg / n, sb / n).getRGB());
            }
        }
        return out;
    }

    /** The person from {@code person}, the rest from {@code rest}. */
    static BufferedImage composite(BufferedImage person, BufferedImage rest, int t) {
        BufferedImage out = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                out.setRGB(x, y, (inPerson(x, y, t) ? person : rest).getRGB(x, y));
            }
        }
        return out;
    }

    /** Sets the hue of the clothes (or of the whole person: face and hair too), as the runner's recolour does. */
    static BufferedImage recolour(BufferedImage src, int t, double hue, boolean wholePerson) {
        BufferedImage out = copy(src);
        float[] hsb = new float[3];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                if (wholePerson ? inPerson(x, y, t) : inBody(x, y, t)) {
                    Color c = new Color(src.getRGB(x, y));
                    Color.RGBtoHSB(c.getRed(), c.getGreen(), c.getBlue(), hsb);
                    out.setRGB(x, y, Color.HSBtoRGB((float) (hue / 360), Math.max(0.6f, hsb[1]), Math.max(0.5f, hsb[2])));
                }
            }
        }
        return out;
    }

    static BufferedImage brightenPerson(BufferedImage src, int t) {
        BufferedImage out = copy(src);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                if (inPerson(x, y, t)) {
                    Color c = new Color(src.getRGB(x, y));
                    out.setRGB(x, y, new Color(Math.min(255, c.getRed() * 2), Math.min(255, c.getGreen() * 2),
                            Math.min(255, c.getBlue() * 2)).getRGB());
                }
            }
        }
        return out;
    }

    /** The person replaced by a flat grey silhouette. */
    static BufferedImage ghost(BufferedImage src, int t) {
        BufferedImage out = copy(src);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                if (inPerson(x, y, t)) {
                    out.setRGB(x, y, new Color(128, 128, 128).getRGB());
                }
            }
        }
        return out;
    }

    static BufferedImage grey(BufferedImage src) {
        BufferedImage out = copy(src);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                Color c = new Color(src.getRGB(x, y));
                int l = (int) (0.3 * c.getRed() + 0.59 * c.getGreen() + 0.11 * c.getBlue());
                out.setRGB(x, y, new Color(l, l, l).getRGB());
            }
        }
        return out;
    }

    static BufferedImage darken(BufferedImage src, double f) {
        BufferedImage out = copy(src);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                Color c = new Color(src.getRGB(x, y));
                out.setRGB(x, y, new Color((int) (c.getRed() * f), (int) (c.getGreen() * f), (int) (c.getBlue() * f * 1.1 > 255 ? 255 : c.getBlue() * f * 1.1)).getRGB());
            }
        }
        return out;
    }

    static BufferedImage copy(BufferedImage src) {
        BufferedImage out = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        out.getGraphics().drawImage(src, 0, 0, null);
        return out;
    }

    static byte[] jpeg(BufferedImage img) {
        return encode(img, "jpg");
    }

    static byte[] png(BufferedImage img) {
        return encode(img, "png");
    }

    private static byte[] encode(BufferedImage img, String format) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(img, format, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
