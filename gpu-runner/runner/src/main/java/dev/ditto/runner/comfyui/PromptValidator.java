package dev.ditto.runner.comfyui;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The checks ComfyUI's {@code POST /prompt} runs before it queues a workflow ({@code execution.validate_prompt} and
 * {@code validate_inputs}, comfyanonymous/ComfyUI v0.8.0), run here against an {@code /object_info} document: every
 * node's class exists; the prompt has an output node; every required input is given; a link {@code [node_id, slot]}
 * points at an existing node whose output type at that slot matches the input type ({@code *} matches anything, and
 * comma-separated types match when they share one, as {@code comfy_execution.validation.validate_node_input}); INT,
 * FLOAT, STRING and BOOLEAN values convert; numbers lie within {@code min}/{@code max}; combo values are in their list.
 * Inputs that a node checks itself ({@code VALIDATE_INPUTS} taking that input, e.g. a loader's file name) skip the
 * range and list checks, as ComfyUI skips them; the caller names those. Inputs the schema does not know are ignored, as
 * ComfyUI ignores them (see {@link #unknownInputs} for a lint that reports them).
 *
 * <p>The answer has ComfyUI's shape: {@code {"error": {type, message, details, extra_info}, "node_errors": {id:
 * {errors: [...], dependent_outputs: [...], class_type}}}}, with HTTP 400 when no output survives.
 */
public final class PromptValidator {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JsonNode objectInfo;
    private final Map<String, Set<String>> selfValidated;
    private final SelfCheck selfCheck;

    /**
     * A node's own {@code VALIDATE_INPUTS} for one input, where the caller can run it (a stand-in server checking that
     * a loader's file was uploaded): null when the value passes, else the text the node returns.
     */
    @FunctionalInterface
    public interface SelfCheck {
        @Nullable String check(String classType, String input, JsonNode value);
    }

    /**
     * @param objectInfo    a server's {@code /object_info}
     * @param selfValidated per class, the inputs its {@code VALIDATE_INPUTS} takes (ComfyUI skips min/max/list for them)
     */
    public PromptValidator(JsonNode objectInfo, Map<String, Set<String>> selfValidated) {
        this(objectInfo, selfValidated, (c, i, v) -> null);
    }

    /** As above, running {@code selfCheck} for the self-validated inputs (ComfyUI's {@code custom_validation_failed}). */
    public PromptValidator(JsonNode objectInfo, Map<String, Set<String>> selfValidated, SelfCheck selfCheck) {
        this.objectInfo = objectInfo;
        this.selfValidated = Map.copyOf(selfValidated);
        this.selfCheck = selfCheck;
    }

    /** Inputs whose node validates them itself, in the node packs the runner uses (read from their source). */
    public static Map<String, Set<String>> knownSelfValidated() {
        return Map.of(
                "LoadImage", Set.of("image"),                     // nodes.py LoadImage.VALIDATE_INPUTS(image)
                "VHS_LoadVideo", Set.of("video"),                 // VideoHelperSuite load_video_nodes.py
                "WanVideoDecode", Set.of("tile_x", "tile_y", "tile_stride_x", "tile_stride_y"));
    }

    /** ComfyUI's answer to {@code POST /prompt}, without queueing. */
    public record Result(boolean ok, @Nullable ObjectNode error, ObjectNode nodeErrors, List<String> goodOutputs) {
        /** The HTTP 400 body ComfyUI sends when the prompt is refused. */
        public ObjectNode body() {
            ObjectNode body = NODES.objectNode();
            body.set("error", error == null ? NODES.objectNode() : error);
            body.set("node_errors", nodeErrors);
            return body;
        }

        /** One line per error: node, class, input, what is wrong, and what to do about it. */
        public String describe() {
            StringBuilder text = new StringBuilder();
            if (error != null) {
                text.append(error.path("message").asString(""));
            }
            for (var node : nodeErrors.properties()) {
                for (JsonNode e : node.getValue().path("errors")) {
                    text.append("\n  node ").append(node.getKey()).append(" (")
                            .append(node.getValue().path("class_type").asString("")).append(") ")
                            .append(e.path("extra_info").path("input_name").asString("")).append(": ")
                            .append(e.path("message").asString("")).append(" - ").append(e.path("details").asString(""))
                            .append(hint(e));
                }
            }
            if (nodeErrors.isEmpty() && error != null && !error.path("details").asString("").isEmpty()) {
                text.append(": ").append(error.path("details").asString(""));
            }
            return text.toString();
        }

