package dev.ditto.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ditto.deploy.Kustomize.Manifest;
import dev.ditto.deploy.Kustomize.Rendering;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every manifest in deploy/ (the base and each overlay as kustomize renders them, and any other YAML file there)
 * against the Kubernetes v1.31 and KEDA v2.16.1 schemas, strict: what {@code kubectl apply} would reject fails
 * the build here first. Plus the promises of docs/deploy.md that a schema cannot check.
 */
class ManifestsTest {
    private static final Path DEPLOY = Path.of("").toAbsolutePath();
    private static final ManifestSchemas SCHEMAS = new ManifestSchemas();

    @Test
    void everyManifestInDeployMatchesTheKubernetesAndKedaSchemas() throws IOException {
        Set<Path> covered = new HashSet<>();
        List<String> errors = new ArrayList<>();
        for (Path kustomization : yamlFiles().filter(f -> f.getFileName().toString().equals("kustomization.yaml")).toList()) {
            Rendering rendering = Kustomize.render(kustomization.getParent());
            covered.addAll(rendering.filesRead());
            assertThat(rendering.manifests()).as("what %s renders", kustomization).isNotEmpty();
            rendering.manifests().forEach(m -> SCHEMAS.validate(m.document()).forEach(e -> errors.add(m + ": " + e)));
        }
        List<Path> standalone = yamlFiles().filter(f -> !covered.contains(f)).toList();
        assertThat(standalone).as("YAML files no kustomization uses").containsExactly(DEPLOY.resolve("secrets.example.yaml"));
        for (Path file : standalone) {
            Kustomize.documents(file).forEach(d -> SCHEMAS.validate(d).forEach(e -> errors.add(file + ": " + e)));
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void aMisspeltFieldIsRejected() {
        ObjectNode deployment = server(Kustomize.render(DEPLOY.resolve("base")));
        assertThat(SCHEMAS.validate(deployment)).isEmpty();

        ObjectNode replicaz = deployment.deepCopy();
        ((ObjectNode) replicaz.path("spec")).set("replicaz", ((ObjectNode) replicaz.path("spec")).remove("replicas"));
        assertThat(SCHEMAS.validate(replicaz)).singleElement().asString().contains("replicaz");

        ObjectNode probe = deployment.deepCopy();
        ObjectNode readiness = (ObjectNode) probe.path("spec").path("template").path("spec").path("containers").get(0).path("readinessProbe");
        readiness.set("periodSecond", readiness.remove("periodSeconds"));
        assertThat(SCHEMAS.validate(probe)).singleElement().asString().contains("periodSecond");

        ObjectNode wrongType = deployment.deepCopy();
        ((ObjectNode) wrongType.path("spec")).put("replicas", "two");
        assertThat(SCHEMAS.validate(wrongType)).isNotEmpty();
    }

    @Test
    void aMisspeltFieldOfAKedaResourceIsRejected() {
        Rendering base = Kustomize.render(DEPLOY.resolve("base"));
        ObjectNode scaledObject = base.find("ScaledObject", "ditto-runner").document().deepCopy();
        assertThat(SCHEMAS.validate(scaledObject)).isEmpty();
        ((ObjectNode) scaledObject.path("spec")).put("maxReplicas", 8);
        assertThat(SCHEMAS.validate(scaledObject)).singleElement().asString().contains("maxReplicas");

        ObjectNode auth = base.find("TriggerAuthentication", "ditto-postgres").document().deepCopy();
        ((ObjectNode) auth.path("spec").path("secretTargetRef").get(0)).put("parametr", "password");
        assertThat(SCHEMAS.validate(auth)).singleElement().asString().contains("parametr");

        ObjectNode metadata = base.find("ScaledObject", "ditto-runner").document().deepCopy();
        ((ObjectNode) metadata.path("metadata")).put("namespac", "ditto");
        assertThat(SCHEMAS.validate(metadata)).singleElement().asString().contains("namespac");
    }

    @Test
    void aKindWithoutASchemaIsAnErrorNotASkip() {
        ObjectNode unknown = Kustomize.YAML.createObjectNode().put("apiVersion", "example.com/v1").put("kind", "Widget");
        assertThat(SCHEMAS.validate(unknown)).singleElement().asString().contains("no schema");
    }

    @Test
    void theServerRunsTwoReplicasWithProbesOnActuatorHealthBehindAStickyIngress() {
        Rendering base = Kustomize.render(DEPLOY.resolve("base"));
        ObjectNode server = server(base);
        assertThat(server.path("spec").path("replicas").asInt()).isEqualTo(2);
        JsonNode container = server.path("spec").path("template").path("spec").path("containers").get(0);
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asString()).isEqualTo("/actuator/health/liveness");
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asString()).isEqualTo("/actuator/health/readiness");
        assertThat(secretEnv(container)).containsEntry("DITTO_SECURITY_ADMINPASSWORD", "ditto-server-secrets/admin-password")
                .containsEntry("DITTO_SETTINGS_SECRETKEY", "ditto-server-secrets/settings-secret-key")
                .containsEntry("DITTO_HUB_TOKEN", "ditto-server-secrets/hub-token")
                .containsEntry("DITTO_DB_PASSWORD", "ditto-server-secrets/db-password");
        JsonNode config = base.find("ConfigMap", "ditto-server-config").document().path("data");
        assertThat(config.has("DITTO_DB_URL")).isTrue();
        assertThat(config.has("DITTO_SEARCH_URL")).isTrue();

        JsonNode ingress = base.find("Ingress", "ditto-server").document();
        assertThat(ingress.path("metadata").path("annotations").path("nginx.ingress.kubernetes.io/affinity").asString()).isEqualTo("cookie");
        JsonNode backend = ingress.path("spec").path("rules").get(0).path("http").path("paths").get(0).path("backend").path("service");
        JsonNode service = base.find("Service", backend.path("name").asString()).document();
        assertThat(service.path("spec").path("ports").findValuesAsString("name")).contains(backend.path("port").path("name").asString());
        assertThat(podLabels(server)).containsAllEntriesOf(stringMap(service.path("spec").path("selector")));
    }

