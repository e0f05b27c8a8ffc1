package dev.ditto.agent;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.imageio.ImageIO;
import org.jspecify.annotations.Nullable;

/** Test fixtures: source facts builders and small generated key frames. */
public final class Fixtures {

    private Fixtures() {}

    /** A builder of source facts, starting from a street scene with nobody in it. */
    public static SourceBuilder aSource() {
        return new SourceBuilder();
    }

    /** Builds {@link SourceFacts} for tests. */
    public static final class SourceBuilder {
        private String id = "src-1";
        private @Nullable String caption = "a quiet street in the morning";
        private List<String> tags = List.of("street", "car");
        private double people;
        private double faces;
        private double motion = 2;
        private double text;
        private List<String> colours = List.of("#808080", "#3060a0");
        private List<String> scene = List.of("street");

        public SourceBuilder id(String value) { id = value; return this; }
        public SourceBuilder caption(@Nullable String value) { caption = value; return this; }
        public SourceBuilder tags(String... value) { tags = List.of(value); return this; }
        public SourceBuilder scene(String... value) { scene = List.of(value); return this; }
        public SourceBuilder colours(String... value) { colours = List.of(value); return this; }
        public SourceBuilder motion(double value) { motion = value; return this; }
        public SourceBuilder textOverlay(double value) { text = value; return this; }

        /** A person in every frame, one face, tagged as a woman. */
        public SourceBuilder withPeople() {
            people = 1;
            faces = 1;
            tags = List.of("woman", "street");
            return this;
        }

        public SourceFacts build() {
            return new SourceFacts(id, caption, tags, people, faces, motion, text, colours, scene);
        }
    }

    /** A 160×120 JPEG: a horizontal gradient with a few shapes, then a per-pixel colour transform. */
    public static byte[] keyFrame(UnaryOperator<Color> transform) {
        BufferedImage image = new BufferedImage(160, 120, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        for (int x = 0; x < 160; x++) {
            g.setColor(new Color(60 + x / 2, 110, 200 - x / 2));
            g.drawLine(x, 0, x, 119);
        }
        g.setColor(new Color(220, 180, 40));
        g.fillOval(20, 20, 40, 40);
        g.setColor(new Color(40, 160, 70));
        g.fillRect(90, 60, 50, 40);
        g.setColor(Color.WHITE);
        g.drawLine(0, 100, 159, 80);
        g.dispose();
        for (int y = 0; y < 120; y++) {
            for (int x = 0; x < 160; x++) {
                image.setRGB(x, y, transform.apply(new Color(image.getRGB(x, y))).getRGB());
            }
        }
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(image, "jpg", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The unedited key frame. */
    public static byte[] sourceFrame() {
        return keyFrame(c -> c);
    }
}
