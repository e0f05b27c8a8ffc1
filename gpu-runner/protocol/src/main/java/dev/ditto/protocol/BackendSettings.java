package dev.ditto.protocol;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The text form of {@link GeneratePayload#backendSettings()}: {@code key=value} pairs separated by {@code ;} or new
 * lines, e.g. {@code route=chain; vace.steps=20; editto-wrapper.vace_model=ditto_global_style_comfy.safetensors}.
 * Admins write it in Settings ({@code generate.backend-settings}); the server sends the pairs with every GENERATE job
 * and the runner applies them over its own options.
 */
public final class BackendSettings {
    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
    /** Values {@code route} takes. */
    public static final List<String> ROUTES = List.of("editto", "editto-wrapper", "chain");

    private BackendSettings() {}

    /** The pairs in order; throws with what to fix for a malformed pair, a repeated key or an unknown route. */
    public static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : text.split("[;\\n]")) {
            String pair = part.strip();
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + pair + "' is not key=value (for example route=chain)");
            }
            String key = pair.substring(0, eq).strip();
            String value = pair.substring(eq + 1).strip();
            if (!KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("'" + key + "' is not a setting name: lower-case letters, digits, '.', '_' "
                        + "and '-' (for example vace.steps)");
            }
            if (value.isEmpty()) {
                throw new IllegalArgumentException(key + " has no value");
            }
            if (key.equals("route") && !ROUTES.contains(value)) {
                throw new IllegalArgumentException("route must be one of " + String.join(", ", ROUTES) + ", not '" + value + "'");
            }
            if (key.equals("enhance") && !value.equals("true") && !value.equals("false")) {
                throw new IllegalArgumentException("enhance must be true or false, not '" + value + "'");
            }
            if (out.put(key, value) != null) {
                throw new IllegalArgumentException(key + " is given twice");
            }
        }
        return out;
    }

    /** The pairs as text, {@code "; "}-separated. */
    public static String format(Map<String, String> settings) {
        StringBuilder b = new StringBuilder();
        settings.forEach((k, v) -> b.append(b.isEmpty() ? "" : "; ").append(k).append('=').append(v));
        return b.toString();
    }
}