        private static String hint(JsonNode e) {
            return switch (e.path("type").asString("")) {
                case "value_not_in_list" -> " (put that file into the server's model folder, or set the runner's "
                        + "model setting to a file the server lists)";
                case "required_input_missing" -> " (the template lacks this input or misspells it: fix the template "
                        + "or update the node pack to the pinned commit)";
                case "return_type_mismatch" -> " (the template links the wrong output slot for this node pack version)";
                case "value_bigger_than_max", "value_smaller_than_min" -> " (change the setting that fills this input)";
                default -> "";
            };
        }
    }

    /** Validates {@code prompt} (API format: {@code {id: {class_type, inputs}}}). */
    public Result validate(JsonNode prompt) {
        Set<String> outputs = new LinkedHashSet<>();
        for (var entry : prompt.properties()) {
            JsonNode node = entry.getValue();
            if (!node.has("class_type")) {
                return refused(error("invalid_prompt", "Cannot execute because a node is missing the class_type property.",
                        "Node ID '#" + entry.getKey() + "'", NODES.objectNode()));
            }
            String classType = node.path("class_type").asString("");
            JsonNode info = objectInfo.path(classType);
            if (!info.isObject()) {
                ObjectNode extra = NODES.objectNode();
                extra.put("node_id", entry.getKey());
                extra.put("class_type", classType);
                extra.put("node_title", node.path("_meta").path("title").asString(classType));
                return refused(error("missing_node_type", "Node '" + extra.path("node_title").asString()
                        + "' not found. The custom node may not be installed.", "Node ID '#" + entry.getKey() + "'", extra));
            }
            if (info.path("output_node").asBoolean(false)) {
                outputs.add(entry.getKey());
            }
        }
        if (outputs.isEmpty()) {
            return refused(error("prompt_no_outputs", "Prompt has no outputs", "", NODES.objectNode()));
        }
        Map<String, Validated> validated = new HashMap<>();
        ObjectNode nodeErrors = NODES.objectNode();
        List<String> good = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (String output : outputs) {
            Validated v;
            try {
                v = validateInputs(prompt, output, validated);
            } catch (RuntimeException ex) {
                ArrayNode reasons = NODES.arrayNode();
                ObjectNode extra = NODES.objectNode();
                extra.put("exception_type", ex.getClass().getSimpleName());
                extra.putArray("traceback");
                reasons.add(error("exception_during_validation", "Exception when validating node",
                        String.valueOf(ex.getMessage()), extra));
                v = new Validated(false, reasons);
                validated.put(output, v);
            }
            if (v.ok) {
                good.add(output);
                continue;
            }
            for (JsonNode reason : v.reasons) {
                failures.add(reason.path("message").asString("") + ": " + reason.path("details").asString(""));
            }
            for (var e : validated.entrySet()) {
                if (!e.getValue().ok && !e.getValue().reasons.isEmpty()) {
                    ObjectNode entry = (ObjectNode) nodeErrors.get(e.getKey());
                    if (entry == null) {
                        entry = nodeErrors.putObject(e.getKey());
                        entry.set("errors", e.getValue().reasons);
                        entry.putArray("dependent_outputs");
                        entry.put("class_type", prompt.path(e.getKey()).path("class_type").asString(""));
                    }
                    ((ArrayNode) entry.get("dependent_outputs")).add(output);
                }
            }
        }
        if (good.isEmpty()) {
            return new Result(false, error("prompt_outputs_failed_validation", "Prompt outputs failed validation",
                    String.join("\n", failures), NODES.objectNode()), nodeErrors, List.of());
        }
        return new Result(true, null, nodeErrors, List.copyOf(good));
    }

    /**
     * Inputs the schema does not know, per node ({@code "7.text_prompt"}). ComfyUI ignores them without a word, so a
     * misspelt optional input (e.g. {@code vace_model} where the pack now calls it {@code extra_model}) silently drops
     * a model; this lint finds them. Inputs a combo's {@code formats} declares (VHS_VideoCombine's per-format widgets,
     * which the node reads as keyword arguments) count as known.
     */
    public List<String> unknownInputs(JsonNode prompt) {
        List<String> unknown = new ArrayList<>();
        for (var entry : prompt.properties()) {
            JsonNode info = objectInfo.path(entry.getValue().path("class_type").asString(""));
            if (!info.isObject()) {
                continue;
            }
            Set<String> known = new TreeSet<>();
            for (String group : List.of("required", "optional", "hidden")) {
                info.path("input").path(group).propertyNames().forEach(known::add);
                for (JsonNode spec : info.path("input").path(group)) {
                    for (JsonNode widgets : spec.path(1).path("formats")) {
                        for (JsonNode widget : widgets) {
                            known.add(widget.path(0).asString(""));
                        }
                    }
                }
            }
            for (String name : entry.getValue().path("inputs").propertyNames()) {
                if (!known.contains(name)) {
                    unknown.add(entry.getKey() + "." + name);
                }
            }
        }
        return unknown;
    }

