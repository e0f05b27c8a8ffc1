package dev.ditto.runner.comfyui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A versioned ComfyUI workflow template (API format) whose string values {@code "{{name}}"} are filled per job with
 * typed values, so numbers stay numbers. One bundled template per stage ({@link ComfyUiSettings#STAGES}), named
 * {@code STAGE.json}; {@code models} maps the placeholders holding model file names to their ComfyUI model folder.
 */
public final class DittoWorkflow {
    /** The resource holding the default (native Editto) workflow. */
    public static final String DEFAULT_RESOURCE = "editto-native.json";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z_0-9]+)}}");

    private final String version;
    private final String outputNode;
    private final ObjectNode prompt;
    private final Map<String, Object> defaults;
    private final Map<String, String> models;

    private DittoWorkflow(String version, String outputNode, ObjectNode prompt, Map<String, Object> defaults,
                          Map<String, String> models) {
        this.version = version;
        this.outputNode = outputNode;
        this.prompt = prompt;
        this.defaults = Map.copyOf(defaults);
        this.models = Map.copyOf(models);
    }

    /** The native Editto workflow shipped with the runner. */
    public static DittoWorkflow loadDefault(JsonMapper json) {
        return bundled(json, "editto");
    }

    /** The template shipped with the runner for {@code stage}. */
    public static DittoWorkflow bundled(JsonMapper json, String stage) {
        String resource = (stage.equals("editto") ? "editto-native" : stage) + ".json";
        try (InputStream in = DittoWorkflow.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("workflow resource " + resource + " missing from the runner jar");
            }
            return parse(json.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The template for {@code stage}: the file named by {@code template.STAGE}, else the bundled one. */
    public static DittoWorkflow forStage(JsonMapper json, ComfyUiSettings settings, String stage) {
        String file = settings.template(stage);
        if (file == null) {
            return bundled(json, stage);
        }
        return parse(json.readTree(new java.io.File(file)));
    }

    /** Reads a template: {@code {version, output_node, defaults, models, prompt}}. */
    public static DittoWorkflow parse(JsonNode template) {
        String version = template.path("version").asString("");
        String output = template.path("output_node").asString("");
        if (version.isEmpty() || output.isEmpty() || !template.path("prompt").isObject()) {
            throw new IllegalArgumentException("a workflow template needs version, output_node and prompt");
        }
        Map<String, Object> defaults = new LinkedHashMap<>();
        for (var e : template.path("defaults").properties()) {
            JsonNode v = e.getValue();
            defaults.put(e.getKey(), v.isNumber() ? v.numberValue() : v.isBoolean() ? (Object) v.booleanValue() : v.asString());
        }
        Map<String, String> models = new LinkedHashMap<>();
        for (var e : template.path("models").properties()) {
            models.put(e.getKey(), e.getValue().asString(""));
        }
        return new DittoWorkflow(version, output, (ObjectNode) template.path("prompt"), defaults, models);
    }

    /** Placeholders holding model file names, with the ComfyUI model folder each is read from. */
    public Map<String, String> models() {
        return models;
    }

    /** The template defaults. */
    public Map<String, Object> defaults() {
        return defaults;
    }

    /**
     * Setting strings converted to the type of the placeholder's default (so {@code steps=8} fills a number);
     * placeholders without a default take the string.
     */
    public Map<String, Object> typed(Map<String, String> settings) {
        Map<String, Object> out = new LinkedHashMap<>();
        settings.forEach((name, text) -> {
            Object d = defaults.get(name);
            try {
                out.put(name, switch (d) {
                    case Integer i -> Integer.parseInt(text);
                    case Long l -> Long.parseLong(text);
                    case Number n -> Double.parseDouble(text);
                    case Boolean b -> Boolean.parseBoolean(text);
                    case null, default -> text;
                });
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("workflow " + version + ": setting " + name + " needs a number, got '"
                        + text + "'");
            }
        });
        return out;
    }

    /** SHA-256 of the canonical JSON of a filled workflow (keys sorted, no whitespace). */
    public static String sha256(JsonNode filled) {
        try {
            var digest = java.security.MessageDigest.getInstance("SHA-256");
            byte[] bytes = canonical(filled).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            return java.util.HexFormat.of().formatHex(digest.digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy of {@code node} with every object's keys in sorted order. */
    static JsonNode canonical(JsonNode node) {
        var nodes = tools.jackson.databind.node.JsonNodeFactory.instance;
        if (node.isObject()) {
            ObjectNode sorted = nodes.objectNode();
            new java.util.TreeSet<>(node.propertyNames()).forEach(k -> sorted.set(k, canonical(node.get(k))));
            return sorted;
        }
        if (node.isArray()) {
            ArrayNode out = nodes.arrayNode();
            node.forEach(child -> out.add(canonical(child)));
            return out;
        }
        return node;
    }

    /** Template version, recorded in provenance. */
    public String version() {
        return version;
    }

    /** Id of the node whose outputs hold the result video. */
    public String outputNode() {
        return outputNode;
    }

    /** A template default (model file names, steps…), if any. */
    public Object defaultValue(String name) {
        Object v = defaults.get(name);
        if (v == null) {
            throw new IllegalArgumentException("workflow " + version + " has no default for " + name);
        }
        return v;
    }

    /** Placeholder names in the template. */
    public Set<String> placeholders() {
        Set<String> names = new TreeSet<>();
        collect(prompt, names);
        return names;
    }

    /**
     * The workflow with every placeholder filled from {@code values}, then the template defaults. Throws when a
     * placeholder has no value, so no half-filled workflow reaches the server.
     */
    public ObjectNode fill(Map<String, Object> values) {
        Map<String, Object> all = new HashMap<>(defaults);
        all.putAll(values);
        ObjectNode copy = prompt.deepCopy();
        replace(copy, all);
        return copy;
    }

    private static void collect(JsonNode node, Set<String> names) {
        if (node.isString()) {
            Matcher m = PLACEHOLDER.matcher(node.asString());
            if (m.matches()) {
                names.add(m.group(1));
            }
        }
        for (JsonNode child : node) {
            collect(child, names);
        }
    }

    private static void replace(JsonNode node, Map<String, Object> values) {
        if (node instanceof ObjectNode object) {
            for (String field : Set.copyOf(object.propertyNames())) {
                JsonNode child = object.get(field);
                @Nullable JsonNode filled = filled(child, values);
                if (filled != null) {
                    object.set(field, filled);
                } else {
                    replace(child, values);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                @Nullable JsonNode filled = filled(array.get(i), values);
                if (filled != null) {
                    array.set(i, filled);
                } else {
                    replace(array.get(i), values);
                }
            }
        }
    }

    private static @Nullable JsonNode filled(JsonNode node, Map<String, Object> values) {
        if (!node.isString()) {
            return null;
        }
        Matcher m = PLACEHOLDER.matcher(node.asString());
        if (!m.matches()) {
            return null;
        }
        Object value = values.get(m.group(1));
        if (value == null) {
            throw new IllegalArgumentException("workflow placeholder {{" + m.group(1) + "}} has no value");
        }
        var nodes = tools.jackson.databind.node.JsonNodeFactory.instance;
        return switch (value) {
            case Integer i -> nodes.numberNode(i);
            case Long l -> nodes.numberNode(l);
            case Double d -> nodes.numberNode(d);
            case Float f -> nodes.numberNode(f);
            case java.math.BigInteger b -> nodes.numberNode(b);
            case Number n -> nodes.numberNode(n.doubleValue());
            case Boolean b -> nodes.booleanNode(b);
            default -> nodes.stringNode(value.toString());
        };
    }
}