    @Test
    void everyDittoVariableOfTheServerNamesADocumentedProperty() throws IOException {
        // Spring Boot binds DITTO_SECURITY_ADMINPASSWORD to ditto.security.admin-password: dots become underscores,
        // dashes go. A variable matching no property of the README's table would be silently ignored by the server.
        Set<String> documented = new HashSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("`(ditto\\.[a-z0-9.-]+)`")
                .matcher(Files.readString(DEPLOY.resolve("../README.md")));
        while (m.find()) {
            documented.add(m.group(1).replace("-", "").replace('.', '_').toUpperCase(java.util.Locale.ROOT));
        }
        Rendering base = Kustomize.render(DEPLOY.resolve("base"));
        List<String> variables = new ArrayList<>(base.find("ConfigMap", "ditto-server-config").document().path("data").propertyNames());
        server(base).path("spec").path("template").path("spec").path("containers").get(0).path("env")
                .forEach(e -> variables.add(e.path("name").asString()));
        assertThat(variables).filteredOn(v -> v.startsWith("DITTO_")).hasSizeGreaterThan(8)
                .allSatisfy(v -> assertThat(documented).as("documented properties").contains(v));
    }

    @Test
    void runnersAskForAGpuTakeTheirTokenFromASecretAndOutliveTheirGracePeriod() {
        Rendering base = Kustomize.render(DEPLOY.resolve("base"));
        JsonNode runner = base.find("Deployment", "ditto-runner").document();
        JsonNode pod = runner.path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").get(0);
        assertThat(container.path("resources").path("limits").path("nvidia.com/gpu").asInt()).isEqualTo(1);
        assertThat(secretEnv(container)).containsEntry("DITTO_RUNNER_TOKEN", "ditto-runner-token/token");
        List<String> args = container.path("args").valueStream().map(JsonNode::asString).toList();
        String server = args.get(args.indexOf("--server") + 1);
        JsonNode service = base.find("Service", "ditto-server").document();
        assertThat(server).isEqualTo("http://ditto-server:" + service.path("spec").path("ports").get(0).path("port").asInt());
        int grace = Integer.parseInt(args.get(args.indexOf("--grace-seconds") + 1));
        assertThat(pod.path("terminationGracePeriodSeconds").asInt()).isGreaterThan(grace);

        JsonNode scaled = base.find("ScaledObject", "ditto-runner").document().path("spec");
        assertThat(scaled.path("scaleTargetRef").path("name").asString()).isEqualTo("ditto-runner");
        assertThat(runner.path("spec").has("replicas")).as("replicas of a Deployment KEDA scales").isFalse();
        JsonNode trigger = scaled.path("triggers").get(0);
        assertThat(trigger.path("type").asString()).isEqualTo("postgresql");
        assertThat(trigger.path("metadata").path("query").asString()).contains("FROM jobs").contains("'QUEUED'").contains("'RUNNING'");
        JsonNode auth = base.find("TriggerAuthentication", trigger.path("authenticationRef").path("name").asString()).document();
        assertThat(auth.path("spec").path("secretTargetRef").get(0).path("name").asString()).isEqualTo("ditto-server-secrets");
    }

