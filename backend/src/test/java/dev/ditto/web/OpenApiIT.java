package dev.ditto.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.ditto.testing.DittoIntegrationTest;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The OpenAPI document generated from the code ({@code /api/openapi}, public) covers every REST endpoint, and both it
 * and the hand-written runner protocol ({@code /api/runner/openapi.yaml}) describe exactly the fields the runner
 * protocol's Java records put on the wire: a component renamed, added or removed in Java fails this test.
 */
@DittoIntegrationTest
class OpenApiIT {
    private static final String PROTOCOL_PACKAGE = "dev.ditto.protocol";
    /** Hand-written schema names that differ from the record's. */
    private static final Map<String, String> HAND_WRITTEN_NAMES = Map.of("JobOutcome", "Outcome");

    private final HttpClient http = HttpClient.newHttpClient();
    @LocalServerPort int port;

    @Test
    void theGeneratedDocumentIsPublicAndCoversEveryRestEndpoint() throws Exception {
        HttpResponse<String> json = get("/api/openapi");
        assertThat(json.statusCode()).as("public, without signing in").isEqualTo(200);
        Map<String, Object> doc = parse(json.body());
        assertThat(String.valueOf(doc.get("openapi"))).startsWith("3.");

        Map<String, Object> paths = map(doc.get("paths"));
        List<String> missing = new ArrayList<>();
        for (String rule : new TreeSet<>(EndpointAccessIT.RULES.keySet())) {
            String method = rule.substring(0, rule.indexOf(' '));
            String path = rule.substring(rule.indexOf(' ') + 1);
            if (method.equals("ANY") || !(path.startsWith("/api/") || path.startsWith("/media/"))
                    || path.startsWith("/api/openapi")) {
                continue; // catch-alls, actuator, /error, and this document itself
            }
            Map<String, Object> operations = map(paths.get(path));
            if (operations == null || !operations.containsKey(method.toLowerCase(Locale.ROOT))) {
                missing.add(rule);
            }
        }
        assertThat(missing).as("endpoints the generated document lacks").isEmpty();

        HttpResponse<String> yaml = get("/api/openapi.yaml");
        assertThat(yaml.statusCode()).isEqualTo(200);
        assertThat(map(parse(yaml.body()).get("paths")).keySet()).isEqualTo(paths.keySet());
    }

    @Test
    void theGeneratedSchemasHaveExactlyTheRunnerProtocolRecordsFields() throws Exception {
        Map<String, Object> doc = parse(get("/api/openapi").body());
        assertThat(mismatches(doc, Map.of(), false)).isEmpty();
    }

    @Test
    void theHandWrittenRunnerProtocolHasExactlyTheRecordsFields() throws Exception {
        HttpResponse<String> served = get("/api/runner/openapi.yaml");
        assertThat(served.statusCode()).isEqualTo(200);
        Map<String, Object> doc = parse(served.body());
        assertThat(String.valueOf(doc.get("openapi"))).startsWith("3.");
        assertThat(mismatches(doc, HAND_WRITTEN_NAMES, true)).isEmpty();
    }

