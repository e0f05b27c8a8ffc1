package dev.ditto.ui.sampleview;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A sample's provenance as rows, one per stage: engine, model, version, seed, and whatever details the stage recorded
 * (a model server's version, model files and their sha256, the workflow's hash). Unknown fields are shown, not dropped.
 */
record ProvenanceRows(String runner, List<Row> rows) {
    record Row(String stage, String engine, String model, String version, String seed, Map<String, String> details) {}

    static ProvenanceRows parse(ObjectMapper json, String provenanceJson) {
        if (provenanceJson == null || provenanceJson.isBlank()) {
            return new ProvenanceRows("", List.of());
        }
        JsonNode root = json.readTree(provenanceJson);
        List<Row> rows = new ArrayList<>();
        for (JsonNode stage : root.path("stages")) {
            Map<String, String> details = new TreeMap<>();
            for (var field : stage.properties()) {
                String name = field.getKey();
                if (List.of("stage", "name", "engine", "model", "version", "seed").contains(name)) {
                    continue;
                }
                JsonNode v = field.getValue();
                if (v.isObject()) {
                    for (var inner : v.properties()) {
                        details.put(inner.getKey(), text(inner.getValue()));
                    }
                } else if (!v.isNull()) {
                    details.put(name, text(v));
                }
            }
            rows.add(new Row(stage.path("stage").asString(stage.path("name").asString("")), stage.path("engine").asString(""),
                    stage.path("model").asString(""), stage.path("version").asString(""), text(stage.path("seed")), details));
        }
        return new ProvenanceRows(root.path("runner").asString(""), rows);
    }

    private static String text(JsonNode v) {
        return v.isMissingNode() || v.isNull() ? "" : v.isValueNode() ? v.asString() : v.toString();
    }
}
