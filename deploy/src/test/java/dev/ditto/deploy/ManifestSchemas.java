package dev.ditto.deploy;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The schemas a manifest is checked against, by apiVersion and kind: the Kubernetes API's (v1.31, its OpenAPI
 * definitions) and KEDA's custom resources (v2.16.1, the CRDs' openAPIV3Schema), both vendored under
 * src/test/resources/schemas (see the README there).
 *
 * <p>Both are made strict the way kubeconform's "-strict" schemas are, and the way {@code kubectl apply}'s
 * default server-side field validation ({@code --validate=strict}) treats a manifest: an object whose schema
 * lists its properties accepts no other property (unless it is declared open, {@code additionalProperties} or
 * {@code x-kubernetes-preserve-unknown-fields}), so a misspelt field is an error instead of being silently
 * dropped. The Kubernetes API's two string-or-number types become what the API server accepts: IntOrString a
 * string or an integer, Quantity a string or a number. {@code format} is left out (it is an annotation there).
 */
final class ManifestSchemas {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final String K8S_DEFINITIONS = "/schemas/kubernetes-v1.31-definitions.json";
    private static final List<String> CRDS = List.of("/schemas/keda-v2.16.1-scaledobjects.yaml",
            "/schemas/keda-v2.16.1-triggerauthentications.yaml");

    private final Map<String, Schema> byApiVersionAndKind = new HashMap<>();

    ManifestSchemas() {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);
        ObjectNode definitions = (ObjectNode) read(K8S_DEFINITIONS).path("definitions");
        definitions.set("io.k8s.apimachinery.pkg.util.intstr.IntOrString", anyOf("string", "integer"));
        definitions.set("io.k8s.apimachinery.pkg.api.resource.Quantity", anyOf("string", "number"));
        Map<String, String> kinds = new HashMap<>();
        for (Map.Entry<String, JsonNode> d : definitions.properties()) {
            for (JsonNode gvk : d.getValue().path("x-kubernetes-group-version-kind")) {
                String group = gvk.path("group").asString("");
                String apiVersion = (group.isEmpty() ? "" : group + "/") + gvk.path("version").asString();
                kinds.put(key(apiVersion, gvk.path("kind").asString()), d.getKey());
            }
        }
        definitions.values().forEach(ManifestSchemas::strict);
        kinds.forEach((kind, definition) ->
                byApiVersionAndKind.put(kind, registry.getSchema(document(definitions, "#/definitions/" + definition))));
        for (String crdFile : CRDS) {
            JsonNode crd = Kustomize.YAML.readTree(resource(crdFile));
            String group = crd.path("spec").path("group").asString();
            String kind = crd.path("spec").path("names").path("kind").asString();
            for (JsonNode version : crd.path("spec").path("versions")) {
                ObjectNode schema = (ObjectNode) version.path("schema").path("openAPIV3Schema").deepCopy();
                // a custom resource's metadata is the API's ObjectMeta, checked as strictly as a Deployment's
                ((ObjectNode) schema.path("properties")).set("metadata",
                        JsonNodeFactory.instance.objectNode().put("$ref", "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
                strict(schema);
                ObjectNode root = schema.deepCopy();
                root.set("definitions", definitions);
                byApiVersionAndKind.put(key(group + "/" + version.path("name").asString(), kind), registry.getSchema(root));
            }
        }
    }

    /** The errors of one manifest; one saying so when no schema knows its apiVersion and kind. */
    List<String> validate(JsonNode manifest) {
        String apiVersion = manifest.path("apiVersion").asString("");
        String kind = manifest.path("kind").asString("");
        Schema schema = byApiVersionAndKind.get(key(apiVersion, kind));
        if (schema == null) {
            return List.of("no schema for apiVersion '" + apiVersion + "' kind '" + kind + "' (known: "
                    + byApiVersionAndKind.keySet().stream().sorted().toList() + ")");
        }
        List<String> errors = new ArrayList<>();
        for (Error error : schema.validate(manifest)) {
            errors.add(error.toString());
        }
        return errors;
    }

    private static String key(String apiVersion, String kind) {
        return apiVersion + " " + kind;
    }

    private static ObjectNode document(ObjectNode definitions, String ref) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("$ref", ref);
        root.set("definitions", definitions);
        return root;
    }

    private static ObjectNode anyOf(String... types) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        ArrayNode options = node.putArray("anyOf");
        for (String type : types) {
            options.addObject().put("type", type);
        }
        return node;
    }

    /** Closes every object schema that lists properties and drops {@code format}, in place, through every sub-schema. */
    private static void strict(JsonNode schema) {
        if (!schema.isObject()) {
            return;
        }
        ObjectNode object = (ObjectNode) schema;
        if (object.path("format").isString()) {
            object.remove("format");
        }
        if (object.path("properties").isObject() && !object.has("additionalProperties")
                && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            object.put("additionalProperties", false);
        }
        // the API's own extensions (list types, merge keys, group-version-kind) are no JSON Schema keywords
        object.propertyNames().stream().filter(k -> k.startsWith("x-kubernetes-")).toList().forEach(object::remove);
        object.path("properties").values().forEach(ManifestSchemas::strict);
        object.path("definitions").values().forEach(ManifestSchemas::strict);
        strict(object.path("items"));
        strict(object.path("additionalProperties"));
        strict(object.path("not"));
        for (String list : List.of("allOf", "anyOf", "oneOf")) {
            object.path(list).values().forEach(ManifestSchemas::strict);
        }
    }

    private static JsonNode read(String resource) {
        return JSON.readTree(resource(resource));
    }

    private static String resource(String name) {
        try (InputStream in = ManifestSchemas.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