    @Test
    void theExampleOverlayPatchesTheBaseAndKeepsWhatItDoesNotTouch() {
        Rendering overlay = Kustomize.render(DEPLOY.resolve("overlays/example"));
        assertThat(overlay.manifests()).allSatisfy(m -> assertThat(m.document().path("metadata").path("namespace").asString()).isEqualTo("ditto"));
        JsonNode runner = overlay.find("Deployment", "ditto-runner").document().path("spec").path("template").path("spec");
        JsonNode container = runner.path("containers").get(0);
        assertThat(container.path("image").asString()).isEqualTo("registry.example.com/ditto/ditto-runner:0.1.0-SNAPSHOT");
        assertThat(container.path("resources").path("requests").path("memory").asString()).isEqualTo("32Gi");
        assertThat(container.path("args").valueStream().map(JsonNode::asString)).contains("--server", "--grace-seconds");
        assertThat(runner.path("nodeSelector").size()).isEqualTo(1);
        assertThat(overlay.find("ScaledObject", "ditto-runner").document().path("spec").path("maxReplicaCount").asInt()).isEqualTo(16);
        JsonNode server = overlay.find("Deployment", "ditto-server").document();
        assertThat(server.path("spec").path("template").path("spec").path("containers").get(0).path("image").asString())
                .isEqualTo("registry.example.com/ditto/ditto-server:0.1.0-SNAPSHOT");
        assertThat(overlay.find("PersistentVolumeClaim", "ditto-data").document().path("spec").path("accessModes").get(0).asString())
                .isEqualTo("ReadWriteMany");
    }

    @ParameterizedTest
    @ValueSource(strings = {"commonLabels: {a: b}", "patches: [{path: p.yaml, target: {kind: Deployment}}]"})
    void aKustomizationFeatureTheRendererLacksFailsInsteadOfBeingSkipped(String line, @org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n" + line + "\n");
        assertThatThrownBy(() -> Kustomize.render(dir)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not supported");
    }

    private static ObjectNode server(Rendering rendering) {
        return rendering.find("Deployment", "ditto-server").document();
    }

    private static Stream<Path> yamlFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String folder : List.of("base", "overlays")) {
            try (Stream<Path> walk = Files.walk(DEPLOY.resolve(folder))) {
                walk.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).forEach(files::add);
            }
        }
        try (Stream<Path> top = Files.list(DEPLOY)) {
            top.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).forEach(files::add);
        }
        return files.stream().map(f -> f.toAbsolutePath().normalize()).sorted();
    }

    /** Env var name → "secret/key" for each variable taken from a Secret. */
    private static Map<String, String> secretEnv(JsonNode container) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (JsonNode env : container.path("env")) {
            JsonNode ref = env.path("valueFrom").path("secretKeyRef");
            if (!ref.isMissingNode()) {
                out.put(env.path("name").asString(), ref.path("name").asString() + "/" + ref.path("key").asString());
            }
        }
        return out;
    }

    private static Map<String, String> podLabels(JsonNode deployment) {
        return stringMap(deployment.path("spec").path("template").path("metadata").path("labels"));
    }

    private static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> out = new java.util.TreeMap<>();
        node.properties().forEach(e -> out.put(e.getKey(), e.getValue().asString()));
        return out;
    }
}
