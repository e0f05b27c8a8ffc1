package dev.ditto.agent.writer;

import static dev.ditto.agent.writer.GrammarVocabulary.*;

import dev.ditto.agent.SourceFacts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the grammar takes from a source's facts: setting words and person nouns from a fixed vocabulary, weights
 * that favour edits that suit the setting, colours that contrast with the source's, a strength cap, and the objects
 * PROBE detected (the only objects an object edit may name).
 */
record SourceContext(
        List<String> scenes,
        List<String> subjects,
        boolean pluralSubject,
        Map<String, Double> styleWeights,
        Map<String, Double> gradeWeights,
        List<NamedColour> contrastingColours,
        double snowChance,
        double maxStrength,
        List<String> objects,
        boolean hasPeople) {

    private static final Pattern WORD = Pattern.compile("[^\\p{L}]+");

    static SourceContext of(SourceFacts facts) {
        Set<String> words = new LinkedHashSet<>();
        for (String w : facts.sceneWords()) {
            words.add(w.toLowerCase(Locale.ROOT).strip());
        }
        for (String t : facts.tags()) {
            words.add(t.toLowerCase(Locale.ROOT).strip());
        }
        if (facts.caption() != null) {
            for (String w : WORD.split(facts.caption().toLowerCase(Locale.ROOT))) {
                words.add(w);
            }
        }
        List<String> scenes = words.stream().filter(SCENE_NOUNS::contains).filter(w -> !w.equals("snow")).toList();
        if (scenes.isEmpty()) {
            scenes = GENERIC_SCENES;
        }
        boolean plural = facts.faceScore() >= 2 || words.stream().anyMatch(PLURAL_SUBJECTS::contains);
        List<String> subjects = plural
                ? words.stream().filter(PLURAL_SUBJECTS::contains).toList()
                : words.stream().filter(SINGULAR_SUBJECTS::contains).toList();
        if (subjects.isEmpty()) {
            subjects = plural ? List.of("people") : List.of("person");
        }

        Set<String> setting = new LinkedHashSet<>(words);
        boolean indoor = setting.stream().anyMatch(INDOOR::contains);
        boolean waterside = setting.stream().anyMatch(WATERSIDE::contains);
        boolean urban = setting.stream().anyMatch(URBAN::contains);
        boolean green = setting.stream().anyMatch(GREEN::contains);
        boolean snowy = setting.contains("snow") || setting.contains("mountain");
        double luminance = meanLuminance(facts.dominantColours());
        double warmth = warmth(facts.dominantColours());

        Map<String, Double> grades = new LinkedHashMap<>();
        for (String g : List.of("sunset", "night", "winter", "autumn", "vintage_film", "noir", "sepia", "cyberpunk",
                "golden_hour", "underwater")) {
            grades.put(g, 1.0);
        }
        if (luminance < 0.25) {
            scale(grades, 0.3, "night", "noir");
        }
        if (warmth > 0.15) {
            scale(grades, 0.5, "sunset", "golden_hour", "autumn", "sepia");
        } else if (warmth < -0.15) {
            scale(grades, 0.5, "winter", "underwater");
        }
        if (waterside) {
            scale(grades, 3.0, "underwater");
            scale(grades, 1.5, "sunset", "golden_hour");
        }
        if (urban) {
            scale(grades, 2.0, "cyberpunk");
            scale(grades, 1.5, "night", "noir");
        }
        if (green) {
            scale(grades, 2.0, "autumn");
            scale(grades, 1.5, "winter");
        }
        if (snowy) {
            scale(grades, 0.2, "winter");
        }
        if (indoor) {
            scale(grades, 0.4, "underwater");
            scale(grades, 0.7, "sunset", "golden_hour");
        }

        Map<String, Double> styles = new LinkedHashMap<>();
        for (String s : List.of("stylize", "pencil_sketch", "colour_pencil", "cartoon", "oil_paint", "watercolour",
                "pixel_art", "edge_glow")) {
            styles.put(s, 1.0);
        }
        if (facts.textOverlayScore() > 0.05) {
            scale(styles, 0.4, "pixel_art", "edge_glow");
        }
        if (facts.motionScore() > 6) {
            scale(styles, 0.6, "pixel_art", "pencil_sketch"); // fine line textures flicker on fast motion
        }

        double maxStrength = facts.motionScore() > 6 || facts.textOverlayScore() > 0.05 ? 0.75 : 1.0;
        double snowChance = snowy ? 0.75 : indoor ? 0.35 : urban ? 0.4 : 0.5;
        return new SourceContext(scenes, subjects, plural, styles, grades,
                contrasting(facts.dominantColours()), snowChance, maxStrength, facts.objects(), facts.hasPeople());
    }

    private static void scale(Map<String, Double> weights, double factor, String... keys) {
        for (String k : keys) {
            weights.computeIfPresent(k, (key, w) -> w * factor);
        }
    }

    /** Colours whose hue is at least 60 degrees from every saturated dominant colour; all colours if none is. */
    private static List<NamedColour> contrasting(List<String> dominant) {
        List<Double> hues = new ArrayList<>();
        for (String hex : dominant) {
            float[] hsb = hsb(hex);
            if (hsb != null && hsb[1] > 0.25 && hsb[2] > 0.15) {
                hues.add(hsb[0] * 360.0);
            }
        }
        List<NamedColour> far = COLOURS.stream()
                .filter(c -> hues.stream().allMatch(h -> hueDistance(h, c.hue()) >= 60))
                .toList();
        return far.isEmpty() ? COLOURS : far;
    }

    static double hueDistance(double a, double b) {
        double d = Math.abs(a - b) % 360;
        return d > 180 ? 360 - d : d;
    }

    private static double meanLuminance(List<String> colours) {
        double sum = 0;
        int n = 0;
        for (String hex : colours) {
            int[] rgb = rgb(hex);
            if (rgb != null) {
                sum += (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255.0;
                n++;
            }
        }
        return n == 0 ? 0.5 : sum / n;
    }

    private static double warmth(List<String> colours) {
        double sum = 0;
        int n = 0;
        for (String hex : colours) {
            int[] rgb = rgb(hex);
            if (rgb != null) {
                sum += (rgb[0] - rgb[2]) / 255.0;
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    private static float @org.jspecify.annotations.Nullable [] hsb(String hex) {
        int[] rgb = rgb(hex);
        return rgb == null ? null : java.awt.Color.RGBtoHSB(rgb[0], rgb[1], rgb[2], null);
    }

    private static int @org.jspecify.annotations.Nullable [] rgb(String hex) {
        String h = hex.strip();
        if (!h.matches("#[0-9a-fA-F]{6}")) {
            return null;
        }
        int v = Integer.parseInt(h.substring(1), 16);
        return new int[] {(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff};
    }
}
