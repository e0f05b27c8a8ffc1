package dev.ditto.agent;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Validates instruction text that ends up as a prompt in a training CSV.
 *
 * <p>DiffSynth-Studio reads the CSV with {@code pandas.read_csv} defaults, which turn {@code N/A}, {@code NA},
 * {@code null}, {@code None}, {@code nan}, empty cells and the like into missing values, and bare numbers or
 * booleans into non-text values. The writer and the exporter both refuse such text with this class.
 */
public final class InstructionText {

    /** Longest accepted instruction, in characters. */
    public static final int MAX_LENGTH = 1000;

    // pandas' default na_values (pandas/_libs/parsers.pyx STR_NA_VALUES), compared ignoring case to be strict.
    private static final Set<String> MISSING = Set.of(
            "", "#n/a", "#n/a n/a", "#na", "-1.#ind", "-1.#qnan", "-nan", "1.#ind", "1.#qnan", "<na>", "n/a", "na",
            "null", "nan", "none", "+nan", "nat");
    private static final Set<String> BOOLEAN_OR_SPECIAL = Set.of(
            "true", "false", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity");
    private static final Pattern NUMBER = Pattern.compile(
            "[+-]?(\\d[\\d_]*(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?|[+-]?0[xX][0-9a-fA-F]+");
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}&&[^\\t]]");
    private static final Pattern LETTER = Pattern.compile("\\p{L}");

    private InstructionText() {}

    /**
     * Returns the text, trimmed, or throws {@link IllegalArgumentException} saying why a CSV reader would not read
     * it back as this text.
     */
    public static String validate(@Nullable String text) {
        Optional<String> problem = problem(text);
        if (problem.isPresent()) {
            throw new IllegalArgumentException(problem.get());
        }
        return text.strip();
    }

    /** Whether {@link #validate} accepts the text. */
    public static boolean isValid(@Nullable String text) {
        return problem(text).isEmpty();
    }

    /** Why the text is refused, or empty when it is fine. */
    public static Optional<String> problem(@Nullable String text) {
        if (text == null) {
            return Optional.of("instruction text is missing (null); write a sentence that describes the edit");
        }
        String trimmed = text.strip();
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (MISSING.contains(lower)) {
            return Optional.of("instruction text '" + trimmed + "' is read as a missing value by pandas.read_csv;"
                    + " write a sentence that describes the edit");
        }
        if (NUMBER.matcher(trimmed).matches() || BOOLEAN_OR_SPECIAL.contains(lower)) {
            return Optional.of("instruction text '" + trimmed + "' is read as a number or boolean by pandas.read_csv;"
                    + " write a sentence that describes the edit");
        }
        if (!LETTER.matcher(trimmed).find()) {
            return Optional.of("instruction text '" + trimmed + "' has no letters; write a sentence that describes the edit");
        }
        if (CONTROL.matcher(trimmed).find()) {
            return Optional.of("instruction text contains a line break or control character; keep it on one line");
        }
        if (trimmed.length() > MAX_LENGTH) {
            return Optional.of("instruction text is " + trimmed.length() + " characters long; the limit is " + MAX_LENGTH);
        }
        return Optional.empty();
    }
}
