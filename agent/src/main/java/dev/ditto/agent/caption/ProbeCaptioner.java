package dev.ditto.agent.caption;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in captioner ({@value #ENGINE}): composes a dense caption from what the probe measured, without a model
 * and without looking at pixels: people (how often, how large, how many faces), detected objects ({@code object:<class>}
 * tags, optionally {@code object:<class>:<count>}), setting words, dominant colours and brightness, motion, text
 * overlay, image quality and duration. Deterministic: the same measurements give the same caption.
 */
public final class ProbeCaptioner implements Captioner {

    /** The engine label of built-in captions. */
    public static final String ENGINE = "builtin.caption-from-probe";
    /** Version of the wording, recorded with every caption. */
    public static final String VERSION = "caption-from-probe-2026.1";

    /** Tags the runner's probe derives from scores: already said through the scores. */
    private static final Set<String> SCORE_TAGS = Set.of("high_motion", "static", "people", "faces", "text_overlay");
    private static final List<String> COLOURS = List.of("red", "orange", "yellow", "green", "cyan", "blue", "purple", "pink");
    private static final Pattern OBJECT = Pattern.compile("object[:=]([\\p{L}\\p{N} _-]{1,40}?)(?:[:=x](\\d{1,4}))?");
    private static final Pattern WORDISH = Pattern.compile("[\\p{L}\\p{N} _-]{1,40}");
    private static final String[] SMALL = {"no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};

    @Override
    public String engine() {
        return ENGINE;
    }

    @Override
    public Caption caption(CaptionInput in) {
        return new Caption(describe(in), ENGINE, "probe-measurements", VERSION);
    }

    /** The caption text for {@code in}. */
    public static String describe(CaptionInput in) {
        Map<String, Integer> objects = new LinkedHashMap<>();
        Set<String> colours = new LinkedHashSet<>();
        Set<String> setting = new LinkedHashSet<>();
        boolean dark = false;
        boolean monochrome = false;
        for (String raw : in.tags()) {
            String tag = raw.strip().toLowerCase(Locale.ROOT);
            Matcher m = OBJECT.matcher(tag);
            if (m.matches()) {
                String name = m.group(1).replace('_', ' ').replace('-', ' ').strip();
                int count = m.group(2) == null ? 1 : Math.max(1, Integer.parseInt(m.group(2)));
                if (!name.isEmpty()) {
                    objects.merge(name, count, Math::max);
                }
            } else if (COLOURS.contains(tag)) {
                colours.add(tag);
            } else if (tag.equals("dark")) {
                dark = true;
            } else if (tag.equals("monochrome")) {
                monochrome = true;
            } else if (!SCORE_TAGS.contains(tag) && !tag.contains(":") && WORDISH.matcher(tag).matches()) {
                setting.add(tag.replace('_', ' ').strip());
            }
        }

        List<String> sentences = new ArrayList<>();
        sentences.add(opening(in) + " " + subjects(in, objects) + settingPhrase(setting) + ".");
        String look = look(colours, dark, monochrome);
        if (!look.isEmpty()) {
            sentences.add(look);
        }
        String motion = motion(in);
        if (!motion.isEmpty()) {
            sentences.add(motion);
        }
        if (in.has("text_overlay")) {
            double text = in.score("text_overlay");
            sentences.add(text >= 0.01
                    ? String.format(Locale.ROOT, "On-screen text or graphics cover about %s of the frame.", percent(text))
                    : "No on-screen text is visible.");
        }
        if (in.has("brisque")) {
            double b = in.score("brisque");
            sentences.add(b < 30 ? "The picture is clean and sharp." : b < 50 ? "The picture quality is fair."
                    : "The picture is noisy or soft.");
        }
        return String.join(" ", sentences);
    }

    private static String opening(CaptionInput in) {
        StringBuilder s = new StringBuilder("A");
        if (in.durationSeconds() != null && in.durationSeconds() > 0) {
            s.append(String.format(Locale.ROOT, " %.1f-second", in.durationSeconds()));
        }
        s.append(" video");
        if (in.clips() > 1) {
            s.append(" (").append(in.clips()).append(" clips)");
        }
        return s.toString();
    }

    private static String subjects(CaptionInput in, Map<String, Integer> objects) {
        List<String> parts = new ArrayList<>();
        String people = people(in, objects);
        if (!people.isEmpty()) {
            parts.add(people);
        }
        List<String> things = new ArrayList<>();
        objects.forEach((name, count) -> {
            if (!isPerson(name)) {
                things.add(count == 1 ? article(name) + " " + name : number(count) + " " + plural(name));
            }
        });
        if (!things.isEmpty()) {
            parts.add("with " + join(things) + " in view");
        }
        if (parts.isEmpty()) {
            return "of a scene";
        }
        return String.join(", ", parts);
    }

    private static String people(CaptionInput in, Map<String, Integer> objects) {
        int detectedPeople = objects.entrySet().stream().filter(e -> isPerson(e.getKey()))
                .mapToInt(Map.Entry::getValue).max().orElse(0);
        if (!in.has("people") && detectedPeople == 0) {
            return "";
        }
        double share = in.score("people");
        int faces = (int) Math.round(in.score("faces"));
        int count = Math.max(faces, detectedPeople);
        if (share <= 0 && detectedPeople == 0) {
            return "of a scene with nobody in view";
        }
        String who = count >= 2 ? number(count) + " people" : "a person";
        StringBuilder s = new StringBuilder("of ").append(who);
        if (in.has("person_area")) {
            double area = in.score("person_area");
            s.append(area >= 0.4 ? " in close-up, filling much of the frame"
                    : area >= 0.1 ? " in a medium shot" : " seen small in the frame, from a distance");
        }
        if (share > 0 && share < 0.5) {
            s.append(String.format(Locale.ROOT, " who appear%s in only part of the video (%s of frames)",
                    count >= 2 ? "" : "s", percent(share)));
        } else if (share >= 0.5) {
            s.append(String.format(Locale.ROOT, " present in %s of frames", percent(share)));
        }
        if (faces >= 1) {
            s.append(faces == 1 ? ", one face clearly visible" : ", " + number(faces) + " faces visible");
        } else if (in.has("faces")) {
            s.append(", no face turned to the camera");
        }
        return s.toString();
    }

    private static String settingPhrase(Set<String> setting) {
        if (setting.isEmpty()) {
            return "";
        }
        return ", in a setting described as " + join(setting.stream().limit(6).toList());
    }

    private static String look(Set<String> colours, boolean dark, boolean monochrome) {
        List<String> parts = new ArrayList<>();
        if (!colours.isEmpty()) {
            parts.add("dominated by " + join(List.copyOf(colours)) + " tones");
        }
        if (monochrome) {
            parts.add("nearly colourless, almost black and white");
        }
        if (dark) {
            parts.add("dark and low-lit");
        }
        if (parts.isEmpty()) {
            return "";
        }
        String s = "The image is " + join(parts) + ".";
        return s;
    }

    private static String motion(CaptionInput in) {
        if (!in.has("motion")) {
            return "";
        }
        double m = in.score("motion");
        String what = m < 0.5 ? "The shot is almost static, with a still camera"
                : m < 2 ? "There is gentle, slow movement"
                : m < 6 ? "There is moderate movement of the camera or subjects"
                : "There is fast, energetic motion";
        return String.format(Locale.ROOT, "%s (mean optical flow %.1f px per frame).", what, m);
    }

    private static boolean isPerson(String name) {
        return name.equals("person") || name.equals("people") || name.equals("pedestrian");
    }

    private static String number(int n) {
        return n < SMALL.length ? SMALL[n] : String.valueOf(n);
    }

    private static String article(String noun) {
        return "aeiou".indexOf(noun.charAt(0)) >= 0 ? "an" : "a";
    }

    private static String plural(String noun) {
        if (noun.endsWith("s") || noun.endsWith("x") || noun.endsWith("ch") || noun.endsWith("sh")) {
            return noun + "es";
        }
        if (noun.endsWith("y") && noun.length() > 1 && "aeiou".indexOf(noun.charAt(noun.length() - 2)) < 0) {
            return noun.substring(0, noun.length() - 1) + "ies";
        }
        return noun + "s";
    }

    private static String percent(double fraction) {
        return Math.round(Math.max(0, Math.min(1, fraction)) * 100) + "%";
    }

    private static String join(List<String> items) {
        if (items.size() <= 1) {
            return items.isEmpty() ? "" : items.getFirst();
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.getLast();
    }
}
