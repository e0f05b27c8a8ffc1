package dev.ditto.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Renders a kustomization the way {@code kubectl kustomize} does, for the subset of kustomize the manifests in
 * deploy/ use: {@code resources} (files, multi-document files and kustomization folders), {@code patches} given
 * by {@code path} (strategic merge patches that name their target by kind and name), {@code images} and
 * {@code namespace}. Anything else in a kustomization fails the rendering rather than being ignored, so a
 * manifest never passes the schema check only because this renderer skipped what kustomize would do.
 */
final class Kustomize {
    static final YAMLMapper YAML = YAMLMapper.builder().build();

    private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "resources", "patches", "images", "namespace");
    /** Cluster-scoped kinds: the namespace transformer leaves them alone. */
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "CustomResourceDefinition", "ClusterRole",
            "ClusterRoleBinding", "PersistentVolume", "StorageClass", "IngressClass", "PriorityClass");
    /**
     * Strategic-merge keys of the lists a patch here may merge into (from the Kubernetes API's
     * x-kubernetes-patch-merge-key); every other list is replaced by the patch's, as kustomize does for lists
     * without a merge key (Ingress rules, a ScaledObject's triggers).
     */
    private static final Map<String, String> MERGE_KEYS = Map.of("containers", "name", "initContainers", "name",
            "env", "name", "volumes", "name", "volumeMounts", "mountPath", "imagePullSecrets", "name");

    /** A rendered document and the file it came from. */
    record Manifest(ObjectNode document, Path source) {
        String kind() {
            return document.path("kind").asString("");
        }

        String name() {
            return document.path("metadata").path("name").asString("");
        }

        @Override
        public String toString() {
            return kind() + " " + name() + " (" + source + ")";
        }
    }

    /** What a rendering produced, and every file it read (kustomizations, resources, patches). */
    record Rendering(List<Manifest> manifests, Set<Path> filesRead) {
        Manifest find(String kind, String name) {
            return manifests.stream().filter(m -> m.kind().equals(kind) && m.name().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + manifests));
        }
    }

    private Kustomize() {
    }

    static Rendering render(Path directory) {
        Set<Path> read = new LinkedHashSet<>();
        List<Manifest> manifests = render(directory.toAbsolutePath().normalize(), read);
        return new Rendering(manifests, read);
    }

    private static List<Manifest> render(Path directory, Set<Path> read) {
        Path file = directory.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(directory + " has no kustomization.yaml");
        }
        read.add(file);
        JsonNode k = single(file);
        for (String key : k.propertyNames()) {
            if (!SUPPORTED.contains(key)) {
                throw new IllegalArgumentException(file + ": '" + key + "' is not supported by this renderer (only "
                        + SUPPORTED + "); render with kubectl kustomize and extend Kustomize.java");
            }
        }
        List<Manifest> out = new ArrayList<>();
        for (JsonNode entry : k.path("resources")) {
            Path resource = directory.resolve(entry.asString()).normalize();
            if (Files.isDirectory(resource)) {
                out.addAll(render(resource, read));
            } else {
                read.add(resource);
                for (ObjectNode document : documents(resource)) {
                    out.add(new Manifest(document, resource));
                }
            }
        }
        for (JsonNode patch : k.path("patches")) {
            if (patch.size() != 1 || !patch.has("path")) {
                throw new IllegalArgumentException(file + ": a patch other than {path: FILE} (target, inline patch, JSON 6902) "
                        + "is not supported by this renderer, got " + patch);
            }
            Path patchFile = directory.resolve(patch.path("path").asString()).normalize();
            read.add(patchFile);
            for (ObjectNode document : documents(patchFile)) {
                apply(document, patchFile, out);
            }
        }
        for (JsonNode image : k.path("images")) {
            out.forEach(m -> setImage(m.document(), image));
        }
        if (k.has("namespace")) {
            String namespace = k.path("namespace").asString();
            out.stream().filter(m -> !CLUSTER_SCOPED.contains(m.kind()))
                    .forEach(m -> ((ObjectNode) m.document().path("metadata")).put("namespace", namespace));
        }
        return out;
    }

    /** The YAML documents of a file, each an object (empty documents skipped). */
    static List<ObjectNode> documents(Path file) {
        List<ObjectNode> out = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(Files.readString(file))) {
            while (it.hasNextValue()) {
                JsonNode node = it.nextValue();
                if (node == null || node.isMissingNode() || node.isNull()) {
                    continue;
                }
                if (!node.isObject()) {
                    throw new IllegalArgumentException(file + ": a document must be a mapping, got " + node.getNodeType());
                }
                out.add((ObjectNode) node);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static JsonNode single(Path file) {
        List<ObjectNode> docs = documents(file);
        if (docs.size() != 1) {
            throw new IllegalArgumentException(file + " must hold one document, holds " + docs.size());
        }
        return docs.getFirst();
    }

    private static void apply(ObjectNode patch, Path patchFile, List<Manifest> targets) {
        String kind = patch.path("kind").asString("");
        String name = patch.path("metadata").path("name").asString("");
        String apiVersion = patch.path("apiVersion").asString("");
        List<Manifest> matches = targets.stream().filter(m -> m.kind().equals(kind) && m.name().equals(name)
                && m.document().path("apiVersion").asString("").equals(apiVersion)).toList();
        if (matches.size() != 1) {
            throw new IllegalArgumentException(patchFile + ": the patch of " + apiVersion + " " + kind + " " + name
                    + " matches " + matches.size() + " resources, not 1");
        }
        merge(matches.getFirst().document(), patch, patchFile.toString());
    }

    /** Strategic merge of {@code patch} into {@code target}: maps merge, lists merge by key or are replaced, null deletes. */
    static void merge(ObjectNode target, JsonNode patch, String where) {
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (key.startsWith("$")) {
                throw new IllegalArgumentException(where + ": directive " + key + " is not supported");
            }
            JsonNode existing = target.get(key);
            if (value.isNull()) {
                target.remove(key);
            } else if (value.isObject() && existing != null && existing.isObject()) {
                merge((ObjectNode) existing, value, where + "." + key);
            } else if (value.isArray() && existing != null && existing.isArray() && MERGE_KEYS.containsKey(key)) {
                mergeList((ArrayNode) existing, (ArrayNode) value, MERGE_KEYS.get(key), where + "." + key);
            } else {
                target.set(key, value.deepCopy());
            }
        }
    }

    private static void mergeList(ArrayNode target, ArrayNode patch, String mergeKey, String where) {
        for (JsonNode item : patch) {
            if (!item.isObject() || !item.has(mergeKey)) {
                throw new IllegalArgumentException(where + ": every item needs its merge key '" + mergeKey + "'");
            }
            ObjectNode match = null;
            for (JsonNode candidate : target) {
                if (candidate.path(mergeKey).equals(item.get(mergeKey))) {
                    match = (ObjectNode) candidate;
                }
            }
            if (match == null) {
                target.add(item.deepCopy());
            } else {
                merge(match, item, where + "[" + item.get(mergeKey).asString() + "]");
            }
        }
    }

    /** kustomize's images transformer: a container image named {@code name} (any tag) becomes newName:newTag. */
    private static void setImage(JsonNode node, JsonNode image) {
        if (node.isObject()) {
            for (String field : List.of("containers", "initContainers")) {
                for (JsonNode container : node.path(field)) {
                    String current = container.path("image").asString("");
                    String bare = current.replaceFirst("@.*$", "").replaceFirst(":[^:/]*$", "");
                    if (bare.equals(image.path("name").asString())) {
                        String newName = image.path("newName").asString(bare);
                        String tag = image.has("newTag") ? ":" + image.path("newTag").asString()
                                : current.substring(bare.length());
                        ((ObjectNode) container).put("image", newName + tag);
                    }
                }
            }
            node.values().forEach(child -> setImage(child, image));
        } else if (node.isArray()) {
            node.values().forEach(child -> setImage(child, image));
        }
    }
}