    @Test
    void aFieldRenamedOnOneSideIsReported() throws Exception {
        Map<String, Object> doc;
        try (InputStream in = getClass().getResourceAsStream("/openapi/runner-protocol.yaml")) {
            doc = parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
        Map<String, Object> properties = map(map(map(map(doc.get("components")).get("schemas")).get("JobAssignment")).get("properties"));
        properties.put("leaseExpiry", properties.remove("leaseExpiresAt"));

        assertThat(mismatches(doc, HAND_WRITTEN_NAMES, true))
                .singleElement().asString().contains("JobAssignment").contains("leaseExpiresAt").contains("leaseExpiry");
    }

    /** "Record: ..." for every protocol record whose schema in {@code doc} is missing or has other fields. */
    private static List<String> mismatches(Map<String, Object> doc, Map<String, String> names, boolean exactDiscriminator)
            throws ClassNotFoundException {
        Map<String, Object> schemas = map(map(doc.get("components")).get("schemas"));
        Set<Class<?>> records = protocolRecords();
        assertThat(records).as("the protocol's records were found").hasSizeGreaterThan(15);
        List<String> wrong = new ArrayList<>();
        for (Class<?> record : records) {
            Map<String, Object> schema = schemaOf(record, schemas, names, records);
            Set<String> expected = jsonFields(record);
            @Nullable String discriminator = discriminator(record);
            if (schema == null) {
                wrong.add(record.getName() + ": no schema");
                continue;
            }
            Set<String> documented = properties(schema, schemas);
            if (discriminator != null && !exactDiscriminator) {
                expected.remove(discriminator); // springdoc may state it on the interface's schema instead
                documented.remove(discriminator);
            }
            if (!documented.equals(expected)) {
                wrong.add(record.getName() + ": Java has " + expected + ", the document " + documented);
            }
        }
        return wrong;
    }

    /** The records reachable from the runner protocol controller's request bodies and answers. */
    private static Set<Class<?>> protocolRecords() throws ClassNotFoundException {
        Class<?> controller = Class.forName("dev.ditto.runners.RunnerProtocolController");
        Set<Class<?>> found = new LinkedHashSet<>();
        for (Method m : controller.getDeclaredMethods()) {
            if (!AnnotatedElementUtils.hasAnnotation(m, RequestMapping.class)) {
                continue;
            }
            collect(m.getGenericReturnType(), found);
            for (Parameter p : m.getParameters()) {
                if (p.isAnnotationPresent(RequestBody.class)) {
                    collect(p.getParameterizedType(), found);
                }
            }
        }
        found.removeIf(c -> !c.isRecord());
        return found;
    }

    private static void collect(Type type, Set<Class<?>> found) {
        if (type instanceof ParameterizedType p) {
            for (Type argument : p.getActualTypeArguments()) {
                collect(argument, found);
            }
            collect(p.getRawType(), found);
            return;
        }
        if (!(type instanceof Class<?> c) || !c.getPackageName().equals(PROTOCOL_PACKAGE) || !found.add(c)) {
            return;
        }
        if (c.isRecord()) {
            for (RecordComponent component : c.getRecordComponents()) {
                collect(component.getGenericType(), found);
            }
        }
        if (c.isSealed()) {
            for (Class<?> sub : c.getPermittedSubclasses()) {
                collect(sub, found);
            }
        }
    }

    /** The names Jackson writes: the record's components, renamed by {@code @JsonProperty}, plus a type discriminator. */
    private static Set<String> jsonFields(Class<?> record) {
        Set<String> names = new TreeSet<>();
        for (RecordComponent component : record.getRecordComponents()) {
            JsonProperty renamed = component.getAnnotation(JsonProperty.class);
            names.add(renamed != null && !renamed.value().isEmpty() ? renamed.value() : component.getName());
        }
        String discriminator = discriminator(record);
        if (discriminator != null) {
            names.add(discriminator);
        }
        return names;
    }

    private static @Nullable String discriminator(Class<?> record) {
        for (Class<?> parent : record.getInterfaces()) {
            JsonTypeInfo info = parent.getAnnotation(JsonTypeInfo.class);
            if (info != null) {
                return info.property();
            }
        }
        return null;
    }

    /** The record's schema by name, else inline under the property of the record that holds it (e.g. a nested record). */
    private static @Nullable Map<String, Object> schemaOf(Class<?> record, Map<String, Object> schemas,
                                                          Map<String, String> names, Set<Class<?>> records) {
        Map<String, Object> named = map(schemas.get(names.getOrDefault(record.getSimpleName(), record.getSimpleName())));
        if (named != null) {
            return named;
        }
        for (Class<?> holder : records) {
            Map<String, Object> holderSchema = map(schemas.get(names.getOrDefault(holder.getSimpleName(), holder.getSimpleName())));
            if (holderSchema == null) {
                continue;
            }
            for (RecordComponent component : holder.getRecordComponents()) {
                if (holds(component.getGenericType(), record)) {
                    Map<String, Object> property = map(map(holderSchema.get("properties")).get(component.getName()));
                    Map<String, Object> items = property == null ? null : map(property.get("items"));
                    return items != null ? items : property;
                }
            }
        }
        return null;
    }

    /** Whether {@code type} is {@code record} or a list or map of it. */
    private static boolean holds(Type type, Class<?> record) {
        if (type instanceof ParameterizedType p) {
            return java.util.Arrays.stream(p.getActualTypeArguments()).anyMatch(record::equals);
        }
        return record.equals(type);
    }

    /** The property names of a schema, following allOf and $ref. */
    private static Set<String> properties(Map<String, Object> schema, Map<String, Object> schemas) {
        Set<String> names = new TreeSet<>();
        Object ref = schema.get("$ref");
        if (ref != null) {
            String name = String.valueOf(ref).substring(String.valueOf(ref).lastIndexOf('/') + 1);
            Map<String, Object> target = map(schemas.get(name));
            return target == null ? names : properties(target, schemas);
        }
        Map<String, Object> properties = map(schema.get("properties"));
        if (properties != null) {
            names.addAll(properties.keySet());
        }
        if (schema.get("allOf") instanceof List<?> parts) {
            for (Object part : parts) {
                names.addAll(properties(map(part), schemas));
            }
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    private static @Nullable Map<String, Object> map(@Nullable Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    private static Map<String, Object> parse(String yamlOrJson) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(50 * 1024 * 1024);
        Map<String, Object> doc = new Yaml(options).load(yamlOrJson);
        return new LinkedHashMap<>(doc);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