    private record Validated(boolean ok, ArrayNode reasons) {}

    private Validated validateInputs(JsonNode prompt, String id, Map<String, Validated> validated) {
        Validated done = validated.get(id);
        if (done != null) {
            return done;
        }
        JsonNode node = prompt.path(id);
        JsonNode inputs = node.path("inputs");
        String classType = node.path("class_type").asString("");
        JsonNode info = objectInfo.path(classType);
        Set<String> selfChecked = selfValidated.getOrDefault(classType, Set.of());
        ArrayNode errors = NODES.arrayNode();
        boolean valid = true;
        Map<String, String> categories = new LinkedHashMap<>();
        for (String group : List.of("required", "optional")) {
            for (String name : info.path("input").path(group).propertyNames()) {
                categories.putIfAbsent(name, group);
            }
        }
        for (var input : categories.entrySet()) {
            String x = input.getKey();
            JsonNode spec = info.path("input").path(input.getValue()).path(x);
            JsonNode type = spec.path(0);
            JsonNode extra = spec.path(1).isObject() ? spec.path(1) : NODES.objectNode();
            ArrayNode config = NODES.arrayNode().add(type).add(extra);
            if (!inputs.has(x)) {
                if (input.getValue().equals("required")) {
                    ObjectNode ei = NODES.objectNode();
                    ei.put("input_name", x);
                    errors.add(error("required_input_missing", "Required input is missing", x, ei));
                }
                continue;
            }
            JsonNode val = inputs.get(x);
            if (val.isArray()) {
                if (val.size() != 2) {
                    ObjectNode ei = NODES.objectNode();
                    ei.put("input_name", x);
                    ei.set("input_config", config);
                    ei.set("received_value", val);
                    errors.add(error("bad_linked_input", "Bad linked input, must be a length-2 list of [node_id, slot_index]",
                            x, ei));
                    continue;
                }
                String from = val.get(0).asString("");
                JsonNode source = prompt.path(from);
                if (!source.isObject()) {
                    // ComfyUI raises KeyError here; validate_prompt turns it into exception_during_validation
                    throw new IllegalStateException("'" + from + "'");
                }
                JsonNode returns = objectInfo.path(source.path("class_type").asString("")).path("output");
                int slot = val.get(1).asInt(-1);
                if (slot < 0 || slot >= returns.size()) {
                    throw new IllegalStateException("tuple index out of range");
                }
                String received = returns.get(slot).asString("");
                if (!validateNodeInput(received, type)) {
                    ObjectNode ei = NODES.objectNode();
                    ei.put("input_name", x);
                    ei.set("input_config", config);
                    ei.put("received_type", received);
                    ei.set("linked_node", val);
                    errors.add(error("return_type_mismatch", "Return type mismatch between linked nodes",
                            x + ", received_type(" + received + ") mismatch input_type(" + typeName(type) + ")", ei));
                    continue;
                }
                Validated upstream = validateInputs(prompt, from, validated);
                if (!upstream.ok) {
                    valid = false;
                }
                continue;
            }
            String typeName = type.isString() ? type.asString() : "";
            JsonNode value = val;
            try {
                value = switch (typeName) {
                    case "INT" -> NODES.numberNode(toInt(val));
                    case "FLOAT" -> NODES.numberNode(toFloat(val));
                    case "STRING" -> NODES.stringNode(val.isString() ? val.asString() : val.toString());
                    case "BOOLEAN" -> NODES.booleanNode(truthy(val));
                    default -> val;
                };
            } catch (NumberFormatException ex) {
                ObjectNode ei = NODES.objectNode();
                ei.put("input_name", x);
                ei.set("input_config", config);
                ei.set("received_value", val);
                ei.put("exception_message", String.valueOf(ex.getMessage()));
                errors.add(error("invalid_input_type", "Failed to convert an input value to a " + typeName + " value",
                        x + ", " + val + ", " + ex.getMessage(), ei));
                continue;
            }
            if (selfChecked.contains(x)) {
                String failed = selfCheck.check(classType, x, value);
                if (failed != null) {
                    ObjectNode ei = NODES.objectNode();
                    ei.put("input_name", x);
                    errors.add(error("custom_validation_failed", "Custom validation failed for node", x + " - " + failed,
                            ei));
                }
                continue;
            }
            if (extra.has("min") && value.isNumber() && compare(value, extra.get("min")) < 0) {
                errors.add(range("value_smaller_than_min", "Value " + num(value) + " smaller than min of "
                        + num(extra.get("min")), x, config, value));
                continue;
            }
            if (extra.has("max") && value.isNumber() && compare(value, extra.get("max")) > 0) {
                errors.add(range("value_bigger_than_max", "Value " + num(value) + " bigger than max of "
                        + num(extra.get("max")), x, config, value));
                continue;
            }
            JsonNode options = type.isArray() ? type : typeName.equals("COMBO") ? extra.path("options") : null;
            if (options != null && !contains(options, value)) {
                boolean big = options.size() > 20;
                String list = big ? "(list of length " + options.size() + ")" : pythonList(options);
                ObjectNode ei = NODES.objectNode();
                ei.put("input_name", x);
                if (big) {
                    ei.putNull("input_config");
                } else {
                    ei.set("input_config", config);
                }
                ei.set("received_value", value);
                errors.add(error("value_not_in_list", "Value not in list", x + ": '" + text(value) + "' not in " + list, ei));
            }
        }
        Validated result = new Validated(errors.isEmpty() && valid, errors);
        validated.put(id, result);
        return result;
    }

