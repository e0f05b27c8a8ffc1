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
 * typed values, so numbers stay numbers. The default is the Ditto Wan2.1-VACE + LoRA workflow shipped as a resource.
 */
public final class DittoWorkflow {
    /** The resource holding the default workflow. */
    public static final String DEFAULT_RESOURCE = "ditto-wan21-vace-v1.json";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z_]+)}}");

    private final String version;
    private final String outputNode;
    private final ObjectNode prompt;
    private final Map<String, Object> defaults;

    private DittoWorkflow(String version, String outputNode, ObjectNode prompt, Map<String, Object> defaults) {
        this.version = version;
        this.outputNode = outputNode;
        this.prompt = prompt;
        this.defaults = Map.copyOf(defaults);
    }

    /** The workflow shipped with the runner. */
    public static DittoWorkflow loadDefault(JsonMapper json) {
        try (InputStream in = DittoWorkflow.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("workflow resource " + DEFAULT_RESOURCE + " missing from the runner jar");
            }
            return parse(json.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a template: {@code {version, output_node, defaults, prompt}}. */
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
        return new DittoWorkflow(version, output, (ObjectNode) template.path("prompt"), defaults);
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
            case Number n -> nodes.numberNode(n.doubleValue());
            case Boolean b -> nodes.booleanNode(b);
            default -> nodes.stringNode(value.toString());
        };
    }
}
