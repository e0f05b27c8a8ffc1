package dev.ditto.agent.judge;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Keyword blocklist for instruction text: whole words or phrases, ignoring case. */
public final class SafetyBlocklist {

    private static final List<String> DEFAULT_TERMS = List.of(
            "nude", "naked", "nsfw", "porn", "pornographic", "sexual", "sexy", "lingerie", "topless", "blood", "bloody",
            "gore", "gory", "corpse", "dead body", "decapitate", "decapitated", "behead", "mutilate", "mutilated",
            "murder", "kill", "killing", "suicide", "self-harm", "swastika", "nazi", "racist", "terrorist", "bomb",
            "explode", "shooting", "gun", "weapon", "cocaine", "heroin");

    private final List<String> terms;
    private final Pattern pattern;

    public SafetyBlocklist(List<String> terms) {
        this.terms = List.copyOf(terms);
        String alternatives = String.join("|", this.terms.stream().map(Pattern::quote).toList());
        this.pattern = Pattern.compile("(?<![\\p{L}\\p{N}])(" + alternatives + ")(?![\\p{L}\\p{N}])",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    /** The built-in list: sexual content, gore, violence, hate symbols, and drugs. */
    public static SafetyBlocklist defaults() {
        return new SafetyBlocklist(DEFAULT_TERMS);
    }

    /** The first blocked term found in the text, lower-cased. */
    public Optional<String> firstMatch(String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Optional.of(m.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    /** The blocked terms. */
    public List<String> terms() {
        return terms;
    }
}