    /** {@code comfy_execution.validation.validate_node_input} (non-strict). */
    static boolean validateNodeInput(String received, JsonNode inputType) {
        if (!inputType.isString()) {
            // a combo list as input type: only an identical list matches (Python's != on lists)
            return false;
        }
        String expected = inputType.asString();
        if (received.equals(expected) || received.equals("*") || expected.equals("*")) {
            return true;
        }
        Set<String> r = split(received);
        Set<String> in = split(expected);
        if (r.contains("*") || in.contains("*")) {
            return true;
        }
        r.retainAll(in);
        return !r.isEmpty();
    }

    private static Set<String> split(String types) {
        Set<String> out = new LinkedHashSet<>();
        for (String t : types.split(",")) {
            out.add(t.strip());
        }
        return out;
    }

    private static java.math.BigInteger toInt(JsonNode v) {
        // Python's int(): unbounded, truncates floats, parses decimal strings
        if (v.isIntegralNumber()) {
            return v.bigIntegerValue();
        }
        if (v.isNumber()) {
            return v.decimalValue().toBigInteger();
        }
        if (v.isBoolean()) {
            return v.asBoolean() ? java.math.BigInteger.ONE : java.math.BigInteger.ZERO;
        }
        return new java.math.BigInteger(v.asString("").strip());
    }

    private static double toFloat(JsonNode v) {
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isBoolean()) {
            return v.asBoolean() ? 1 : 0;
        }
        return Double.parseDouble(v.asString("").strip());
    }

    private static boolean truthy(JsonNode v) {
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isNumber()) {
            return v.asDouble() != 0;
        }
        if (v.isString()) {
            return !v.asString().isEmpty();
        }
        return !v.isNull() && !v.isEmpty();
    }

    private static int compare(JsonNode a, JsonNode b) {
        return a.decimalValue().compareTo(b.decimalValue());
    }

    private static String num(JsonNode n) {
        return n.isFloatingPointNumber() ? Double.toString(n.asDouble()) : n.bigIntegerValue().toString();
    }

    private static boolean contains(JsonNode options, JsonNode value) {
        for (JsonNode option : options) {
            if (option.equals(value) || (option.isNumber() && value.isNumber() && compare(option, value) == 0)) {
                return true;
            }
        }
        return false;
    }

    private static String text(JsonNode v) {
        return v.isString() ? v.asString() : v.toString();
    }

    private static String pythonList(JsonNode options) {
        List<String> items = new ArrayList<>();
        for (JsonNode o : options) {
            items.add(o.isString() ? "'" + o.asString() + "'" : o.toString());
        }
        return "[" + String.join(", ", items) + "]";
    }

    private static String typeName(JsonNode type) {
        return type.isString() ? type.asString() : pythonList(type);
    }

    private static ObjectNode range(String type, String message, String x, ArrayNode config, JsonNode value) {
        ObjectNode ei = NODES.objectNode();
        ei.put("input_name", x);
        ei.set("input_config", config);
        ei.set("received_value", value);
        return error(type, message, x, ei);
    }

    private static ObjectNode error(String type, String message, String details, ObjectNode extra) {
        ObjectNode e = NODES.objectNode();
        e.put("type", type);
        e.put("message", message);
        e.put("details", details);
        e.set("extra_info", extra);
        return e;
    }

    private static Result refused(ObjectNode error) {
        return new Result(false, error, NODES.objectNode(), List.of());
    }
}
