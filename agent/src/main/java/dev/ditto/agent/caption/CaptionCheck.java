package dev.ditto.agent.caption;

import dev.ditto.agent.llm.UntrustedText;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a model's answer may become a caption: prose of a sensible length, not a refusal, not code or
 * JSON, not a loop of repeated words, and free of instruction-like text (a caption is later read by the instruction
 * writer, so a model steered by text in the frames must not smuggle instructions through it).
 */
public final class CaptionCheck {

    /** Shortest acceptable caption, in words. */
    static final int MIN_WORDS = 6;
    /** Longest caption kept, in characters (longer answers are cut at a sentence end). */
    public static final int MAX_CHARS = 1500;
    /** Answers longer than this are garbage, not a caption to cut. */
    static final int MAX_ANSWER_CHARS = 8000;

    private static final Pattern PREFIX = Pattern.compile("^(?i)(caption|description)\\s*:\\s*");
    private static final Pattern REFUSAL = Pattern.compile(
            "^(?i)(i'?m sorry|i am sorry|sorry,|i cannot|i can'?t|i am unable|i'?m unable|as an ai|unfortunately, i)");
    private static final Pattern MARKUP = Pattern.compile("<<<|>>>|\\{\\{|\\}\\}|</?[a-zA-Z_]+>|UNTRUSTED_DATA|[\\p{Cntrl}\\p{Cf}]");
    private static final Pattern CODE = Pattern.compile("^\\s*[\\[{<]|```");

    private CaptionCheck() {}

    /** The answer as a caption (trimmed, unquoted, cut to {@link #MAX_CHARS}), or the reason it is refused. */
    public record Result(@Nullable String caption, @Nullable String refusal) {
        public boolean accepted() {
            return caption != null;
        }
    }

    public static Result check(@Nullable String answer) {
        if (answer == null || answer.isBlank()) {
            return refused("the model returned an empty answer");
        }
        String text = answer.strip();
        if (text.length() > MAX_ANSWER_CHARS) {
            return refused("the answer is " + text.length() + " characters long, not a caption");
        }
        if (CODE.matcher(text).find()) {
            return refused("the answer is code or JSON, not a caption: '" + excerpt(text) + "'");
        }
        text = PREFIX.matcher(text).replaceFirst("");
        if (text.length() > 1 && (text.startsWith("\"") && text.endsWith("\"") || text.startsWith("'") && text.endsWith("'"))) {
            text = text.substring(1, text.length() - 1).strip();
        }
        text = text.replaceAll("\\s+", " ");
        if (REFUSAL.matcher(text).find()) {
            return refused("the model declined to caption: '" + excerpt(text) + "'");
        }
        List<String> words = List.of(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+")).stream()
                .filter(w -> !w.isBlank()).toList();
        if (words.size() < MIN_WORDS) {
            return refused("the answer has " + words.size() + " word(s), too few for a caption: '" + excerpt(text) + "'");
        }
        long letters = text.chars().filter(Character::isLetter).count();
        long visible = text.chars().filter(c -> !Character.isWhitespace(c)).count();
        if (letters < 0.7 * visible) {
            return refused("the answer is mostly not letters (" + Math.round(100.0 * letters / visible) + "% letters): '"
                    + excerpt(text) + "'");
        }
        Set<String> distinct = new HashSet<>(words);
        if (words.size() >= 20 && distinct.size() < 0.3 * words.size()) {
            return refused("the answer repeats the same few words (" + distinct.size() + " distinct of " + words.size() + ")");
        }
        UntrustedText.Neutralised n = UntrustedText.neutralise(text);
        if (!n.removedSpans().isEmpty()) {
            return refused("the answer contains instruction-like text: '" + excerpt(n.removedSpans().getFirst()) + "'");
        }
        if (MARKUP.matcher(text).find()) {
            return refused("the answer contains markup or control characters");
        }
        if (text.length() > MAX_CHARS) {
            int cut = text.lastIndexOf(". ", MAX_CHARS);
            text = cut > MAX_CHARS / 2 ? text.substring(0, cut + 1) : text.substring(0, MAX_CHARS) + "…";
        }
        return new Result(text, null);
    }

    private static Result refused(String reason) {
        return new Result(null, reason);
    }

    private static String excerpt(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > 80 ? one.substring(0, 80) + "…" : one;
    }
}
