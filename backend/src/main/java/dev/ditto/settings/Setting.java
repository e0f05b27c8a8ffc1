package dev.ditto.settings;

import java.net.URI;
import java.util.Locale;

/**
 * The settings an admin may change, each named after its configuration property ({@code ditto.<key>}), with the
 * default that applies when neither the file nor an admin set it, and when a change takes effect.
 */
public enum Setting {
    TEXT_PROVIDER("agent.text.provider", "Instruction writer: provider", Kind.PROVIDER, "openai-compatible", Applies.NOW),
    TEXT_BASE_URL("agent.text.base-url", "Instruction writer: server URL", Kind.URL, "", Applies.NOW),
    TEXT_MODEL("agent.text.model", "Instruction writer: model (empty = built-in grammar)", Kind.TEXT, "", Applies.NOW),
    TEXT_API_KEY("agent.text.api-key", "Instruction writer: API key", Kind.SECRET, "", Applies.NOW),
    VISION_PROVIDER("agent.vision.provider", "Judge: provider", Kind.PROVIDER, "openai-compatible", Applies.NOW),
    VISION_BASE_URL("agent.vision.base-url", "Judge: server URL", Kind.URL, "", Applies.NOW),
    VISION_MODEL("agent.vision.model", "Judge: model (empty = built-in metric judge)", Kind.TEXT, "", Applies.NOW),
    VISION_API_KEY("agent.vision.api-key", "Judge: API key", Kind.SECRET, "", Applies.NOW),
    CAPTION_PROVIDER("agent.caption.provider", "Captioner: provider", Kind.PROVIDER, "openai-compatible", Applies.NOW),
    CAPTION_BASE_URL("agent.caption.base-url", "Captioner: server URL", Kind.URL, "", Applies.NOW),
    CAPTION_MODEL("agent.caption.model", "Captioner: vision model (empty = built-in caption from probe measurements)", Kind.TEXT, "", Applies.NOW),
    CAPTION_API_KEY("agent.caption.api-key", "Captioner: API key", Kind.SECRET, "", Applies.NOW),
    JUDGE_MIN_OVERALL("agent.judge-min-overall", "Judge: minimum overall score to reach review (0–1)", Kind.FRACTION, "0.5", Applies.NOW),
    JUDGE_CRITERION_MINIMUMS("agent.judge-criterion-minimums",
            "Judge: minimum per criterion (criterion=0.35; …; empty = defaults)", Kind.CRITERIA, "", Applies.NOW),
    JUDGE_REVIEW_SHARE("agent.judge-review-share",
            "Judge: share of would-be auto-rejects sent to review for calibration (0–1)", Kind.FRACTION, "0.05", Applies.NOW),
    NEAR_DUPLICATE_SIMILARITY("agent.near-duplicate-similarity", "Instructions: near-duplicate cosine similarity (0–1)", Kind.FRACTION, "0.92", Applies.NOW),
    FORMAT_WIDTH("sources.width", "Normalisation: width (multiple of 16)", Kind.INTEGER, "832", Applies.NOW),
    FORMAT_HEIGHT("sources.height", "Normalisation: height (multiple of 16)", Kind.INTEGER, "480", Applies.NOW),
    FORMAT_FRAMES("sources.frames", "Normalisation: frames per clip (4n+1)", Kind.INTEGER, "73", Applies.NOW),
    FORMAT_FPS("sources.fps", "Normalisation: frames per second", Kind.INTEGER, "20", Applies.NOW),
    MAX_UPLOAD_MB("sources.max-upload-mb", "Uploads: largest file in MB", Kind.INTEGER, "2048", Applies.NOW),
    FILTER_MIN_MOTION("sources.filters.min-motion",
            "Probe filters: quarantine as too static below this motion (px/frame; empty = off)", Kind.LIMIT, "0.1", Applies.NOW),
    FILTER_MAX_MOTION("sources.filters.max-motion",
            "Probe filters: quarantine as too shaky above this motion (px/frame; empty = off)", Kind.LIMIT, "30", Applies.NOW),
    FILTER_MAX_BRISQUE("sources.filters.max-brisque",
            "Probe filters: quarantine for quality above this BRISQUE (0–100, lower is better; empty = off)", Kind.LIMIT, "85", Applies.NOW),
    FILTER_MAX_TEXT_OVERLAY("sources.filters.max-text-overlay",
            "Probe filters: quarantine above this text-overlay area share (0–1; empty = off)", Kind.LIMIT, "0.3", Applies.NOW),
    FILTER_NEAR_DUPLICATE_DISTANCE("sources.filters.near-duplicate-distance",
            "Probe filters: quarantine as near-duplicate of a READY source at perceptual-hash distance ≤ this (0–12 bits; empty = off)",
            Kind.DISTANCE, "3", Applies.NOW),
    FILTER_NEAR_DUPLICATE_SIMILARITY("sources.filters.near-duplicate-similarity",
            "Probe filters: quarantine as near-duplicate of a READY source whose clip embedding is at least this similar"
                    + " (cosine 0–1; empty = off)", Kind.OPTIONAL_FRACTION, "0.97", Applies.NOW),
    IMPORT_MAX_DOWNLOAD_MB("imports.max-download-mb", "URL import: largest download in MB", Kind.INTEGER, "2048", Applies.NOW),
    IMPORT_CONNECT_TIMEOUT("imports.connect-timeout-seconds", "URL import: connect timeout (s)", Kind.INTEGER, "10", Applies.NOW),
    IMPORT_READ_TIMEOUT("imports.read-timeout-seconds", "URL import: read timeout (s)", Kind.INTEGER, "30", Applies.NOW),
    GENERATE_BACKEND("generate.backend-settings",
            "GENERATE on ComfyUI: settings sent with every new job (key=value; …: route, STAGE.model files, steps; see docs/comfyui.md)",
            Kind.KEY_VALUES, "", Applies.NOW),
    RELEASE_SIM2REAL_CATEGORIES("releases.sim2real-categories",
            "Releases: edit categories whose samples the sim2real option reverses (comma-separated, e.g. global_style)",
            Kind.CATEGORIES, dev.ditto.releases.Sim2Real.DEFAULT_CATEGORIES, Applies.NOW),
    RELEASE_SIM2REAL_PROMPT("releases.sim2real-prompt", "Releases: instruction of a sim2real (stylised → real) pair",
            Kind.TEXT, dev.ditto.releases.Sim2Real.DEFAULT_PROMPT, Applies.NOW),
    CURATION_OVERLAP_SHARE("curation.overlap-share",
            "Review: share of samples reviewed by two different curators (0–1, e.g. 0.1; a disagreement goes to a lead)",
            Kind.FRACTION, "0", Applies.NOW),
    HUB_ENDPOINT("hub.endpoint", "Hugging Face Hub: endpoint (publications started from now on)", Kind.URL,
            "https://huggingface.co", Applies.NOW),
    HUB_TOKEN("hub.token", "Hugging Face Hub: token with write access (empty here = none; unset = ditto.hub.token or HF_TOKEN)",
            Kind.SECRET, "", Applies.NOW);

    /** What values a setting takes. */
    public enum Kind { TEXT, SECRET, URL, INTEGER, FRACTION, OPTIONAL_FRACTION, PROVIDER, KEY_VALUES, CRITERIA, LIMIT, DISTANCE,
        CATEGORIES }

    /** The largest near-duplicate distance the band index answers cheaply (band radius ≤ 3). */
    public static final int MAX_DUPLICATE_DISTANCE = 12;

    /** When a change takes effect: every setting applies at once today; RESTART is kept for one that cannot. */
    public enum Applies { NOW, RESTART }

    private final String key;
    private final String label;
    private final Kind kind;
    private final String defaultValue;
    private final Applies applies;

    Setting(String key, String label, Kind kind, String defaultValue, Applies applies) {
        this.key = key;
        this.label = label;
        this.kind = kind;
        this.defaultValue = defaultValue;
        this.applies = applies;
    }

    public String key() {
        return key;
    }

    /** The configuration property this setting overrides. */
    public String property() {
        return "ditto." + key;
    }

    public String label() {
        return label;
    }

    public Kind kind() {
        return kind;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public Applies applies() {
        return applies;
    }

    /** The value cleaned up, or an exception whose message says what a valid value looks like. */
    public String validate(String raw) {
        String value = raw.strip();
        switch (kind) {
            case INTEGER -> {
                try {
                    long n = Long.parseLong(value);
                    if (n < 1 || n > 1_000_000) {
                        throw new IllegalArgumentException(label + " must be between 1 and 1000000.");
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(label + " must be a whole number, not '" + value + "'.", e);
                }
            }
            case FRACTION -> {
                try {
                    double d = Double.parseDouble(value);
                    if (!(d >= 0 && d <= 1)) {
                        throw new IllegalArgumentException(label + " must be between 0 and 1.");
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(label + " must be a number between 0 and 1, not '" + value + "'.", e);
                }
            }
            case OPTIONAL_FRACTION -> {
                if (!value.isEmpty()) {
                    try {
                        double d = Double.parseDouble(value);
                        if (!(d >= 0 && d <= 1)) {
                            throw new IllegalArgumentException(label + " must be between 0 and 1, or empty for off.");
                        }
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(label + " must be a number between 0 and 1, or empty for off; not '"
                                + value + "'.", e);
                    }
                }
            }
            case LIMIT -> {
                if (!value.isEmpty()) {
                    try {
                        double d = Double.parseDouble(value);
                        if (!(d >= 0 && d <= 1_000_000)) {
                            throw new IllegalArgumentException(label + " must be a number from 0 to 1000000, or empty for off.");
                        }
                        value = String.valueOf(d);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(label + " must be a number, or empty for off; not '" + value + "'.", e);
                    }
                }
            }
            case DISTANCE -> {
                if (!value.isEmpty()) {
                    try {
                        int n = Integer.parseInt(value);
                        if (n < 0 || n > MAX_DUPLICATE_DISTANCE) {
                            throw new IllegalArgumentException(label + " must be between 0 and " + MAX_DUPLICATE_DISTANCE
                                    + " bits, or empty for off.");
                        }
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(label + " must be a whole number of bits, or empty for off; not '"
                                + value + "'.", e);
                    }
                }
            }
            case URL -> {
                if (!value.isEmpty()) {
                    try {
                        URI uri = new URI(value);
                        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                            throw new IllegalArgumentException(label + " must be an http(s) URL such as http://127.0.0.1:8000/v1.");
                        }
                    } catch (java.net.URISyntaxException e) {
                        throw new IllegalArgumentException(label + " is not a valid URL: " + e.getReason() + ".", e);
                    }
                }
            }
            case PROVIDER -> {
                if (!value.matches("openai-compatible|anthropic|gemini")) {
                    throw new IllegalArgumentException(label + " must be one of openai-compatible, anthropic, gemini.");
                }
            }
            case CRITERIA -> {
                try {
                    var parsed = dev.ditto.agent.judge.JudgeThresholds.parseMinimums(value);
                    StringBuilder b = new StringBuilder();
                    parsed.forEach((c, v) -> b.append(b.isEmpty() ? "" : "; ").append(c.wireName()).append('=').append(v));
                    value = b.toString();
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(label + ": " + e.getMessage() + ".", e);
                }
            }
            case KEY_VALUES -> {
                if (value.length() > 4000) {
                    throw new IllegalArgumentException(label + " is too long (4000 characters at most).");
                }
                try {
                    value = dev.ditto.protocol.BackendSettings.format(dev.ditto.protocol.BackendSettings.parse(value));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(label + ": " + e.getMessage() + ".", e);
                }
            }
            case CATEGORIES -> {
                java.util.List<String> names = new java.util.ArrayList<>();
                for (String c : dev.ditto.releases.Sim2Real.parseCategories(value)) {
                    names.add(dev.ditto.agent.Category.parse(c).map(Enum::name).orElseThrow(() -> new IllegalArgumentException(
                            label + ": '" + c + "' is not an edit category; use "
                                    + java.util.Arrays.stream(dev.ditto.agent.Category.values()).map(dev.ditto.agent.Category::wireName)
                                    .collect(java.util.stream.Collectors.joining(", ")) + ".")));
                }
                if (names.isEmpty()) {
                    throw new IllegalArgumentException(label + " needs at least one edit category.");
                }
                value = String.join(",", names.stream().distinct().sorted().toList());
            }
            case TEXT, SECRET -> {
                if (value.length() > 500) {
                    throw new IllegalArgumentException(label + " is too long (500 characters at most).");
                }
            }
        }
        return value;
    }

    public static java.util.Optional<Setting> byKey(String key) {
        for (Setting s : values()) {
            if (s.key.equals(key)) {
                return java.util.Optional.of(s);
            }
        }
        return java.util.Optional.empty();
    }
}
